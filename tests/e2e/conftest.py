"""Browser tests: pytest-playwright driving Debian's Chromium, launched as the `storefront_testing` plugin
(`testkit/plugin.py`) sets it up for testers, so every run of these exercises that set-up too.

They run in their own pytest invocation: sync Playwright and asyncio tests break each other in one process.
"""

from collections.abc import Iterator

import pytest

from tests.conftest import ServerFactory
from tests.servers import AppServer


@pytest.fixture
def shop_server(server_factory: ServerFactory) -> Iterator[AppServer]:
    """A real server with a small seeded demo catalog."""
    yield server_factory({'STOREFRONT_DEMO_PRODUCTS': '30'})
