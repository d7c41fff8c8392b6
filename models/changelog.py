"""The change log: what each committed transaction changed in the catalog, written by the database itself.

Triggers (migration 0002) append a row per changed catalog row inside the writing transaction, whoever
wrote it: this app, another process, psql, the sqlite3 shell. This module reads those rows back one
transaction at a time, in commit order, from a position on; replays from a client's position; prunes by
count and age; and tags this app's own SQLite transactions so that their rows group as one (PostgreSQL
tells transactions apart by itself).

Positions are totally ordered and never overtaken: a transaction that commits later always gets a higher
one (PostgreSQL: assigned at COMMIT under an advisory lock; SQLite: writers are serialised). They are
durable, so a restart resumes where it was; `log_id` names the log, so a position from another database
is recognised as foreign.
"""

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Row, event, text

WRITES = ('INSERT', 'UPDATE', 'DELETE', 'REPLACE')
_TOKEN = 'changelog.txn'


@dataclass(frozen=True, slots=True)
class Change:
    """One changed row: `kind` is created, updated, deleted, stock, touched (bookkeeping only) or global."""

    kind: str
    product_id: int | None = None
    variant_id: int | None = None
    version: int | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Transaction:
    position: int
    committed_at: datetime
    origin: str
    changes: tuple[Change, ...]


class ChangeLog:
    """Reads one database's change log; every method opens its own connection, so any thread may call it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == 'postgresql'
        self._log_id: str | None = None

    @property
    def log_id(self) -> str:
        if self._log_id is None:
            with self.engine.connect() as connection:
                self._log_id = str(connection.execute(text('SELECT log_id FROM changelog_meta')).scalar_one())
        return self._log_id

    def head(self) -> int:
        """The newest committed position (0 while the log is empty)."""
        with self.engine.connect() as connection:
            return self._head(connection)

    def read(self, after: int, limit: int = 1_000) -> list[Transaction]:
        """Up to `limit` whole transactions committed after position `after`, oldest first."""
        with self.engine.connect() as connection:
            return self._read(connection, after, limit)

    def replay(self, after: int, limit: int = 100_000) -> list[Transaction] | None:
        """Everything after `after`, or None when the log cannot tell: pruned past it, or it is in the future.

        The prune mark is read after the entries: pruning deletes and moves the mark in one transaction, so a
        mark still at or below `after` proves that nothing after it was gone when the entries were read."""
        with self.engine.connect() as connection:
            if not 0 <= after <= self._head(connection):
                return None
            transactions = self._read(connection, after, limit)
            pruned = connection.execute(text('SELECT pruned_through FROM changelog_meta')).scalar_one()
            connection.rollback()
        return transactions if pruned <= after else None

    def schema(self) -> str | None:
        """PostgreSQL: the schema holding the log (its NOTIFY payload); None on SQLite."""
        if not self.postgres:
            return None
        with self.engine.connect() as connection:
            query = "SELECT relnamespace::regnamespace::text FROM pg_class WHERE oid = 'changelog_entry'::regclass"
            return str(connection.execute(text(query)).scalar_one())

    def prune(self, *, keep: int, max_age: timedelta) -> int:
        """Forgets transactions beyond the newest `keep` or older than `max_age`; returns the new cut."""
        cutoff = datetime.now(UTC) - max_age
        with self.engine.begin() as connection:
            cut = self._cut(connection, keep, cutoff)
            if cut:
                if self.postgres:
                    connection.execute(
                        text(
                            'DELETE FROM changelog_entry WHERE txn IN'
                            ' (SELECT txn FROM changelog_commit WHERE position <= :cut)'
                        ),
                        {'cut': cut},
                    )
                    connection.execute(text('DELETE FROM changelog_commit WHERE position <= :cut'), {'cut': cut})
                else:
                    connection.execute(text('DELETE FROM changelog_entry WHERE id <= :cut'), {'cut': cut})
                connection.execute(
                    text('UPDATE changelog_meta SET pruned_through = :cut WHERE pruned_through < :cut'), {'cut': cut}
                )
            return int(connection.execute(text('SELECT pruned_through FROM changelog_meta')).scalar_one())

    def _head(self, connection: Connection) -> int:
        query = 'SELECT max(position) FROM changelog_commit' if self.postgres else 'SELECT max(id) FROM changelog_entry'
        newest = connection.execute(text(query)).scalar()
        pruned = connection.execute(text('SELECT pruned_through FROM changelog_meta')).scalar_one()
        return int(max(newest or 0, pruned))

    def _read(self, connection: Connection, after: int, limit: int) -> list[Transaction]:
        if self.postgres:
            rows = connection.execute(_PG_READ, {'after': after, 'limit': limit}).all()
            return _by_position(rows)
        rows = connection.execute(_SQLITE_READ, {'after': after, 'limit': limit * 20}).all()
        if len(rows) == limit * 20:  # the last transaction may go on past the batch: read it whole
            last = rows[-1]
            rows = [row for row in rows if row.txn != last.txn or last.txn is None]
            if not rows:
                rows = connection.execute(_SQLITE_REST, {'after': after, 'txn': last.txn}).all()
        return _by_token(rows)[:limit]

    def _cut(self, connection: Connection, keep: int, cutoff: datetime) -> int:
        if self.postgres:
            by_count = connection.execute(
                text(
                    'SELECT position FROM changelog_commit WHERE position IS NOT NULL'
                    ' ORDER BY position DESC OFFSET :keep LIMIT 1'
                ),
                {'keep': keep},
            ).scalar()
            by_age = connection.execute(
                text('SELECT max(position) FROM changelog_commit WHERE committed_at < :cutoff'), {'cutoff': cutoff}
            ).scalar()
        else:
            by_count = connection.execute(
                text('SELECT id FROM changelog_entry ORDER BY id DESC LIMIT 1 OFFSET :keep'), {'keep': keep}
            ).scalar()
            by_age = connection.execute(
                text('SELECT max(id) FROM changelog_entry WHERE created_at < :cutoff'), {'cutoff': _iso(cutoff)}
            ).scalar()
        return int(max(by_count or 0, by_age or 0))


def note_global_update(connection: Connection, reason: str, origin: str) -> None:
    """Asks every shop and subscriber to refetch everything, as an entry of the log like any other change."""
    if connection.dialect.name == 'postgresql':
        connection.execute(
            text("INSERT INTO changelog_entry (kind, reason, origin) VALUES ('global', :reason, :origin)"),
            {'reason': reason, 'origin': origin},
        )
    else:
        connection.execute(
            text(
                "INSERT INTO changelog_entry (kind, reason, txn, origin, created_at) VALUES ('global', :reason,"
                " (SELECT txn FROM changelog_writer WHERE id = 1), :origin, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
            ),
            {'reason': reason, 'origin': origin},
        )


def record_transactions(engine: Engine, origin: str) -> None:
    """Makes this app's SQLite transactions recognisable in the log: before a transaction's first write, a token
    of its own goes into `changelog_writer`, which the triggers copy into each row; it is cleared before COMMIT,
    so what other programs write later carries none. (PostgreSQL's triggers use the transaction id.)"""
    if engine.dialect.name != 'sqlite':
        return
    event.listen(engine, 'before_cursor_execute', lambda conn, cursor, sql, *_: _tag(conn, cursor, sql, origin))
    event.listen(engine, 'commit', _untag)
    event.listen(engine, 'rollback', lambda conn: conn.info.pop(_TOKEN, None))
    event.listen(engine, 'rollback_savepoint', _forget_tag)


def _tag(connection: Connection, cursor: Any, statement: str, origin: str) -> None:
    """Before the first write of a transaction (again after a savepoint's rollback undid it), its token."""
    token, written = connection.info.get(_TOKEN, (None, False))
    if written or not statement.lstrip()[:7].upper().startswith(WRITES):
        return
    token = token or secrets.randbits(62)
    connection.info[_TOKEN] = (token, True)
    cursor.execute('UPDATE changelog_writer SET txn = ?, origin = ? WHERE id = 1', (token, origin))


def _forget_tag(connection: Connection, *_: Any) -> None:
    if _TOKEN in connection.info:
        connection.info[_TOKEN] = (connection.info[_TOKEN][0], False)


def _untag(connection: Connection) -> None:
    if connection.info.pop(_TOKEN, None) is not None:
        dbapi_connection: Any = connection.connection.dbapi_connection
        dbapi_connection.execute('UPDATE changelog_writer SET txn = NULL, origin = NULL WHERE id = 1')


_COLUMNS = 'e.kind, e.product_id, e.variant_id, e.version, e.reason, e.origin'
_PG_READ = text(f"""
    SELECT c.position, c.committed_at, {_COLUMNS}
    FROM (SELECT txn, position, committed_at FROM changelog_commit
          WHERE position > :after ORDER BY position LIMIT :limit) AS c
    JOIN changelog_entry AS e ON e.txn = c.txn
    ORDER BY c.position, e.id
""")
_SQLITE_READ = text(
    f'SELECT e.id, e.txn, e.created_at, {_COLUMNS} FROM changelog_entry AS e'
    ' WHERE e.id > :after ORDER BY e.id LIMIT :limit'
)
_SQLITE_REST = text(f"""
    SELECT e.id, e.txn, e.created_at, {_COLUMNS} FROM changelog_entry AS e
    WHERE e.id > :after AND e.id < coalesce(
        (SELECT min(id) FROM changelog_entry WHERE id > :after AND txn IS NOT :txn), 9223372036854775807)
    ORDER BY e.id
""")


def _by_position(rows: Sequence[Row[Any]]) -> list[Transaction]:
    groups: dict[int, list[Row[Any]]] = {}
    for row in rows:
        groups.setdefault(row.position, []).append(row)
    return [_transaction(position, group[0].committed_at.astimezone(UTC), group) for position, group in groups.items()]


def _by_token(rows: Sequence[Row[Any]]) -> list[Transaction]:
    """Consecutive rows with one token are one transaction (SQLite writes a transaction's rows in one run);
    rows without one came from other programs and group by run as well."""
    transactions: list[Transaction] = []
    group: list[Row[Any]] = []
    for row in rows:
        if group and row.txn != group[-1].txn:
            transactions.append(_sqlite_transaction(group))
            group = []
        group.append(row)
    if group:
        transactions.append(_sqlite_transaction(group))
    return transactions


def _sqlite_transaction(group: list[Row[Any]]) -> Transaction:
    last = group[-1]
    return _transaction(last.id, datetime.fromisoformat(last.created_at.replace('Z', '+00:00')), group)


def _transaction(position: int, committed_at: datetime, rows: Iterable[Row[Any]]) -> Transaction:
    rows = list(rows)
    changes = tuple(Change(r.kind, r.product_id, r.variant_id, r.version, r.reason) for r in rows)
    return Transaction(position, committed_at, rows[-1].origin or '', changes)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')[:-4] + 'Z'
