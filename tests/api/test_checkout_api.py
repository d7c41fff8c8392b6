"""The checkout and orders JSON API against a real server: 201 / 409 / 422 as documented, hostile input refused
with a clear 4xx and nothing changed, the admin's list and cancel behind the token."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from models.order_tables import LINES_MAX, QUANTITY_MAX
from tests.factories import CUSTOMER, checkout_body, product_body
from tests.servers import AppServer
from tests.sse_client import open_stream

CATEGORY = 'coffee'  # one of the demo categories the `shop` server is seeded with


@pytest.fixture(scope='module')
def admin(shop: AppServer) -> Iterator[httpx.Client]:
    with shop.admin() as client:
        yield client


@pytest.fixture(scope='module')
def public(shop: AppServer) -> Iterator[httpx.Client]:
    with shop.client() as client:
        yield client


@pytest.fixture
def product(admin: httpx.Client) -> dict[str, Any]:
    """Two variants: 3 at 12.50 and 10 at 4.00."""
    body = product_body(CATEGORY)
    body['variants'] = [
        {**body['variants'][0], 'price': 1_250, 'stock_on_hand': 3},
        {**body['variants'][0], 'sku': f'{body["variants"][0]["sku"]}-B', 'price': 400, 'stock_on_hand': 10},
    ]
    response = admin.post('/api/admin/products', json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_checkout_is_201_with_the_order_and_its_token_reads_it_back(
    public: httpx.Client, product: dict[str, Any]
) -> None:
    a, b = (variant['id'] for variant in product['variants'])
    response = public.post('/api/checkout', json=checkout_body((a, 2), (b, 1)))
    assert response.status_code == 201, response.text
    order = response.json()
    assert {'id', 'number', 'lines', 'total', 'token'} <= set(order)
    assert [(line['variant_id'], line['quantity'], line['price']) for line in order['lines']] == [
        (a, 2, 1_250),
        (b, 1, 400),
    ]
    assert (order['total'], order['status'], order['customer']) == (2_900, 'placed', CUSTOMER)
    assert response.headers['cache-control'] == 'no-store'
    assert stock(public, product) == [1, 9]
    again = public.get(f'/api/orders/{order["token"]}')
    assert (again.status_code, again.json(), again.headers['cache-control']) == (200, order, 'no-store')


def test_a_line_that_falls_short_is_409_with_every_short_line_and_nothing_changes(
    public: httpx.Client, admin: httpx.Client, product: dict[str, Any]
) -> None:
    a, b = (variant['id'] for variant in product['variants'])
    before = orders_total(admin)
    response = public.post('/api/checkout', json=checkout_body((b, 1), (a, 5)))
    assert response.status_code == 409, response.text
    detail = response.json()['detail']
    assert detail['lines'] == [{'variant_id': a, 'requested': 5, 'available': 3}]
    assert 'nothing was ordered' in detail['message']
    assert stock(public, product) == [3, 10]
    assert orders_total(admin) == before


def test_a_disabled_product_is_409_with_nothing_available(
    public: httpx.Client, admin: httpx.Client, product: dict[str, Any]
) -> None:
    admin.patch(f'/api/admin/products/{product["id"]}', json={'version': product['version'], 'enabled': False})
    variant = product['variants'][1]['id']
    response = public.post('/api/checkout', json=checkout_body((variant, 1)))
    assert (response.status_code, response.json()['detail']['lines']) == (
        409,
        [{'variant_id': variant, 'requested': 1, 'available': 0}],
    )


def test_duplicate_lines_are_added_up(public: httpx.Client, product: dict[str, Any]) -> None:
    a = product['variants'][0]['id']
    response = public.post('/api/checkout', json=checkout_body((a, 1), (a, 1), (a, 1)))
    assert response.status_code == 201, response.text
    assert [(line['variant_id'], line['quantity']) for line in response.json()['lines']] == [(a, 3)]
    assert stock(public, product)[0] == 0


def hostile_bodies(a: int) -> dict[str, Any]:
    return {
        'quantity 0': checkout_body((a, 0)),
        'negative quantity': checkout_body((a, -1)),
        'huge quantity': checkout_body((a, 10**40)),
        'over the limit of one variant': checkout_body((a, QUANTITY_MAX), (a, 1)),
        'fractional quantity': {**checkout_body(), 'lines': [{'variant_id': a, 'quantity': 1.5}]},
        'text quantity': {**checkout_body(), 'lines': [{'variant_id': a, 'quantity': 'lots'}]},
        '1,000 lines': checkout_body(*((a + n, 1) for n in range(1_000))),
        'one line too many': checkout_body(*((a + n, 1) for n in range(LINES_MAX + 1))),
        'no lines': checkout_body(),
        'unknown variant': checkout_body((a, 1), (987_654_321, 1)),
        'impossible variant id': checkout_body((2**64, 1)),
        'no customer': {'lines': [{'variant_id': a, 'quantity': 1}]},
        'empty name': checkout_body((a, 1), name='   '),
        'control character in the name': checkout_body((a, 1), name='A\u0085da'),
        'not an e-mail address': checkout_body((a, 1), email='ada at example'),
        'escape sequence in the address': checkout_body((a, 1), address='1 Road\x1b[2J'),
        'over-long address': checkout_body((a, 1), address='x' * 1_001),
    }


@pytest.mark.parametrize('case', list(hostile_bodies(1)))
def test_hostile_bodies_are_422_and_change_nothing(
    public: httpx.Client, admin: httpx.Client, product: dict[str, Any], case: str
) -> None:
    before = orders_total(admin)
    response = public.post('/api/checkout', json=hostile_bodies(product['variants'][0]['id'])[case])
    assert response.status_code == 422, response.text[:500]
    assert isinstance(response.json()['detail'], list)
    assert stock(public, product) == [3, 10]
    assert orders_total(admin) == before


@pytest.mark.parametrize(('body', 'status'), [(b'\x10\xff', 400), (b'{"lines": [', 422)], ids=['not text', 'cut short'])
def test_a_body_that_is_not_json_is_a_documented_4xx(public: httpx.Client, body: bytes, status: int) -> None:
    response = public.post('/api/checkout', content=body, headers={'Content-Type': 'application/json'})
    assert response.status_code == status


def test_markup_is_stored_and_shown_to_the_admin_literally(
    public: httpx.Client, admin: httpx.Client, product: dict[str, Any]
) -> None:
    markup = {'name': '<script>alert("x")</script>', 'address': "<b>Robert'); DROP TABLE customer_order;--</b>"}
    response = public.post('/api/checkout', json=checkout_body((product['variants'][1]['id'], 1), **markup))
    assert response.status_code == 201, response.text
    listed = admin.get('/api/admin/orders').json()['items'][0]
    assert (listed['customer']['name'], listed['customer']['address']) == (markup['name'], markup['address'])


@pytest.mark.parametrize('token', ['unknown', 'x' * 43, 'x' * 5_000, '%00', "' OR 1=1 --"])
def test_an_unknown_token_is_404(public: httpx.Client, token: str) -> None:
    assert public.get(f'/api/orders/{token}').status_code == 404


def test_the_admin_lists_and_cancels_orders_and_the_stock_comes_back(
    public: httpx.Client, admin: httpx.Client, product: dict[str, Any]
) -> None:
    a = product['variants'][0]['id']
    order = public.post('/api/checkout', json=checkout_body((a, 3))).json()
    assert stock(public, product)[0] == 0
    assert admin.get('/api/admin/orders', params={'status': 'placed'}).json()['items'][0]['id'] == order['id']
    cancelled = admin.post(f'/api/admin/orders/{order["id"]}/cancel')
    assert (cancelled.status_code, cancelled.json()['status']) == (200, 'cancelled')
    assert stock(public, product)[0] == 3
    again = admin.post(f'/api/admin/orders/{order["id"]}/cancel')
    assert (again.status_code, again.json()['detail']['message']) == (
        409,
        f'order {order["number"]} is already cancelled',
    )
    assert stock(public, product)[0] == 3
    assert admin.post('/api/admin/orders/987654321/cancel').status_code == 404
    assert admin.get(f'/api/admin/orders/{order["id"]}').json()['status'] == 'cancelled'
    assert public.get(f'/api/orders/{order["token"]}').json()['status'] == 'cancelled'


def test_orders_need_the_admin_token(public: httpx.Client) -> None:
    for method, path in [
        ('GET', '/api/admin/orders'),
        ('GET', '/api/admin/orders/1'),
        ('POST', '/api/admin/orders/1/cancel'),
    ]:
        assert public.request(method, path).status_code == 401, path


def test_openapi_documents_checkout_and_orders(public: httpx.Client) -> None:
    spec = public.get('/openapi.json').json()
    checkout = spec['paths']['/api/checkout']['post']
    assert {'201', '400', '409', '413', '422'} <= set(checkout['responses'])
    assert checkout['responses']['409']['content']['application/json']['schema'] == {
        '$ref': '#/components/schemas/OutOfStockAnswer'
    }
    assert '404' in spec['paths']['/api/orders/{token}']['get']['responses']
    assert spec['paths']['/api/admin/orders']['get']['security'] == [{'HTTPBearer': []}]
    assert {'404', '409'} <= set(spec['paths']['/api/admin/orders/{order_id}/cancel']['post']['responses'])
    assert {'OrderCreate', 'OrderPublic', 'OrderPage', 'OutOfStockAnswer'} <= set(spec['components']['schemas'])


def test_the_customer_and_the_order_reach_no_event_no_log_line_and_no_catalog_answer(
    shop: AppServer, public: httpx.Client, product: dict[str, Any]
) -> None:
    customer = {'name': 'Zebulon Quist', 'email': 'zq@example.org', 'address': 'Hidden Lane 7'}
    with open_stream(shop.url, [('product', str(product['id']))]) as stream:
        order = public.post('/api/checkout', json=checkout_body((product['variants'][0]['id'], 1), **customer)).json()
        event = stream.next_event()
    assert (event.event, event.payload['product_ids']) == ('stock-changed', [product['id']])
    catalog = public.get(f'/api/products/{product["id"]}').text + public.get('/api/products').text
    for secret in [*customer.values(), order['number'], order['token']]:
        assert secret not in event.data and secret not in catalog and secret not in shop.log(), secret


def stock(public: httpx.Client, product: dict[str, Any]) -> list[int]:
    return [variant['stock_on_hand'] for variant in public.get(f'/api/products/{product["id"]}').json()['variants']]


def orders_total(admin: httpx.Client) -> int:
    return int(admin.get('/api/admin/orders').json()['total'])
