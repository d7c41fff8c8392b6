"""The pytest plugin `storefront_testing` (entry point `pytest11`): a live storefront for testers' own tests.

Fixtures: `storefront` (per test), `storefront_session` (one per session, or per xdist worker) and
`storefront_catalog` (what they start with; override it in a conftest to choose per folder). With pytest-playwright
installed, its browser runs Debian's Chromium when there is one (Playwright cannot download its own everywhere) and
`page.goto('/')` opens the storefront. Settings, in `pytest.ini` or `[tool.pytest.ini_options]`: see
`pytest_addoption` below and the README's "Testing your storefront".
"""

import os
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from testkit.browser import CHROMIUM, CHROMIUM_ARGS
from testkit.catalog import CatalogFile, CatalogSource, DemoCatalog
from testkit.storefront import Storefront

DATABASE_ENV = 'STOREFRONT_TEST_DATABASE_URL'
LOG_CHARACTERS = 20_000
WATCHED = pytest.StashKey[list[tuple[Storefront, int]]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    database = 'a PostgreSQL server URL (postgresql+psycopg://user@host:5432/db), each storefront a schema there'
    parser.getgroup('storefront').addoption(
        '--storefront-database-url', default=None, help=f'{database}; also env {DATABASE_ENV} or the ini value'
    )
    parser.addini('storefront_database_url', f'{database}; default: a SQLite file per storefront')
    parser.addini('storefront_catalog', 'JSON-lines catalog file, relative to the ini file; default: the demo seed')
    parser.addini('storefront_demo_products', 'products of the demo seed when there is no catalog file', default='30')
    parser.addini(
        'storefront_scope',
        'session: one storefront, reset to the catalog before each test that asks for `storefront` (fast); '
        'function: a new storefront process per test',
        default='session',
    )


def pytest_configure(config: pytest.Config) -> None:
    if scope(config) not in {'session', 'function'}:
        raise pytest.UsageError(f'storefront_scope is "session" or "function", not {scope(config)!r}')
    if config.pluginmanager.has_plugin('playwright'):
        # registered now, after pytest-playwright (which registers its `base_url` late too), so these win over it
        hookup = SessionPlaywright() if scope(config) == 'session' else FunctionPlaywright()
        config.pluginmanager.register(hookup, 'storefront-playwright')


@pytest.fixture(scope='session')
def storefront_catalog(pytestconfig: pytest.Config) -> CatalogSource:
    path = str(pytestconfig.getini('storefront_catalog') or '')
    if path:
        base = pytestconfig.inipath.parent if pytestconfig.inipath else pytestconfig.rootpath
        return CatalogFile(base / path)
    return DemoCatalog(int(pytestconfig.getini('storefront_demo_products')))


@pytest.fixture(scope='session')
def storefront_session(pytestconfig: pytest.Config, storefront_catalog: CatalogSource) -> Iterator[Storefront]:
    """One storefront for the session: tests that use it directly see each other's changes."""
    with Storefront(storefront_catalog, database_server(pytestconfig)) as shop:
        yield shop


@pytest.fixture
def storefront(
    request: pytest.FixtureRequest, pytestconfig: pytest.Config, storefront_catalog: CatalogSource
) -> Iterator[Storefront]:
    """A storefront showing the catalog as loaded, whatever earlier tests did; its log is added to the report of a
    test that fails. `storefront_scope` decides whether it is the session's, reset, or a new one."""
    if scope(pytestconfig) == 'session':
        shop: Storefront = request.getfixturevalue('storefront_session')
        shop.reset()  # from whatever its last user did, through this fixture or `storefront_session`
        watch(request.node, shop, since=len(shop.log()))
        yield shop
    else:
        with Storefront(storefront_catalog, database_server(pytestconfig)) as shop:
            watch(request.node, shop, since=0)  # its start-up too
            yield shop


class SessionPlaywright:
    """pytest-playwright pointed at the session's storefront."""

    @pytest.fixture(scope='session')
    @classmethod
    def browser_type_launch_args(cls, browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
        return debian_chromium(browser_type_launch_args)

    @pytest.fixture(scope='session')
    @classmethod
    def base_url(cls, storefront_session: Storefront) -> str:
        return storefront_session.url


class FunctionPlaywright:
    """pytest-playwright pointed at each test's own storefront: `base_url` cannot be, being session-scoped, so the
    browser context is given the test's storefront as its base URL."""

    @pytest.fixture(scope='session')
    @classmethod
    def browser_type_launch_args(cls, browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
        return debian_chromium(browser_type_launch_args)

    @pytest.fixture
    def browser_context_args(self, browser_context_args: dict[str, Any], storefront: Storefront) -> dict[str, Any]:
        return {**browser_context_args, 'base_url': storefront.url}


def debian_chromium(launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium and the flags it needs in a container, unless a browser channel was chosen."""
    if launch_args.get('channel') or not Path(CHROMIUM).exists():
        return launch_args
    return {**launch_args, 'executable_path': CHROMIUM, 'args': [*launch_args.get('args', []), *CHROMIUM_ARGS]}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed:
        for shop, start in item.stash.get(WATCHED, []):
            logged = shop.log()[start:][-LOG_CHARACTERS:] or '(nothing, during this test)'
            report.sections.append((f'storefront log ({shop.url})', logged))
    return report


def watch(item: pytest.Item, shop: Storefront, *, since: int) -> None:
    """Adds what `shop` logged from character `since` on to the report of `item`, should it fail."""
    item.stash.setdefault(WATCHED, []).append((shop, since))


def scope(config: pytest.Config) -> str:
    return str(config.getini('storefront_scope'))


def database_server(config: pytest.Config) -> str | None:
    found = (
        config.getoption('--storefront-database-url')
        or os.environ.get(DATABASE_ENV)
        or config.getini('storefront_database_url')
    )
    return str(found) if found else None
