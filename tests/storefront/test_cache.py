"""The read cache against a real database and a real bus: one DB read per change, however many pages watch.

Writes go through a plain engine whose statements the `storefront_db_queries_total` counter does not see, and
so does the bus's reading of the change log; the cache reads through a `models.db.Database`, whose every statement
it counts.
"""

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import Engine, create_engine
from sqlmodel import Session, select

from invalidation.bus import Bus
from invalidation.deliveries import Deliveries
from invalidation.tailer import Retention
from models import catalog
from models.db import Database
from models.queries import all_products, find_products
from models.seed import seed_if_empty
from models.tables import Product, ProductUpdate
from storefront.cache import CatalogCache
from storefront.live import LiveBridge, Update

WATCHERS = 50
TIMEOUT = 10


@dataclass
class Shop:
    """One process's storefront side: the cache and the bridge on a real bus, and a writer beside them."""

    bus: Bus
    cache: CatalogCache
    bridge: LiveBridge
    writer: Engine
    db: Database
    updates: asyncio.Queue[Update] = field(default_factory=asyncio.Queue)

    def write(self, change: Callable[[Session], object]) -> None:
        with Session(self.writer, expire_on_commit=False) as session:
            change(session)

    async def next_update(self) -> Update:
        return await asyncio.wait_for(self.updates.get(), TIMEOUT)


@pytest.fixture
def db(engine: Engine, database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
async def shop(db: Database, database_url: str) -> AsyncIterator[Shop]:
    writer = create_engine(database_url)
    with Session(writer) as session:
        seed_if_empty(session, 12)
    log_engine = create_engine(database_url)
    bus = Bus(log_engine, origin='test', retention=Retention(1_000, timedelta(days=1)))
    cache = CatalogCache(db)
    bridge = LiveBridge(cache, Deliveries())
    bus.add_listener(bridge.on_event)
    await bus.connect()
    await bridge.start()
    shop = Shop(bus, cache, bridge, writer, db)
    bridge.updated.subscribe(shop.updates.put_nowait)
    await cache.products()  # warm
    try:
        yield shop
    finally:
        await bridge.stop()
        await bus.disconnect()
        log_engine.dispose()
        writer.dispose()


async def test_n_watching_pages_cost_one_db_read_per_change(shop: Shop) -> None:
    product = next(iter((await shop.cache.products()).values()))
    one_read = statements(lambda: read_products(shop.db, [product.id]))
    watched: list[str] = []
    for _ in range(WATCHERS):  # like shop pages: each hears of the change and renders from the update
        shop.bridge.updated.subscribe(lambda update: watched.append(update.catalog[product.id].name))
    readers: list[asyncio.Future[object]] = []
    # like pages loading at the moment of the change: each reads the cache itself
    shop.bus.add_listener(lambda _event: readers.extend(read_soon(shop.cache) for _ in range(WATCHERS)))
    queries, reloads = counter('storefront_db_queries_total'), counter('storefront_cache_reloads_total')

    rename(shop, product.id, 'Watched Closely')
    await shop.next_update()
    catalogs = await asyncio.wait_for(asyncio.gather(*readers), TIMEOUT)

    assert watched == ['Watched Closely'] * WATCHERS
    assert all(catalog[product.id].name == 'Watched Closely' for catalog in catalogs)  # type: ignore[index]
    assert counter('storefront_cache_reloads_total') - reloads == 1
    assert counter('storefront_db_queries_total') - queries == one_read


async def test_an_event_drops_exactly_its_products(shop: Shop) -> None:
    before = await shop.cache.products()
    changed, kept, deleted = list(before.values())[:3]
    variant = changed.variants[0]

    shop.write(lambda s: catalog.adjust_stock(session=s, variant_id=variant.id, delta=7, reason='delivery'))
    update = await shop.next_update()
    assert update.affected == {changed.id}
    after = await shop.cache.products()
    assert after[changed.id].variants[0].stock_on_hand == variant.stock_on_hand + 7
    assert after[kept.id] is before[kept.id]  # not reloaded, not even copied

    shop.write(lambda s: catalog.delete_product(session=s, product_id=deleted.id))
    await shop.next_update()
    assert deleted.id not in await shop.cache.products()
    assert await shop.cache.by_slug(deleted.slug) is None


async def test_global_update_reloads_everything_once(shop: Shop) -> None:
    before = await shop.cache.products()
    reloads = counter('storefront_cache_reloads_total')
    await shop.bus.global_update('admin')
    assert (await shop.next_update()).is_global
    after = await shop.cache.products()
    assert after == before
    assert all(after[product_id] is not before[product_id] for product_id in before)
    assert counter('storefront_cache_reloads_total') - reloads == 1


async def test_concurrent_readers_share_one_reload(db: Database) -> None:
    with db.session() as session:
        seed_if_empty(session, 5)
    cache = CatalogCache(db)
    reloads, misses = counter('storefront_cache_reloads_total'), counter('storefront_cache_misses_total')
    queries = counter('storefront_db_queries_total')

    catalogs = await asyncio.gather(*(cache.products() for _ in range(WATCHERS)))

    assert all(len(each) == 5 for each in catalogs)
    assert counter('storefront_cache_reloads_total') - reloads == 1
    assert counter('storefront_cache_misses_total') - misses == WATCHERS
    assert counter('storefront_db_queries_total') - queries == statements(lambda: read_all(db))
    hits = counter('storefront_cache_hits_total')
    await cache.products()
    assert counter('storefront_cache_hits_total') - hits == 1


def rename(shop: Shop, product_id: int, name: str) -> None:
    def change(session: Session) -> None:
        version = session.exec(select(Product.version).where(Product.id == product_id)).one()
        catalog.update_product(
            session=session, product_id=product_id, version=version, changes=ProductUpdate(name=name)
        )

    shop.write(change)


def read_soon(cache: CatalogCache) -> asyncio.Future[object]:
    return asyncio.ensure_future(cache.products())


def read_products(db: Database, ids: list[int]) -> dict:
    with db.session() as session:
        return find_products(session, ids)


def read_all(db: Database) -> list:
    with db.session() as session:
        return all_products(session)


def statements(read: Callable[[], object]) -> float:
    """How many SQL statements one call of `read` costs through a `models.db.Database`."""
    before = counter('storefront_db_queries_total')
    read()
    return counter('storefront_db_queries_total') - before


def counter(name: str) -> float:
    return REGISTRY.get_sample_value(name) or 0.0
