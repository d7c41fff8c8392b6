"""Shared fixtures. Environment defaults are set before anything of ours is imported (nicegui's tests do the same)."""

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

RUN_ID = secrets.token_hex(4)
os.environ.setdefault('STOREFRONT_ENV', 'development')
os.environ.setdefault('STOREFRONT_ADMIN_TOKEN', f'test-token-{RUN_ID}-0123456789')
os.environ.setdefault('STOREFRONT_STORAGE_SECRET', f'test-secret-{RUN_ID}-0123456789')
os.environ.setdefault('STOREFRONT_DEMO_PRODUCTS', '0')

from sqlalchemy import Engine  # noqa: E402
from sqlmodel import Session  # noqa: E402

from models.db import create_db_engine  # noqa: E402
from models.schema import upgrade  # noqa: E402
from tests.servers import AppServer  # noqa: E402
from tests.services import postgres_schema, sqlite_url  # noqa: E402

pytest_plugins = ['nicegui.testing.user_plugin']


@pytest.fixture(params=['sqlite', pytest.param('postgres', marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database per test: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == 'sqlite':
        yield sqlite_url(tmp_path)
    else:
        with postgres_schema() as url:
            yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    report = yield
    setattr(item, f'report_{report.when}', report)
    return report


class ServerFactory:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.servers: list[AppServer] = []

    def __call__(
        self, env: dict[str, str] | None = None, *, name: str = 'app', port: int = 0, start: bool = True
    ) -> AppServer:
        server = AppServer(self.folder, env, name=name, port=port)
        self.servers.append(server)
        return server.start() if start else server

    def close(self, failed: bool) -> None:
        for server in self.servers:
            server.stop()
            if failed:
                print(f'\n----- log of {server.url} -----\n{server.log()[-20_000:]}')


@pytest.fixture
def server_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerFactory]:
    """Starts real app servers for one test; their logs are printed if the test fails."""
    factory = ServerFactory(tmp_path)
    yield factory
    report = getattr(request.node, 'report_call', None)
    factory.close(failed=report is None or report.failed)


@pytest.fixture(scope='module')
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """One real server shared by a module's tests (empty catalog); tests create the data they need."""
    factory = ServerFactory(tmp_path_factory.mktemp('server'))
    yield factory()
    factory.close(failed=False)
