"""Alembic migrations: an empty database is brought to the head revision; one at head is left as it is."""

from sqlalchemy import Engine, inspect
from sqlmodel import Session

from models.db import create_db_engine
from models.queries import all_products
from models.schema import current_revision, head_revision, upgrade
from tests.factories import make_product

CATALOG = {'category', 'product', 'variant', 'stockmovement'}
TABLES = {'alembic_version', *CATALOG, 'changelog_entry', 'changelog_meta', 'customer_order', 'order_line'}
OWN_TABLES = {'sqlite': {'changelog_writer'}, 'postgresql': {'changelog_commit'}}  # how each tells transactions apart


def test_upgrade_creates_the_schema_on_an_empty_database(database_url: str) -> None:
    engine = create_db_engine(database_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision() is not None
        assert set(inspect(engine).get_table_names()) == TABLES | OWN_TABLES[engine.dialect.name]
        with Session(engine) as session:
            assert make_product(session).version == 1
    finally:
        engine.dispose()


def test_upgrade_at_head_keeps_the_data(engine: Engine) -> None:
    with Session(engine) as session:
        product = make_product(session)
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with Session(engine) as session:
        assert all_products(session) == [product]
