"""Guarantee 1: published after commit, never on rollback, for every write path; guarantee 2: commit order."""

import asyncio
import sys
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import Engine, update
from sqlmodel import Session

from invalidation.bus import Bus, Subscription
from invalidation.events import Event
from invalidation.hook import CommitHook
from models import catalog
from models.errors import Invalid
from models.tables import Category, Product, ProductCreate, ProductUpdate, Variant, VariantCreate, VariantUpdate

SENTINEL = Event(type='global-update', reason='admin', origin='sentinel')


@pytest.fixture
async def bus(engine: Engine) -> AsyncIterator[Bus]:
    bus = Bus('memory://', origin='test')
    hook = CommitHook(bus.publish_threadsafe, bus.origin)
    hook.install()
    await bus.connect()
    try:
        yield bus
    finally:
        hook.uninstall()
        await bus.disconnect()


async def published(bus: Bus, subscription: Subscription) -> list[Event]:
    """Everything published so far: the hook and this sentinel share the bus's ordered outbox."""
    await bus.publish(SENTINEL)
    events = []
    while (event := await asyncio.wait_for(anext(subscription), 5)).origin != 'sentinel':
        events.append(event)
    return events


@asynccontextmanager
async def caught_up(bus: Bus) -> AsyncIterator[Subscription]:
    """A subscription that has already received everything committed before it."""
    async with bus.subscribe() as subscription:
        await published(bus, subscription)
        yield subscription


def run_threads(work: Callable[[int], None], count: int) -> None:
    threads = [threading.Thread(target=work, args=(15,)) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def make_product(session: Session, name: str = 'Linen Scarf', skus: tuple[str, ...] = ('SCARF-1',)) -> Product:
    if session.get(Category, 1) is None:
        catalog.create_category(session=session, slug='apparel', name='Apparel')
    created = catalog.create_product(
        session=session,
        product_in=ProductCreate(
            name=name,
            category='apparel',
            variants=[VariantCreate(sku=sku, name=sku, price=1000, stock_on_hand=5) for sku in skus],
        ),
    )
    product = session.get(Product, created.id)
    assert product is not None
    return product


async def test_a_commit_publishes_one_event_with_the_new_version(bus: Bus, session: Session) -> None:
    product = make_product(session)
    async with caught_up(bus) as subscription:
        catalog.update_product(
            session=session, product_id=product.id, version=product.version, changes=ProductUpdate(name='Wool Scarf')
        )
        [event] = await published(bus, subscription)
    assert (event.type, event.product_ids, event.versions) == ('product-updated', (product.id,), {product.id: 2})


async def test_a_rollback_publishes_nothing(bus: Bus, session: Session) -> None:
    product = make_product(session)
    async with caught_up(bus) as subscription:
        product.name = 'Never Saved'
        session.flush()
        session.rollback()
        assert await published(bus, subscription) == []


async def test_a_failed_commit_publishes_nothing(bus: Bus, session: Session) -> None:
    make_product(session, skus=('TAKEN-1',))
    async with caught_up(bus) as subscription:
        with pytest.raises(Invalid):
            make_product(session, name='Other', skus=('TAKEN-1',))
        assert await published(bus, subscription) == []


async def test_a_write_outside_the_catalog_functions_is_published(bus: Bus, session: Session) -> None:
    product = make_product(session)
    variant = product.variants[0]
    async with caught_up(bus) as subscription:
        with Session(session.get_bind()) as raw:  # any code path: a plain ORM session, no catalog function
            row = raw.get(Variant, variant.id)
            assert row is not None
            row.price = 1234
            raw.commit()
        [event] = await published(bus, subscription)
    assert (event.type, event.product_ids, event.variant_ids) == ('product-updated', (product.id,), (variant.id,))


async def test_stock_changes_are_their_own_kind(bus: Bus, session: Session) -> None:
    product = make_product(session)
    async with caught_up(bus) as subscription:
        catalog.adjust_stock(session=session, variant_id=product.variants[0].id, delta=-2, reason='sold')
        [event] = await published(bus, subscription)
    assert (event.type, event.variant_ids) == ('stock-changed', (product.variants[0].id,))


async def test_one_event_per_product_and_kind_with_variant_ids_merged(bus: Bus, session: Session) -> None:
    product = make_product(session, skus=('A-1', 'A-2'))
    first, second = (v.id for v in product.variants)
    async with caught_up(bus) as subscription:
        for variant in product.variants:
            variant.price += 100
        session.commit()
        [event] = await published(bus, subscription)
    assert (event.type, event.product_ids, set(event.variant_ids)) == (
        'product-updated',
        (product.id,),
        {first, second},
    )


async def test_create_and_delete_are_single_events(bus: Bus, session: Session) -> None:
    async with caught_up(bus) as subscription:
        product = make_product(session, skus=('B-1', 'B-2'))
        catalog.delete_product(session=session, product_id=product.id)
        events = await published(bus, subscription)
    created_or_deleted = [(e.type, e.product_ids) for e in events if e.product_ids == (product.id,)]
    assert created_or_deleted == [('product-created', (product.id,)), ('product-deleted', (product.id,))]


async def test_a_variant_edit_through_the_catalog_bumps_the_product_version(bus: Bus, session: Session) -> None:
    product = make_product(session)
    async with caught_up(bus) as subscription:
        updated = catalog.update_variant(
            session=session, variant_id=product.variants[0].id, version=1, changes=VariantUpdate(price=999)
        )
        [event] = await published(bus, subscription)
    assert event.versions == {product.id: updated.version} and updated.version == 2


async def test_bulk_statements_make_everyone_resync(bus: Bus, session: Session) -> None:
    make_product(session)
    async with caught_up(bus) as subscription:
        session.exec(update(Variant).values(price=1))  # type: ignore[call-overload]
        session.commit()
        [event] = await published(bus, subscription)
    assert (event.type, event.reason) == ('global-update', 'bulk')


async def test_a_savepoint_rollback_keeps_the_outer_changes(bus: Bus, session: Session) -> None:
    product = make_product(session)
    async with caught_up(bus) as subscription:
        product.name = 'Kept'
        with session.begin_nested() as nested:
            session.flush()
            nested.rollback()
        product.name = 'Kept'
        session.commit()
        events = await published(bus, subscription)
    assert [e.type for e in events] == ['product-updated']


async def test_concurrent_commits_are_published_in_commit_order(bus: Bus, engine: Engine) -> None:
    with Session(engine) as session:
        variant_id = make_product(session, skus=('RACE-1',)).variants[0].id
    start = threading.Barrier(8)

    def sell(count: int) -> None:
        start.wait()
        with Session(engine, expire_on_commit=False) as worker:
            for _ in range(count):
                catalog.adjust_stock(session=worker, variant_id=variant_id, delta=1, reason='race')

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so a commit/publish race would show
    try:
        async with caught_up(bus) as subscription:
            await asyncio.to_thread(run_threads, sell, 8)
            events = [e for e in await published(bus, subscription) if e.type == 'stock-changed']
    finally:
        sys.setswitchinterval(interval)
    versions = [next(iter(e.versions.values())) for e in events]
    assert len(versions) == 120
    assert versions == sorted(versions), 'bus order differs from commit order'
