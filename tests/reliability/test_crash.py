"""Crash safety: `kill -9` during a burst of writes loses no acknowledged write and leaves a consistent database;
after the restart, a subscriber resuming with an id from before the crash gets everything after it from the
change log, and an open shop tab reloads itself and shows what the database holds."""

import itertools
import re
import threading
from dataclasses import dataclass, field

import httpx
from playwright.async_api import expect
from sqlmodel import Session

from models.db import create_db_engine
from tests.conftest import ServerFactory
from tests.factories import make_product
from tests.reliability.browser import chromium
from tests.reliability.consistency import assert_consistent
from tests.servers import AppServer
from tests.sse_client import open_stream

WRITERS = 4
ACKS_BEFORE_KILL = 40


@dataclass
class Burst:
    """Writes from several threads until the server dies; remembers what was acknowledged and what was in flight."""

    server: AppServer
    variant_id: int
    created: list[int] = field(default_factory=list)
    stock_acked: int = 0
    stock_in_flight: int = 0
    acked: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))
    _numbers: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, kind: str) -> None:
        with self.server.admin(timeout=5) as admin:
            while True:
                try:
                    if kind == 'create':
                        self._create(admin)
                    else:
                        self._restock(admin)
                except httpx.TransportError:
                    return  # the server is gone
                self.acked.release()

    def _create(self, admin: httpx.Client) -> None:
        number = next(self._numbers)
        body = {
            'name': f'Crash {number}',
            'category': 'tea',
            'variants': [{'sku': f'CRASH-{number}', 'name': 'Std', 'price': 500, 'stock_on_hand': 3}],
        }
        response = admin.post('/api/admin/products', json=body)
        assert response.status_code == 201, response.text
        with self._lock:
            self.created.append(response.json()['id'])

    def _restock(self, admin: httpx.Client) -> None:
        with self._lock:
            self.stock_in_flight += 1
        response = admin.post(f'/api/admin/variants/{self.variant_id}/stock', json={'delta': 1, 'reason': 'burst'})
        assert response.status_code == 200, response.text
        with self._lock:
            self.stock_in_flight -= 1
            self.stock_acked += 1


async def test_kill_9_during_writes_loses_no_acknowledged_write_and_clients_resume(
    server_factory: ServerFactory,
) -> None:
    first = server_factory({'STOREFRONT_DEMO_PRODUCTS': '6'})
    product = httpx.get(f'{first.url}/api/products?page_size=1').json()['items'][0]
    variant = product['variants'][0]
    old_id = last_event_id(first)
    async with chromium() as browser:
        page = await browser.new_page()
        await page.goto(first.url)
        await expect(page.locator('.product-card')).to_have_count(7)  # six demo products and the one made above

        burst = Burst(first, variant['id'])
        threads = [threading.Thread(target=burst.run, args=('create' if n % 2 else 'stock',)) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        for _ in range(ACKS_BEFORE_KILL):
            assert burst.acked.acquire(timeout=30), 'the burst stalled'
        first.kill()
        for thread in threads:
            thread.join(30)

        assert_consistent(first.env['STOREFRONT_DATABASE_URL'])
        write_while_down(first.env['STOREFRONT_DATABASE_URL'])
        second = restart_on_the_same_port(server_factory, first)
        with second.client() as client:
            for product_id in burst.created:
                assert client.get(f'/api/products/{product_id}').status_code == 200, product_id
            stock = client.get(f'/api/products/{product["id"]}').json()['variants'][0]['stock_on_hand']
            total = client.get('/api/products', params={'page_size': 200}).json()['total']
            written_while_down = client.get('/api/products', params={'q': 'written while down'}).json()['items'][0][
                'id'
            ]
        unacknowledged = stock - variant['stock_on_hand'] - burst.stock_acked
        assert 0 <= unacknowledged <= burst.stock_in_flight, (stock, burst)

        # the change log outlived the process: resuming after the crash is a replay, not a resync, and it holds
        # every acknowledged create and the product another program wrote while the app was down
        created: set[int] = set()
        with open_stream(second.url, headers={'Last-Event-ID': old_id}) as stream:
            while written_while_down not in created:  # the last write: everything before it came first
                frame = stream.next_event()
                assert frame.event != 'global-update' and epoch(frame.id) == epoch(old_id), frame
                if frame.event == 'product-created':
                    created.update(frame.payload['product_ids'])
        assert set(burst.created) <= created

        # only a tab that reloaded from the new process can know of the product written while it was down
        await expect(page.get_by_text(f'{total} products')).to_be_visible(timeout=30_000)
        await expect(page.get_by_text('A Product Written While Down')).to_be_visible()
    print(f'\nkilled after {len(burst.created)} creates and {burst.stock_acked} stock changes were acknowledged')


def last_event_id(server: AppServer) -> str:
    with open_stream(server.url) as stream, server.admin() as admin:
        body = {
            'name': 'Before The Crash',
            'category': 'tea',
            'variants': [{'sku': 'BEFORE-1', 'name': 'Std', 'price': 500, 'stock_on_hand': 3}],
        }
        assert admin.post('/api/admin/products', json=body).status_code == 201
        event_id = stream.next_event().id
    assert event_id
    return event_id


def write_while_down(database_url: str) -> None:
    engine = create_db_engine(database_url)
    with Session(engine) as session:
        make_product(session, category='tea', name='A Product Written While Down')
    engine.dispose()


def restart_on_the_same_port(server_factory: ServerFactory, dead: AppServer) -> AppServer:
    """A new process on the same database file and port, as a supervisor would start it."""
    return server_factory(dead.env, name='restarted', port=dead.port)


def epoch(event_id: str) -> str:
    return re.split(r'-(?=\d+$)', event_id)[0]
