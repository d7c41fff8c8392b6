"""Several app processes on one database, as in production, each test on its own data.

PostgreSQL (the production set-up) and one SQLite file shared by both processes: in either case the change log
in the database carries every event from the process that wrote it to the other one.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ServerFactory
from tests.servers import AppServer
from tests.services import postgres_schema, sqlite_url

Cluster = tuple[AppServer, AppServer]


@pytest.fixture(params=[pytest.param('postgres', marks=pytest.mark.postgres), 'sqlite'])
def cluster(request: pytest.FixtureRequest, server_factory: ServerFactory, tmp_path: Path) -> Iterator[Cluster]:
    """Processes A and B on one database (30 demo products)."""
    if request.param == 'sqlite':
        yield from start_cluster(server_factory, sqlite_url(tmp_path))
    else:
        with postgres_schema() as database_url:
            yield from start_cluster(server_factory, database_url)


def start_cluster(server_factory: ServerFactory, database_url: str) -> Iterator[Cluster]:
    env = {'STOREFRONT_DATABASE_URL': database_url, 'STOREFRONT_DEMO_PRODUCTS': '30'}
    servers = (server_factory(env, name='a'), server_factory(env, name='b'))  # one after the other: one seeds
    try:
        yield servers
    finally:
        for server in servers:  # before the schema is dropped
            server.stop()
