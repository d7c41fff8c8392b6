"""Several app processes on one PostgreSQL and one Redis stream, as in production, each test on its own data."""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from tests.conftest import ServerFactory
from tests.scale.services import PrivateRedis
from tests.servers import AppServer
from tests.services import postgres_schema, redis_url_or_skip

Cluster = tuple[AppServer, AppServer]


@pytest.fixture
def stream_url() -> Iterator[str]:
    with redis_stream() as url:
        yield url


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def cluster(server_factory: ServerFactory, stream_url: str) -> Iterator[Cluster]:
    """Processes A and B on one PostgreSQL schema (30 demo products) and the Redis stream."""
    yield from start_cluster(server_factory, stream_url)


@contextmanager
def redis_stream() -> Iterator[str]:
    """The machine's Redis with a stream key of this test's own, deleted afterwards."""
    url = redis_url_or_skip()
    key = f'test:{secrets.token_hex(6)}:events'
    try:
        yield f'{url}?stream={key}'
    finally:
        client = redis.Redis.from_url(url)
        client.delete(key)
        client.close()


def start_cluster(server_factory: ServerFactory, bus_url: str) -> Iterator[Cluster]:
    with postgres_schema() as database_url:
        env = {'STOREFRONT_DATABASE_URL': database_url, 'STOREFRONT_BUS_URL': bus_url, 'STOREFRONT_DEMO_PRODUCTS': '30'}
        servers = (server_factory(env, name='a'), server_factory(env, name='b'))  # one after the other: one seeds
        try:
            yield servers
        finally:
            for server in servers:  # before the schema is dropped
                server.stop()
