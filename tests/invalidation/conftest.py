"""Buses for the stream tests: one test body runs on every backend (as broadcaster's tests do)."""

import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest

from invalidation.bus import Bus
from tests.services import redis_url_or_skip

BusFactory = Callable[..., AbstractAsyncContextManager[Bus]]


@pytest.fixture(params=['memory', pytest.param('redis', marks=pytest.mark.redis)])
def bus_factory(request: pytest.FixtureRequest) -> BusFactory:
    """Connected buses of the parametrized backend; Redis ones each get a stream key of their own."""
    stream = f'test:{secrets.token_hex(6)}:events'
    url = 'memory://' if request.param == 'memory' else f'{redis_url_or_skip()}?stream={stream}'

    @asynccontextmanager
    async def connected(*, connect: bool = True, **options: int) -> AsyncIterator[Bus]:
        """A bus of the backend under test; with `connect=False` the test connects it itself."""
        bus = Bus(url, origin=f'test-{request.param}', **options)
        if connect:
            await bus.connect()
        try:
            yield bus
        finally:
            await bus.disconnect()
            if request.param == 'redis':
                await _delete_stream(stream)

    return connected


async def _delete_stream(key: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url_or_skip())
    try:
        await client.delete(key)
    finally:
        await client.aclose()
