"""Nothing is lost across restarts: the real app, stopped (or killed) and started again on the same SQLite file."""

from typing import Any

import httpx
import pytest

from tests.conftest import ServerFactory
from tests.factories import product_body
from tests.servers import AppServer
from tests.sse_client import open_stream


def test_restart_keeps_every_product(server_factory: ServerFactory) -> None:
    first = server_factory({'STOREFRONT_DEMO_PRODUCTS': '12'})
    with first.admin() as admin:
        created = admin.post('/api/admin/products', json=product_body('books', name='Kept Across Restarts')).json()
        variant_id = created['variants'][0]['id']
        assert admin.post(f'/api/admin/variants/{variant_id}/stock', json={'delta': 7}).is_success
        hidden = admin.patch(f'/api/admin/products/{created["id"]}', json={'version': 2, 'enabled': False}).json()
        before = catalog(first.client())
    first.stop()

    second = server_factory({'STOREFRONT_DEMO_PRODUCTS': '12'})  # same folder, so the same database file
    assert catalog(second.client()) == before
    assert before['total'] == 12, 'the demo catalog was seeded once, not again on the second start'
    with second.admin() as admin:
        restored = admin.patch(f'/api/admin/products/{created["id"]}', json={'version': 3, 'enabled': True})
    assert restored.status_code == 200, restored.text
    assert restored.json() == {**hidden, 'enabled': True, 'version': 4, 'updated_at': restored.json()['updated_at']}
    assert restored.json()['variants'][0]['stock_on_hand'] == 12


def catalog(client: httpx.Client) -> dict[str, Any]:
    with client:
        return client.get('/api/products', params={'page_size': 200}).json()


@pytest.mark.parametrize('stop', ['sigterm', 'kill -9'])
def test_a_client_resumes_across_a_restart_with_exactly_the_events_after_its_id(
    server_factory: ServerFactory, stop: str
) -> None:
    """The default set-up (SQLite): the log outlives the process, so a plain restart, or a crash, is no resync."""
    first = server_factory({'STOREFRONT_DEMO_PRODUCTS': '3'})
    ids = [product['id'] for product in catalog(first.client())['items']]
    with open_stream(first.url) as stream:
        rename_all(first, ids, 'before')
        seen = stream.events(3)
    rename_all(first, ids, 'missed')  # the client is away for these
    if stop == 'sigterm':
        first.stop()
    else:
        first.kill()

    second = server_factory({'STOREFRONT_DEMO_PRODUCTS': '3'})  # same folder, so the same database file
    rename_all(second, ids[:1], 'after the restart')
    with open_stream(second.url, headers={'Last-Event-ID': seen[1].id}) as resumed:
        replayed = resumed.events(5)
    assert [frame.event for frame in replayed] == ['product-updated'] * 5  # no global-update: no resync
    assert replayed[0].id == seen[2].id
    assert [frame.payload['product_ids'] for frame in replayed] == [[ids[2]], [ids[0]], [ids[1]], [ids[2]], [ids[0]]]
    positions = [int(frame.id.rpartition('-')[2]) for frame in [*seen[:2], *replayed]]
    assert positions == sorted(set(positions))


def rename_all(server: AppServer, ids: list[int], name: str) -> None:
    with server.admin() as admin:
        for product_id in ids:
            version = admin.get(f'/api/products/{product_id}').json()['version']
            response = admin.patch(f'/api/admin/products/{product_id}', json={'version': version, 'name': f'{name}'})
            assert response.status_code == 200, response.text
