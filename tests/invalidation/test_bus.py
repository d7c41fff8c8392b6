"""The Bus contract, one body for every backend: order, replay then live, resync, overflow, cleanup."""

import asyncio

import pytest

from invalidation.bus import Bus, Subscription
from invalidation.events import Event
from tests.invalidation.conftest import BusFactory

TIMEOUT = 5


def product_event(number: int) -> Event:
    return Event(type='product-updated', product_ids=(number,), versions={number: 1}, origin='test')


async def publish_and_collect(bus: Bus, count: int, start: int = 1) -> list[Event]:
    """Publishes `count` events and returns them as a live subscriber received them (with their ids)."""
    async with bus.subscribe() as watcher:
        for number in range(start, start + count):
            await bus.publish(product_event(number))
        return [await next_event(watcher) for _ in range(count)]


async def next_event(subscription: Subscription) -> Event:
    return await asyncio.wait_for(anext(subscription), TIMEOUT)


async def test_every_subscriber_sees_every_event_in_publish_order(bus_factory: BusFactory) -> None:
    async with bus_factory() as bus, bus.subscribe() as first, bus.subscribe() as second:
        for number in range(1, 51):
            await bus.publish(product_event(number))
        for subscription in (first, second):
            received = [await next_event(subscription) for _ in range(50)]
            assert [e.product_ids[0] for e in received] == list(range(1, 51))
            keys = [bus.order_key(e.id) for e in received]
            assert keys == sorted(keys) and len(set(keys)) == 50


async def test_replay_after_an_id_then_live_without_gap_or_duplicate(bus_factory: BusFactory) -> None:
    """Publish 1..10, subscribe after 8, publish 11 → exactly 9, 10, 11 (Mercure's history-and-live test)."""
    async with bus_factory() as bus:
        events = await publish_and_collect(bus, 10)
        async with bus.subscribe(last_id=events[7].id) as late:
            await bus.publish(product_event(11))
            received = [await next_event(late) for _ in range(3)]
            assert [e.product_ids[0] for e in received] == [9, 10, 11]
            assert received[0].id == events[8].id
            assert late.get_nowait() is None


async def test_replay_from_the_newest_id_gives_only_live_events(bus_factory: BusFactory) -> None:
    async with bus_factory() as bus:
        events = await publish_and_collect(bus, 3)
        async with bus.subscribe(last_id=events[-1].id) as subscription:
            await bus.publish(product_event(4))
            assert (await next_event(subscription)).product_ids == (4,)


@pytest.mark.parametrize('last_id', ['garbage', '', '-', '1-2-3', 'x' * 200, '99999999999999-0', '0-0-0'])
async def test_unknown_or_malformed_id_gets_a_resync_first(bus_factory: BusFactory, last_id: str) -> None:
    async with bus_factory() as bus:
        await publish_and_collect(bus, 2)
        async with bus.subscribe(last_id=last_id) as subscription:
            first = await next_event(subscription)
            assert (first.type, first.reason) == ('global-update', 'resync')
            await bus.publish(product_event(3))
            assert (await next_event(subscription)).product_ids == (3,)


async def test_an_evicted_id_gets_a_resync(bus_factory: BusFactory) -> None:
    async with bus_factory(history_size=5) as bus:
        events = await publish_and_collect(bus, 300)  # Redis trims whole stream nodes (MAXLEN ~), so go far past
        async with bus.subscribe(last_id=events[1].id) as subscription:
            first = await next_event(subscription)
            assert (first.type, first.reason) == ('global-update', 'resync')
            await bus.publish(product_event(301))
            assert (await next_event(subscription)).product_ids == (301,)


async def test_an_id_from_another_bus_epoch_gets_a_resync(bus_factory: BusFactory) -> None:
    async with bus_factory() as bus:
        events = await publish_and_collect(bus, 2)
    async with bus_factory() as restarted, restarted.subscribe(last_id=events[-1].id + '0') as subscription:
        first = await next_event(subscription)
        assert (first.type, first.reason) == ('global-update', 'resync')


async def test_overflow_replaces_lost_events_with_one_resync_and_the_subscriber_continues(
    bus_factory: BusFactory,
) -> None:
    async with bus_factory(queue_size=3) as bus, bus.subscribe() as slow, bus.subscribe(queue_size=100) as fast:
        for number in range(1, 11):
            await bus.publish(product_event(number))
        last = [await next_event(fast) for _ in range(10)][-1]  # all ten are dispatched now
        notice = await next_event(slow)
        assert (notice.type, notice.reason, notice.id) == ('global-update', 'overflow', last.id)
        assert slow.get_nowait() is None
        await bus.publish(product_event(11))
        assert (await next_event(slow)).product_ids == (11,)


async def test_subscription_is_removed_even_when_the_consumer_raises(bus_factory: BusFactory) -> None:
    async with bus_factory() as bus:
        with pytest.raises(RuntimeError):
            async with bus.subscribe():
                assert bus.subscriber_count == 1
                raise RuntimeError('consumer failed')
        assert bus.subscriber_count == 0


async def test_a_nudge_wakes_a_waiting_consumer_unless_an_event_waits(bus_factory: BusFactory) -> None:
    """How an SSE stream learns it has been idle; consumers that iterate never see a nudge."""
    async with bus_factory() as bus, bus.subscribe() as subscription, bus.subscribe() as witness:
        waiting = asyncio.create_task(subscription.next_or_nudge())
        subscription.nudge()
        assert await asyncio.wait_for(waiting, TIMEOUT) is None

        await bus.publish(product_event(1))
        await next_event(witness)  # dispatched to every subscription now
        subscription.nudge()  # an event is waiting: the nudge adds nothing
        assert (await next_event(subscription)).product_ids == (1,)
        assert subscription.get_nowait() is None

        subscription.nudge()
        await bus.publish(product_event(2))
        assert (await next_event(subscription)).product_ids == (2,)  # iteration skips the nudge


async def test_listeners_run_before_subscribers_see_the_event(bus_factory: BusFactory) -> None:
    seen_by_listener: list[str] = []
    async with bus_factory() as bus:
        bus.add_listener(lambda event: seen_by_listener.append(event.id))
        async with bus.subscribe() as subscription:
            await bus.publish(product_event(1))
            event = await next_event(subscription)
            assert seen_by_listener == [event.id]


async def test_events_published_before_connect_are_sent_once_connected(bus_factory: BusFactory) -> None:
    """The commit hook can fire during start-up, before the bus is connected: those events must not be lost."""
    async with bus_factory(connect=False) as bus, bus.subscribe() as subscription:
        bus.publish_threadsafe(product_event(7))
        await bus.connect()
        assert (await next_event(subscription)).product_ids == (7,)


async def test_connecting_twice_starts_no_second_sender(bus_factory: BusFactory) -> None:
    async with bus_factory() as bus, bus.subscribe() as subscription:
        await bus.connect()
        await bus.publish(product_event(1))
        assert (await next_event(subscription)).product_ids == (1,)
        assert sum(task.get_name().startswith('bus-') for task in asyncio.all_tasks()) == 2
