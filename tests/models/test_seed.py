"""The demo catalog: deterministic, realistic in shape, and only ever seeded into an empty database."""

from collections import Counter
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from models.changelog import ChangeLog, record_transactions
from models.db import create_db_engine
from models.filters import ProductQuery
from models.queries import all_products, list_categories, list_products, stock_movements
from models.schema import upgrade
from models.seed import seed_if_empty
from tests.factories import make_product
from tests.services import sqlite_url

Snapshot = list[tuple[str, str, str, list[tuple[str, str, int, int]]]]


def snapshot(session: Session) -> Snapshot:
    return [
        (p.name, p.slug, p.category, [(v.sku, v.name, v.price, v.stock_on_hand) for v in p.variants])
        for p in all_products(session)
    ]


def seeded_elsewhere(folder: Path, count: int, seed: int) -> Snapshot:
    """The same seeding into a second, fresh SQLite database."""
    engine = create_db_engine(sqlite_url(folder))
    upgrade(engine)
    with Session(engine) as session:
        seed_if_empty(session, count, seed=seed)
        result = snapshot(session)
    engine.dispose()
    return result


def test_same_seed_same_catalog(session: Session, tmp_path: Path) -> None:
    assert seed_if_empty(session, 60, seed=11) == 60
    first = snapshot(session)
    assert first == seeded_elsewhere(tmp_path / 'again', 60, 11)
    assert first != seeded_elsewhere(tmp_path / 'other', 60, 12)


def test_demo_catalog_shape(session: Session) -> None:
    seed_if_empty(session, 120)
    products = all_products(session)
    assert len(products) == 120
    assert len({p.slug for p in products}) == 120
    assert len({v.sku for p in products for v in p.variants}) == sum(len(p.variants) for p in products)
    assert len(list_categories(session)) == 8
    assert set(Counter(p.category for p in products).values()) == {15}
    assert {len(p.variants) for p in products} == {1, 2, 3, 4}
    assert 0 < sum(p.stock == 0 for p in products) < 40, 'some, not most, products are sold out'
    assert all(99 <= v.price <= 40_000 and v.price % 100 == 99 for p in products for v in p.variants)
    assert all(p.enabled and p.name and p.description for p in products)


def test_seeds_only_an_empty_database(session: Session) -> None:
    make_product(session, name='Already Here')
    assert seed_if_empty(session, 50) == 0
    assert [p.name for p in all_products(session)] == ['Already Here']


def test_seeding_twice_adds_nothing(session: Session) -> None:
    assert seed_if_empty(session, 10) == 10
    before = snapshot(session)
    assert seed_if_empty(session, 10) == 0
    assert snapshot(session) == before


def test_zero_products_seeds_nothing(session: Session) -> None:
    assert seed_if_empty(session, 0) == 0
    assert all_products(session) == []


def test_seeded_rows_are_what_the_catalog_would_have_written(session: Session) -> None:
    """The seed bypasses the ORM's unit of work (bulk INSERTs): search text, versions and stock history must still
    be there, and the catalog must go on creating products after it (ids from the database's own sequence)."""
    seed_if_empty(session, 30)
    product = all_products(session)[7]
    sku = product.variants[-1].sku
    found = list_products(session, ProductQuery(q=sku.lower()))
    assert [p.id for p in found.items] == [product.id]
    assert product.version == 1 and all(v.version == 1 for v in product.variants)
    for variant in product.variants:
        history = stock_movements(session, variant.id)
        assert sum(m.delta for m in history) == variant.stock_on_hand
    assert make_product(session, name='After The Seed').id == 31


def test_the_seed_is_one_transaction_in_the_change_log(engine: Engine) -> None:
    record_transactions(engine, 'seed')
    log = ChangeLog(engine)
    with Session(engine) as session:
        seed_if_empty(session, 40)
    assert len(log.read(0, limit=100)) == 1
