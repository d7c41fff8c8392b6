"""The Bus on a real change log, SQLite and PostgreSQL: order, replay then live, restarts, resync, overflow, cleanup."""

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from invalidation.bus import Bus, Subscription
from invalidation.events import Event
from models.changelog import ChangeLog
from models.db import create_db_engine
from models.schema import upgrade
from tests.invalidation.conftest import BusFactory, Writer
from tests.services import sqlite_url

TIMEOUT = 5


async def write(writer: Writer, count: int) -> list[int]:
    return [await asyncio.to_thread(writer) for _ in range(count)]


async def next_event(subscription: Subscription) -> Event:
    return await asyncio.wait_for(anext(subscription), TIMEOUT)


async def written_and_seen(bus: Bus, writer: Writer, count: int) -> list[Event]:
    """Commits `count` transactions and returns them as a live subscriber received them."""
    async with bus.subscribe() as watcher:
        await write(writer, count)
        return [await next_event(watcher) for _ in range(count)]


async def test_every_subscriber_sees_every_transaction_once_in_log_order(bus: Bus, writer: Writer) -> None:
    async with bus.subscribe() as first, bus.subscribe() as second:
        products = await write(writer, 5)
        for subscription in (first, second):
            events = [await next_event(subscription) for _ in products]
            assert [event.product_ids for event in events] == [(product,) for product in products]
            assert [event.type for event in events] == ['product-created'] * 5
            positions = [bus.order_key(event.id) for event in events]
            assert positions == sorted(set(positions))


async def test_replay_after_an_id_then_live_without_gap_or_duplicate(bus: Bus, writer: Writer) -> None:
    """Write 1..10, subscribe after 8, write 11 → exactly 9, 10, 11 (Mercure's history-and-live test)."""
    events = await written_and_seen(bus, writer, 10)
    async with bus.subscribe(last_id=events[7].id) as subscription:
        (eleventh,) = await write(writer, 1)
        received = [await next_event(subscription) for _ in range(3)]
    assert [event.id for event in received[:2]] == [event.id for event in events[8:]]
    assert received[2].product_ids == (eleventh,)


async def test_replay_from_the_newest_id_gives_only_live_events(bus: Bus, writer: Writer) -> None:
    events = await written_and_seen(bus, writer, 3)
    async with bus.subscribe(last_id=events[-1].id) as subscription:
        (fourth,) = await write(writer, 1)
        assert (await next_event(subscription)).product_ids == (fourth,)


@pytest.mark.parametrize('last_id', ['garbage', '', '12345', 'deadbeef-1-2', 'x' * 200, 'ffffffff-1', '-1'])
async def test_a_malformed_or_foreign_id_gets_a_resync_first(bus: Bus, writer: Writer, last_id: str) -> None:
    await written_and_seen(bus, writer, 2)
    async with bus.subscribe(last_id=last_id) as subscription:
        first = await next_event(subscription)
        assert (first.type, first.reason) == ('global-update', 'resync')
        assert first.id == await bus.head_id()  # where to resume after refetching
        (third,) = await write(writer, 1)
        assert (await next_event(subscription)).product_ids == (third,)


async def test_an_id_from_the_future_gets_a_resync(bus: Bus, writer: Writer) -> None:
    events = await written_and_seen(bus, writer, 1)
    log_id, _, position = events[0].id.rpartition('-')
    async with bus.subscribe(last_id=f'{log_id}-{int(position) + 1000}') as subscription:
        assert (await next_event(subscription)).reason == 'resync'


async def test_an_id_from_another_database_gets_a_resync(bus: Bus, writer: Writer, tmp_path) -> None:
    other = create_db_engine(sqlite_url(tmp_path / 'other'))
    upgrade(other)
    try:
        foreign = f'{ChangeLog(other).log_id}-0'
    finally:
        other.dispose()
    async with bus.subscribe(last_id=foreign) as subscription:
        assert (await next_event(subscription)).reason == 'resync'


async def test_an_id_before_the_retention_cut_gets_a_resync(bus: Bus, writer: Writer) -> None:
    events = await written_and_seen(bus, writer, 6)
    await asyncio.to_thread(bus.log.prune, keep=2, max_age=timedelta(days=1))
    async with bus.subscribe(last_id=events[0].id) as subscription:
        assert (await next_event(subscription)).reason == 'resync'
    async with bus.subscribe(last_id=events[-2].id) as subscription:  # still retained: replayed
        assert (await next_event(subscription)).id == events[-1].id


async def test_a_new_bus_on_the_same_database_resumes_without_a_resync(bus_factory: BusFactory, writer: Writer) -> None:
    """A plain restart is not a resync: the log outlives the process."""
    async with bus_factory() as before:
        events = await written_and_seen(before, writer, 4)
    missed = await write(writer, 2)  # committed while no process was running
    async with bus_factory() as after, after.subscribe(last_id=events[1].id) as subscription:
        received = [await next_event(subscription) for _ in range(4)]
    assert [event.id for event in received[:2]] == [event.id for event in events[2:]]
    assert [event.product_ids for event in received[2:]] == [(product,) for product in missed]


async def test_overflow_replaces_lost_events_with_one_resync_and_the_subscriber_continues(
    bus_factory: BusFactory, writer: Writer
) -> None:
    async with bus_factory(queue_size=3) as bus, bus.subscribe() as slow, bus.subscribe(queue_size=100) as fast:
        await write(writer, 10)
        last = [await next_event(fast) for _ in range(10)][-1]  # all ten are dispatched now
        notice = await next_event(slow)
        assert (notice.type, notice.reason, notice.id) == ('global-update', 'overflow', last.id)
        (eleventh,) = await write(writer, 1)
        assert (await next_event(slow)).product_ids == (eleventh,)


async def test_subscription_is_removed_even_when_the_consumer_raises(bus: Bus) -> None:
    with pytest.raises(RuntimeError):
        async with bus.subscribe():
            assert bus.subscriber_count == 1
            raise RuntimeError('consumer failed')
    assert bus.subscriber_count == 0


async def test_a_nudge_wakes_a_waiting_consumer_unless_an_event_waits(bus: Bus, writer: Writer) -> None:
    """How an SSE stream learns it has been idle; consumers that iterate never see a nudge."""
    async with bus.subscribe() as subscription, bus.subscribe() as witness:
        waiting = asyncio.create_task(subscription.next_or_nudge())
        subscription.nudge()
        assert await asyncio.wait_for(waiting, TIMEOUT) is None

        (first,) = await write(writer, 1)
        await next_event(witness)  # dispatched to every subscription now
        subscription.nudge()  # an event is waiting: the nudge adds nothing
        assert await asyncio.wait_for(subscription.next_or_nudge(), TIMEOUT) is not None
        subscription.nudge()
        (second,) = await write(writer, 1)
        assert (await next_event(subscription)).product_ids == (second,)  # iteration skips the nudge
        assert first != second


async def test_listeners_run_before_subscribers_see_the_event(bus: Bus, writer: Writer) -> None:
    seen_by_listener: list[str] = []
    bus.add_listener(lambda event: seen_by_listener.append(event.id))
    async with bus.subscribe() as subscription:
        await write(writer, 1)
        event = await next_event(subscription)
        assert seen_by_listener == [event.id]


async def test_a_global_update_goes_through_the_log_to_every_subscriber(bus: Bus, log_engine: Engine) -> None:
    async with bus.subscribe() as subscription:
        await bus.global_update('admin')
        event = await next_event(subscription)
    assert (event.type, event.reason, event.origin) == ('global-update', 'admin', 'test')
    assert bus.order_key(event.id) == (await asyncio.to_thread(ChangeLog(log_engine).head),)
