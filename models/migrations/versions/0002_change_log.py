"""change log: triggers record every catalog write in the writing transaction

Revision ID: 0002
Revises: 0001

The catalog tables get triggers that append one `changelog_entry` row per changed row, inside the
writing transaction, whoever wrote it. What one transaction wrote is grouped by `txn`:
- PostgreSQL: `txn` is the transaction id; each transaction also gets one `changelog_commit` row whose
  `position` a deferred trigger assigns at COMMIT, under a transaction-scoped advisory lock, so positions
  follow commit order and a reader that has passed position P never later finds a committed one below P.
- SQLite: writers are serialised, so the rows of one transaction are contiguous and their ids follow commit
  order; the id of a transaction's last row is its position. This app's connections put a token of their
  transaction in `changelog_writer` while they write (`models.changelog.record_transactions`); rows written
  by other programs carry no token and are grouped by what one read finds.
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# kind of a product row change: `updated` when what a shopper sees changed, `touched` for bookkeeping
# (version, updated_at, search text), which a variant or stock change makes on its product
_PRODUCT_SEEN = ('name', 'description', 'enabled', 'slug', 'category_id')
_VARIANT_SEEN = ('sku', 'name', 'price', 'product_id')


def upgrade() -> None:
    op.create_table(
        'changelog_entry',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), primary_key=True),
        sa.Column('txn', sa.BigInteger(), nullable=True),
        sa.Column('kind', sa.String(16), nullable=False),
        sa.Column('product_id', sa.BigInteger(), nullable=True),
        sa.Column('variant_id', sa.BigInteger(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=True),
        sa.Column('reason', sa.String(32), nullable=True),
        sa.Column('origin', sa.String(120), nullable=True),
        sa.Column('created_at', sa.String(40), nullable=True),
        sqlite_autoincrement=True,  # ids are positions on SQLite: never reuse one after retention deletes it
    )
    op.create_index('ix_changelog_entry_txn', 'changelog_entry', ['txn'])
    op.create_table(
        'changelog_meta',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('log_id', sa.String(32), nullable=False),
        sa.Column('pruned_through', sa.BigInteger(), nullable=False),
    )
    op.execute(
        sa.text('INSERT INTO changelog_meta (id, log_id, pruned_through) VALUES (1, :log_id, 0)').bindparams(
            log_id=secrets.token_hex(4)
        )
    )
    if op.get_bind().dialect.name == 'postgresql':
        _postgresql()
    else:
        _sqlite()


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in ('product', 'variant', 'stockmovement', 'category'):
            op.execute(f'DROP TRIGGER IF EXISTS changelog_{table} ON {table}')
        op.drop_table('changelog_commit')
        op.execute('DROP FUNCTION IF EXISTS changelog_record() CASCADE')
        op.execute('DROP FUNCTION IF EXISTS changelog_stamp() CASCADE')
        op.execute('DROP FUNCTION IF EXISTS changelog_position() CASCADE')
        op.execute('DROP SEQUENCE IF EXISTS changelog_position_seq')
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
        op.drop_table('changelog_writer')
    op.drop_table('changelog_meta')
    op.drop_table('changelog_entry')


def _changed(columns: tuple[str, ...], differs: str) -> str:
    """SQL that is true when any of `columns` changed; `differs` is the dialect's NULL-safe inequality."""
    return ' OR '.join(f'OLD.{column} {differs} NEW.{column}' for column in columns)


def _postgresql() -> None:
    op.execute('CREATE SEQUENCE changelog_position_seq')
    op.create_table(
        'changelog_commit',
        sa.Column('id', sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column('txn', sa.BigInteger(), nullable=False, unique=True),
        sa.Column('position', sa.BigInteger(), nullable=True, unique=True),
        sa.Column('committed_at', sa.DateTime(timezone=True), nullable=True),
    )
    # every entry row: stamped with its transaction, which gets its one commit row
    op.execute("""
        CREATE FUNCTION changelog_stamp() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
        BEGIN
            NEW.txn := pg_current_xact_id()::text::bigint;
            NEW.origin := coalesce(NEW.origin, nullif(current_setting('application_name'), ''), current_user);
            INSERT INTO changelog_commit (txn) VALUES (NEW.txn) ON CONFLICT (txn) DO NOTHING;
            RETURN NEW;
        END $$
    """)
    op.execute("""
        CREATE TRIGGER changelog_stamp BEFORE INSERT ON changelog_entry
        FOR EACH ROW EXECUTE FUNCTION changelog_stamp()
    """)
    # at COMMIT, once per transaction: the position, in commit order (the lock is held until the commit is
    # visible, so the next position can only be handed out after this one can be read)
    op.execute("""
        CREATE FUNCTION changelog_position() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
        BEGIN
            PERFORM pg_advisory_xact_lock(hashtext(TG_TABLE_SCHEMA || '.changelog'));
            UPDATE changelog_commit SET position = nextval('changelog_position_seq'), committed_at = clock_timestamp()
            WHERE id = NEW.id;
            PERFORM pg_notify('storefront_changelog', TG_TABLE_SCHEMA);
            RETURN NULL;
        END $$
    """)
    op.execute("""
        CREATE CONSTRAINT TRIGGER changelog_position AFTER INSERT ON changelog_commit
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION changelog_position()
    """)
    op.execute(f"""
        CREATE FUNCTION changelog_record() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
        DECLARE
            kind text;
        BEGIN
            IF TG_TABLE_NAME = 'product' THEN
                IF TG_OP = 'INSERT' THEN
                    INSERT INTO changelog_entry (kind, product_id, version) VALUES ('created', NEW.id, NEW.version);
                ELSIF TG_OP = 'DELETE' THEN
                    INSERT INTO changelog_entry (kind, product_id, version) VALUES ('deleted', OLD.id, OLD.version);
                ELSE
                    kind := CASE WHEN {_changed(_PRODUCT_SEEN, 'IS DISTINCT FROM')} THEN 'updated' ELSE 'touched' END;
                    INSERT INTO changelog_entry (kind, product_id, version) VALUES (kind, NEW.id, NEW.version);
                END IF;
            ELSIF TG_TABLE_NAME = 'variant' THEN
                IF TG_OP = 'DELETE' THEN
                    INSERT INTO changelog_entry (kind, product_id, variant_id, version)
                    VALUES ('updated', OLD.product_id, OLD.id, (SELECT version FROM product WHERE id = OLD.product_id));
                ELSE
                    kind := 'updated';
                    IF TG_OP = 'UPDATE' AND NOT ({_changed(_VARIANT_SEEN, 'IS DISTINCT FROM')}) THEN
                        kind := CASE WHEN OLD.stock_on_hand IS DISTINCT FROM NEW.stock_on_hand
                                THEN 'stock' ELSE 'touched' END;
                    END IF;
                    INSERT INTO changelog_entry (kind, product_id, variant_id, version)
                    VALUES (kind, NEW.product_id, NEW.id, (SELECT version FROM product WHERE id = NEW.product_id));
                END IF;
            ELSIF TG_TABLE_NAME = 'stockmovement' THEN
                INSERT INTO changelog_entry (kind, product_id, variant_id, version)
                SELECT 'stock', variant.product_id, variant.id, product.version
                FROM variant JOIN product ON product.id = variant.product_id WHERE variant.id = NEW.variant_id;
            ELSE
                INSERT INTO changelog_entry (kind, reason) VALUES ('global', 'category');
            END IF;
            RETURN NULL;
        END $$
    """)
    for table, events in _WATCHED.items():
        op.execute(f"""
            CREATE TRIGGER changelog_{table} AFTER {' OR '.join(events)} ON {table}
            FOR EACH ROW EXECUTE FUNCTION changelog_record()
        """)


_WATCHED = {
    'product': ('INSERT', 'UPDATE', 'DELETE'),
    'variant': ('INSERT', 'UPDATE', 'DELETE'),
    'stockmovement': ('INSERT',),  # movements are never edited; they go only with their variant
    'category': ('UPDATE', 'DELETE'),  # a new category shows on no product yet
}
_SQLITE_TRIGGERS = [f'changelog_{table}_{event.lower()}' for table, events in _WATCHED.items() for event in events]


def _sqlite() -> None:
    op.create_table(
        'changelog_writer',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('txn', sa.BigInteger(), nullable=True),
        sa.Column('origin', sa.String(120), nullable=True),
    )
    op.execute('INSERT INTO changelog_writer (id, txn, origin) VALUES (1, NULL, NULL)')
    stamp = (
        '(SELECT txn FROM changelog_writer WHERE id = 1), '
        "coalesce((SELECT origin FROM changelog_writer WHERE id = 1), 'sqlite'), "
        "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
    )
    columns = '(kind, product_id, variant_id, version, reason, txn, origin, created_at)'
    bodies = {
        ('product', 'INSERT'): f"VALUES ('created', NEW.id, NULL, NEW.version, NULL, {stamp})",
        ('product', 'UPDATE'): (
            f"VALUES (CASE WHEN {_changed(_PRODUCT_SEEN, 'IS NOT')} THEN 'updated' ELSE 'touched' END,"
            f' NEW.id, NULL, NEW.version, NULL, {stamp})'
        ),
        ('product', 'DELETE'): f"VALUES ('deleted', OLD.id, NULL, OLD.version, NULL, {stamp})",
        ('variant', 'INSERT'): (
            f"VALUES ('updated', NEW.product_id, NEW.id,"
            f' (SELECT version FROM product WHERE id = NEW.product_id), NULL, {stamp})'
        ),
        ('variant', 'UPDATE'): (
            f"VALUES (CASE WHEN {_changed(_VARIANT_SEEN, 'IS NOT')} THEN 'updated'"
            " WHEN OLD.stock_on_hand IS NOT NEW.stock_on_hand THEN 'stock' ELSE 'touched' END,"
            f' NEW.product_id, NEW.id, (SELECT version FROM product WHERE id = NEW.product_id), NULL, {stamp})'
        ),
        ('variant', 'DELETE'): (
            f"VALUES ('updated', OLD.product_id, OLD.id,"
            f' (SELECT version FROM product WHERE id = OLD.product_id), NULL, {stamp})'
        ),
        ('stockmovement', 'INSERT'): (
            f"SELECT 'stock', variant.product_id, variant.id, product.version, NULL, {stamp}"
            ' FROM variant JOIN product ON product.id = variant.product_id WHERE variant.id = NEW.variant_id'
        ),
        ('category', 'UPDATE'): f"VALUES ('global', NULL, NULL, NULL, 'category', {stamp})",
        ('category', 'DELETE'): f"VALUES ('global', NULL, NULL, NULL, 'category', {stamp})",
    }
    for (table, event), body in bodies.items():
        op.execute(f"""
            CREATE TRIGGER changelog_{table}_{event.lower()} AFTER {event} ON {table}
            BEGIN INSERT INTO changelog_entry {columns} {body}; END
        """)
