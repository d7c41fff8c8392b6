"""Shop pages across processes: a write on process A reaches a page served by B, directly and through nginx.

Run with `-s` to see the latency: `.venv/bin/pytest -s tests/e2e/test_scale.py`. Process A and B share one
PostgreSQL schema and one Redis stream; the time runs from just before the admin PATCH is sent to A until
the card's text changes on B's page (the browser's clock; same machine, same wall clock).
"""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from testkit.browser import OBSERVE_NAME
from tests.conftest import ServerFactory
from tests.e2e.test_shop import card, patch_product
from tests.e2e.test_shop_latency import percentile
from tests.scale.conftest import Cluster, start_cluster
from tests.scale.services import Nginx
from tests.scale.test_two_processes import first_product
from tests.services import postgres_schema

pytestmark = pytest.mark.postgres
WRITES = 20


def test_a_write_on_one_process_updates_a_shop_page_served_by_the_other(page: Page, cluster: Cluster) -> None:
    a, b = cluster
    product = first_product(a)
    page.goto(f'{b.url}/?category={product["category"]}')
    expect(card(page, product['id'])).to_be_visible()
    page.evaluate(OBSERVE_NAME, product['id'])

    samples = []
    with a.admin() as admin:
        for write in range(WRITES):
            name = f'Across processes {write}'
            started = time.time() * 1000
            product = patch_product(admin, product, name=name)
            expect(card(page, product['id'])).to_contain_text(name)
            samples.append(page.evaluate('name => window.seen[name]', name) - started)
    p50, p95 = percentile(samples, 50), percentile(samples, 95)
    print(f'\nwrite on A → card text changed on B, {WRITES} writes: p50 {p50:.0f} ms, p95 {p95:.0f} ms')


@pytest.fixture
def cluster(server_factory: ServerFactory) -> Iterator[Cluster]:
    """Processes A and B on one PostgreSQL schema (as in tests/scale)."""
    with postgres_schema() as url:
        yield from start_cluster(server_factory, url)


@pytest.fixture
def balancer(cluster: Cluster, tmp_path: Path) -> Iterator[Nginx]:
    nginx = Nginx(tmp_path, [server.port for server in cluster]).start()
    yield nginx
    nginx.stop()


def test_a_shop_page_behind_the_balancer_stays_live_across_many_updates(
    page: Page, cluster: Cluster, balancer: Nginx
) -> None:
    """Writes go to both processes in turn; the page, pinned to one of them by nginx, shows every one."""
    product = first_product(cluster[0])
    page.goto(f'{balancer.url}/?category={product["category"]}')
    expect(card(page, product['id'])).to_be_visible()
    for write in range(WRITES):
        with cluster[write % 2].admin() as admin:
            product = patch_product(admin, product, name=f'Behind nginx {write}')
        expect(card(page, product['id'])).to_contain_text(f'Behind nginx {write}')
    assert page.evaluate('window.socket.connected')  # the same websocket all along, through nginx
