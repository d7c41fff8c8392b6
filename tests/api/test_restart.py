"""Nothing is lost across restarts: the real app, stopped and started again on the same SQLite file."""

from typing import Any

import httpx

from tests.conftest import ServerFactory
from tests.factories import product_body


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
