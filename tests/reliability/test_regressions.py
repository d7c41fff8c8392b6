"""Regression tests for bugs the reliability tests found outside the files this issue owns."""

from collections.abc import Iterator

import httpx
import pytest

from testkit.waiting import eventually_async
from tests.conftest import ServerFactory
from tests.reliability.mirrors import ShopMirror
from tests.servers import AppServer


@pytest.fixture
def server(server_factory: ServerFactory) -> Iterator[AppServer]:
    yield server_factory({'STOREFRONT_DEMO_PRODUCTS': '2'})


async def test_regression_closed_shop_tabs_are_counted_down_in_the_shop_pages_gauge(server: AppServer) -> None:
    """`client.on_delete(SHOP_PAGES.dec)` made NiceGUI call `dec(client)`: a TypeError per closed tab, and
    the gauge only ever went up (found by the load test, fixed in storefront/live.py)."""
    tabs = [ShopMirror(server.url, {}) for _ in range(2)]
    for tab in tabs:
        await tab.open()
    assert shop_pages(server) == 2
    for tab in tabs:
        await tab.disconnect()

    def counted_down() -> bool:
        assert 'TypeError' not in server.log(), 'deleting a tab failed; the gauge stays up'
        return shop_pages(server) == 0

    # NiceGUI deletes a closed tab after its 10 s reconnect timeout
    await eventually_async(counted_down, 30, what='closed tabs are still counted')


def shop_pages(server: AppServer) -> float:
    metrics = httpx.get(f'{server.url}/metrics').text
    return next(float(line.split()[-1]) for line in metrics.splitlines() if line.startswith('storefront_shop_pages '))
