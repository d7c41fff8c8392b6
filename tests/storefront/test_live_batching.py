"""Under an order storm each open page gets one update per window, and none falls behind; a lone write is told at
once. A real database and bus, with orders placed as fast as one connection places them."""

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import create_engine

from invalidation.bus import Bus
from invalidation.deliveries import Deliveries
from invalidation.tailer import Retention
from models.changelog import record_transactions
from models.db import Database
from models.orders import place_order
from storefront.cache import CatalogCache
from storefront.live import LiveBridge, Update
from tests.factories import make_product, order_in, variant_in

ORDERS = 30
WINDOW = 0.5
TIMEOUT = 10


@pytest.fixture
async def watched(database_url: str) -> AsyncIterator[tuple[Database, asyncio.Queue[Update]]]:
    """A live bridge with a window, on a bus on the test's database; the updates it tells the pages, queued."""
    db = Database(database_url)
    record_transactions(db.engine, 'test')  # as the app does: each SQLite transaction one entry of the log
    log_engine = create_engine(database_url)
    bus = Bus(log_engine, origin='test', retention=Retention(1_000, timedelta(days=1)))
    db.on_commit(bus.tailer.wake)
    bridge = LiveBridge(CatalogCache(db), Deliveries(), window_seconds=WINDOW)
    bus.add_listener(bridge.on_event)
    updates: asyncio.Queue[Update] = asyncio.Queue()
    bridge.updated.subscribe(updates.put_nowait)
    await bus.connect()
    await bridge.start()
    try:
        yield db, updates
    finally:
        await bridge.stop()
        await bus.disconnect()
        log_engine.dispose()
        db.dispose()


@pytest.mark.usefixtures('engine')  # the schema
async def test_an_order_storm_reaches_pages_in_one_update_per_window(
    watched: tuple[Database, asyncio.Queue[Update]],
) -> None:
    db, updates = watched
    with db.session() as session:
        variant_id = make_product(session, variants=[variant_in(stock=ORDERS)]).variants[0].id
    await asyncio.wait_for(updates.get(), TIMEOUT)  # the product's creation

    def storm() -> None:
        with db.session() as session:
            for _ in range(ORDERS):
                place_order(session=session, order_in=order_in((variant_id, 1)))

    started = time.monotonic()
    await asyncio.to_thread(storm)
    windows = int((time.monotonic() - started) / WINDOW) + 2  # the storm's windows, and one it began inside
    told: list[Update] = []
    while sum(len(update.events) for update in told) < ORDERS:
        told.append(await asyncio.wait_for(updates.get(), TIMEOUT))
    assert len(told) <= windows < ORDERS, f'{len(told)} updates for {ORDERS} orders'
    (product,) = told[-1].catalog.values()
    assert product.variants[0].stock_on_hand == 0, 'the last update shows the state after the storm'
    lag = REGISTRY.get_sample_value('storefront_live_lag_seconds')
    assert lag is not None and 0 < lag < WINDOW + 2


@pytest.mark.usefixtures('engine')
async def test_a_lone_write_is_told_at_once(watched: tuple[Database, asyncio.Queue[Update]]) -> None:
    db, updates = watched
    with db.session() as session:
        make_product(session)
    started = asyncio.get_running_loop().time()
    await asyncio.wait_for(updates.get(), TIMEOUT)
    assert asyncio.get_running_loop().time() - started < WINDOW
