"""One real server per API test module, seeded with the demo categories (tests add the products they need)."""

from collections.abc import Iterator

import pytest

from tests.conftest import ServerFactory
from tests.servers import AppServer


@pytest.fixture(scope='module')
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    factory = ServerFactory(tmp_path_factory.mktemp('api'))
    server = factory({'STOREFRONT_DEMO_PRODUCTS': '16'})
    yield server
    factory.close(failed=False)
