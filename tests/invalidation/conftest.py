"""A Bus on the change log of a real database (SQLite file or PostgreSQL schema), and writers that feed it."""

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from invalidation.bus import Bus
from invalidation.tailer import Retention
from models import catalog
from models.changelog import record_transactions
from models.db import create_db_engine
from models.schema import upgrade
from models.tables import ProductCreate
from tests.factories import make_category, unique

BusFactory = Callable[..., AbstractAsyncContextManager[Bus]]
RETENTION = Retention(keep=10_000, max_age=timedelta(days=1), every_seconds=3600)


@pytest.fixture
def log_engine(database_url: str) -> Iterator[Engine]:
    """An engine on the test's own database, set up as `app.py` sets up its own: writer `test`."""
    engine = create_db_engine(database_url, 'test')
    upgrade(engine)
    record_transactions(engine, 'test')
    yield engine
    engine.dispose()


@pytest.fixture
def bus_factory(log_engine: Engine) -> BusFactory:
    @asynccontextmanager
    async def connected(**options: int) -> AsyncIterator[Bus]:
        bus = Bus(log_engine, origin='test', retention=RETENTION, **options)
        await bus.connect()
        try:
            yield bus
        finally:
            await bus.disconnect()

    return connected


@pytest.fixture
async def bus(bus_factory: BusFactory) -> AsyncIterator[Bus]:
    async with bus_factory() as bus:
        yield bus


class Writer:
    """Commits one new product per call, through the catalog functions, as the app does."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        with Session(engine) as session:
            self.category = make_category(session).slug

    def __call__(self) -> int:
        with Session(self.engine) as session:
            product = catalog.create_product(
                session=session, product_in=ProductCreate(name=unique('Product'), category=self.category)
            )
        return product.id


@pytest.fixture
def writer(log_engine: Engine) -> Writer:
    return Writer(log_engine)
