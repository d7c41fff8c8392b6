"""A process that loses its Redis connection: it resumes after the last id it read, or resyncs if that was trimmed.

Two buses on one stream play two processes; the reader reaches Redis through a TCP link the test cuts and
restores, so the writer keeps publishing while the reader is away.
"""

import asyncio
import secrets
from collections.abc import AsyncIterator, Callable

import pytest
from redis.asyncio import Redis

from invalidation.bus import Bus, Subscription
from invalidation.events import Event
from tests.servers import free_port
from tests.services import redis_url_or_skip

pytestmark = pytest.mark.redis
TIMEOUT = 10


async def test_a_reader_cut_off_gets_what_was_published_meanwhile_in_order_and_no_resync(
    buses: tuple[Bus, Bus], link: 'CuttableLink'
) -> None:
    writer, reader = buses
    async with reader.subscribe() as subscription:
        await writer.publish(product_event(1))
        assert (await next_event(subscription)).product_ids == (1,)

        await link.cut()
        await wait_for(lambda: not reader.healthy)
        for number in range(2, 6):
            await writer.publish(product_event(number))
        await wait_for(lambda: writer.healthy)
        await link.restore()

        received = [await next_event(subscription) for _ in range(4)]
        assert [(e.type, e.product_ids) for e in received] == [('product-updated', (n,)) for n in range(2, 6)]
        await wait_for(lambda: reader.healthy)


async def test_a_reader_cut_off_past_the_trimmed_history_resyncs_then_goes_on_live(
    buses: tuple[Bus, Bus], link: 'CuttableLink'
) -> None:
    writer, reader = buses  # the writer keeps 5 events (MAXLEN ~ 5: Redis trims whole nodes of 100)
    async with reader.subscribe() as subscription:
        await writer.publish(product_event(1))
        assert (await next_event(subscription)).product_ids == (1,)

        await link.cut()
        await wait_for(lambda: not reader.healthy)
        async with writer.subscribe() as watcher:
            for number in range(2, 302):
                await writer.publish(product_event(number))
            while (await next_event(watcher)).product_ids != (301,):
                pass
        await link.restore()

        notice = await next_event(subscription)
        assert (notice.type, notice.reason) == ('global-update', 'resync')
        await writer.publish(product_event(999))
        while (event := await next_event(subscription)).product_ids != (999,):
            assert event.product_ids[0] > 1  # nothing from before the cut comes back


@pytest.fixture
async def link() -> AsyncIterator['CuttableLink']:
    link = CuttableLink(6379)
    await link.restore()
    yield link
    await link.cut()


@pytest.fixture
async def buses(link: 'CuttableLink') -> AsyncIterator[tuple[Bus, Bus]]:
    """A writer straight on Redis and a reader behind `link`, on a stream of their own."""
    redis_url_or_skip()
    stream = f'test:{secrets.token_hex(6)}:events'
    writer = Bus(f'redis://127.0.0.1:6379/0?stream={stream}', origin='writer', history_size=5)
    reader = Bus(f'redis://127.0.0.1:{link.port}/0?stream={stream}', origin='reader', history_size=5)
    for bus in (writer, reader):
        await bus.connect()
    try:
        yield writer, reader
    finally:
        for bus in (writer, reader):
            await bus.disconnect()
        client = Redis.from_url(redis_url_or_skip())
        await client.delete(stream)
        await client.aclose()


class CuttableLink:
    """A TCP proxy to Redis: `cut()` drops every connection and refuses new ones until `restore()`."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def restore(self) -> None:
        self._server = await asyncio.start_server(self._serve, '127.0.0.1', self.port)

    async def cut(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in self._writers:
            writer.close()
        self._writers.clear()

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection('127.0.0.1', self.target_port)
        self._writers |= {client_writer, upstream_writer}
        await asyncio.gather(
            _pump(client_reader, upstream_writer), _pump(upstream_reader, client_writer), return_exceptions=True
        )


async def _pump(source: asyncio.StreamReader, target: asyncio.StreamWriter) -> None:
    try:
        while data := await source.read(65536):
            target.write(data)
            await target.drain()
    finally:
        target.close()


def product_event(number: int) -> Event:
    return Event(type='product-updated', product_ids=(number,), versions={number: 1}, origin='test')


async def next_event(subscription: Subscription) -> Event:
    return await asyncio.wait_for(anext(subscription), TIMEOUT)


async def wait_for(condition: Callable[[], bool]) -> None:
    """Polls a condition with a deadline (not a synchronisation sleep)."""
    async with asyncio.timeout(TIMEOUT):
        while not condition():
            await asyncio.sleep(0.02)
