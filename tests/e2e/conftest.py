"""Browser tests: pytest-playwright driving Debian's Chromium (Playwright's own download is not reachable here).

They run in their own pytest invocation: sync Playwright and asyncio tests break each other in one process.
"""

from collections.abc import Iterator
from typing import Any

import pytest

from testkit.browser import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import ServerFactory
from tests.servers import AppServer


@pytest.fixture(scope='session')
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, 'executable_path': CHROMIUM, 'args': CHROMIUM_ARGS}


@pytest.fixture
def shop_server(server_factory: ServerFactory) -> Iterator[AppServer]:
    """A real server with a small seeded demo catalog."""
    yield server_factory({'STOREFRONT_DEMO_PRODUCTS': '30'})
