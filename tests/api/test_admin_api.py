"""The admin JSON API against a real server: every status code, and never a 500 for bad input."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from server.limits import MAX_BODY_BYTES
from tests.factories import product_body, unique
from tests.servers import AppServer

CATEGORY = 'coffee'  # one of the demo categories the `shop` server is seeded with


@pytest.fixture(scope='module')
def admin(shop: AppServer) -> Iterator[httpx.Client]:
    with shop.admin() as client:
        yield client


@pytest.fixture
def product(admin: httpx.Client) -> dict[str, Any]:
    return created(admin, product_body(CATEGORY))


def created(admin: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    response = admin.post('/api/admin/products', json=body)
    assert response.status_code == 201, response.text
    return response.json()


def admin_calls(product_id: int, variant_id: int) -> list[tuple[str, str, dict[str, Any] | None]]:
    return [
        ('POST', '/api/admin/products', product_body(CATEGORY)),
        ('PATCH', f'/api/admin/products/{product_id}', {'version': 1, 'name': 'Hijacked'}),
        ('DELETE', f'/api/admin/products/{product_id}', None),
        ('PATCH', f'/api/admin/variants/{variant_id}', {'version': 1, 'price': 1}),
        ('POST', f'/api/admin/variants/{variant_id}/stock', {'delta': 1}),
        ('POST', '/api/admin/global-update', None),
    ]


@pytest.mark.parametrize(
    'headers',
    [
        {},
        {'Authorization': 'Bearer wrong-token'},
        {'Authorization': 'Bearer'},
        {'Authorization': 'Basic YWRtaW46YWRtaW4='},
    ],
    ids=['none', 'wrong', 'empty', 'basic'],
)
def test_401_without_a_valid_token(shop: AppServer, product: dict[str, Any], headers: dict[str, str]) -> None:
    with shop.client() as client:
        for method, path, body in admin_calls(product['id'], product['variants'][0]['id']):
            response = client.request(method, path, json=body, headers=headers)
            assert response.status_code == 401, (method, path, response.text)
            assert response.headers['www-authenticate'] == 'Bearer'
            assert response.json() == {'detail': 'a valid admin bearer token is required'}
        assert client.get(f'/api/products/{product["id"]}').json() == product, 'nothing changed'


def test_a_token_that_only_starts_right_is_refused(shop: AppServer, product: dict[str, Any]) -> None:
    with shop.client() as client:
        for token in (shop.token[:-1], shop.token + 'x', shop.token.upper()):
            response = client.post('/api/admin/global-update', headers={'Authorization': f'Bearer {token}'})
            assert response.status_code == 401


def test_201_create_and_read_back(shop: AppServer, admin: httpx.Client) -> None:
    body = product_body(CATEGORY, name='Café ☕ 日本 Blend', description='Line one\nline two', slug=unique('cafe'))
    product = created(admin, body)
    assert (product['name'], product['slug'], product['category'], product['version']) == (
        body['name'],
        body['slug'],
        CATEGORY,
        1,
    )
    assert [(v['sku'], v['price'], v['stock_on_hand']) for v in product['variants']] == [
        (body['variants'][0]['sku'], 1_000, 5)
    ]
    with shop.client() as client:
        assert client.get(f'/api/products/{product["id"]}').json() == product


def test_200_patch_bumps_the_version(admin: httpx.Client, product: dict[str, Any]) -> None:
    response = admin.patch(
        f'/api/admin/products/{product["id"]}', json={'version': 1, 'name': 'Renamed', 'enabled': False}
    )
    assert response.status_code == 200, response.text
    assert (response.json()['name'], response.json()['enabled'], response.json()['version']) == ('Renamed', False, 2)


def test_200_variant_patch_changes_the_price_and_bumps_the_product(
    admin: httpx.Client, product: dict[str, Any]
) -> None:
    variant = product['variants'][0]
    response = admin.patch(f'/api/admin/variants/{variant["id"]}', json={'version': 1, 'price': 4321})
    assert response.status_code == 200, response.text
    changed = response.json()
    assert (changed['variants'][0]['price'], changed['version']) == (4321, 2)
    assert admin.get(f'/api/products/{product["id"]}').json() == changed
    unversioned = admin.patch(f'/api/admin/variants/{variant["id"]}', json={'price': 999})  # last write wins
    assert (unversioned.status_code, unversioned.json()['variants'][0]['price']) == (200, 999)


@pytest.mark.parametrize(
    ('body', 'status'),
    [({'version': 2, 'price': 1}, 409), ({'version': 1, 'price': -1}, 422), ({'version': 1, 'sku': ''}, 422)],
    ids=['stale', 'negative price', 'empty sku'],
)
def test_variant_patch_refusals_change_nothing(
    admin: httpx.Client, product: dict[str, Any], body: dict[str, Any], status: int
) -> None:
    response = admin.patch(f'/api/admin/variants/{product["variants"][0]["id"]}', json=body)
    assert response.status_code == status, response.text
    assert admin.get(f'/api/products/{product["id"]}').json() == product


def test_409_stale_version_carries_the_current_record(admin: httpx.Client, product: dict[str, Any]) -> None:
    path = f'/api/admin/products/{product["id"]}'
    current = admin.patch(path, json={'version': 1, 'description': 'newer'}).json()
    for method, body in [('PATCH', {'version': 1, 'name': 'Stale Edit'}), ('DELETE', None)]:
        response = admin.request(method, path, json=body, params={'version': 1} if method == 'DELETE' else None)
        assert response.status_code == 409, response.text
        detail = response.json()['detail']
        assert detail['current'] == current
        assert detail['message'] == 'stale version 1: the product changed meanwhile (it is now version 2)'
    assert admin.patch(path, json={'version': 10**30, 'name': 'x'}).status_code == 409


def test_204_delete_then_404(shop: AppServer, admin: httpx.Client, product: dict[str, Any]) -> None:
    response = admin.delete(f'/api/admin/products/{product["id"]}', params={'version': 1})
    assert response.status_code == 204
    assert response.content == b''
    with shop.client() as client:
        assert client.get(f'/api/products/{product["id"]}').status_code == 404
    assert admin.delete(f'/api/admin/products/{product["id"]}').status_code == 404


def test_200_stock_delta_and_set(admin: httpx.Client, product: dict[str, Any]) -> None:
    path = f'/api/admin/variants/{product["variants"][0]["id"]}/stock'
    response = admin.post(path, json={'delta': -2, 'reason': 'order 12'})
    assert response.status_code == 200, response.text
    assert (response.json()['stock_on_hand'], response.json()['version']) == (3, 2)
    assert admin.post(path, json={'set': 40}).json()['stock_on_hand'] == 40


@pytest.mark.parametrize(
    ('body', 'field', 'message'),
    [
        ({'delta': 1, 'set': 1}, None, 'give exactly one of "delta" or "set"'),
        ({'reason': 'neither'}, None, 'give exactly one of "delta" or "set"'),
        ({'delta': -6}, 'stock', 'only 5 on hand; cannot go below zero'),
        ({'set': -1}, 'set', 'greater than or equal to 0'),
        ({'delta': 10**12}, 'delta', 'less than or equal to'),
        ({'delta': 1, 'reason': 'bell\x07'}, 'reason', 'must not contain control characters'),
        ({'delta': 'many'}, 'delta', 'valid integer'),
    ],
)
def test_422_stock(admin: httpx.Client, product: dict[str, Any], body: Any, field: str | None, message: str) -> None:
    response = admin.post(f'/api/admin/variants/{product["variants"][0]["id"]}/stock', json=body)
    assert_422(response, field, message)


def test_202_global_update(admin: httpx.Client) -> None:
    response = admin.post('/api/admin/global-update')
    assert (response.status_code, response.json()) == (202, {'status': 'queued'})


@pytest.mark.parametrize('id_', [987_654, 2**63 - 1, 2**63, 10**30])
def test_404_unknown_ids(shop: AppServer, admin: httpx.Client, id_: int) -> None:
    calls = [
        admin.patch(f'/api/admin/products/{id_}', json={'version': 1, 'name': 'x'}),
        admin.delete(f'/api/admin/products/{id_}'),
        admin.post(f'/api/admin/variants/{id_}/stock', json={'delta': 1}),
    ]
    with shop.client() as client:
        calls.append(client.get(f'/api/products/{id_}'))
    for response in calls:
        assert response.status_code == 404, (response.request.url, response.text)
        assert 'does not exist' in response.json()['detail']


def invalid_products() -> list[tuple[dict[str, Any], str, str]]:
    variant = {'sku': 'OK-1', 'name': 'Std', 'price': 100}
    return [
        ({'name': ''}, 'name', 'at least 1 character'),
        ({'name': '   '}, 'name', 'must not be empty'),
        ({'name': 'n' * 201}, 'name', 'at most 200 characters'),
        ({'name': 'evil\x1b[2J'}, 'name', 'must not contain control characters'),
        ({'description': 'nul\x00'}, 'description', 'must not contain control characters'),
        ({'slug': 'Not A Slug'}, 'slug', 'should match pattern'),
        ({'category': 'no-such-category'}, 'category', "unknown category 'no-such-category'"),
        ({'variants': [{**variant, 'price': -1}]}, 'variants', 'greater than or equal to 0'),
        ({'variants': [{**variant, 'price': 10**30}]}, 'variants', 'less than or equal to'),
        ({'variants': [{**variant, 'price': 9.99}]}, 'variants', 'valid integer'),
        ({'variants': [{**variant, 'stock_on_hand': -1}]}, 'variants', 'greater than or equal to 0'),
        ({'variants': [{**variant, 'sku': 'has spaces'}]}, 'variants', 'should match pattern'),
        ({'variants': [variant, variant]}, 'sku', "'OK-1' appears twice in this product"),
        ({'variants': [{**variant, 'name': None}]}, 'variants', 'valid string'),
        ({'enabled': 'maybe'}, 'enabled', 'valid boolean'),
        ({'name': 12}, 'name', 'valid string'),
        ({'variants': 'lots'}, 'variants', 'valid list'),
    ]


@pytest.mark.parametrize(('fields', 'field', 'message'), invalid_products())
def test_422_invalid_product(admin: httpx.Client, fields: dict[str, Any], field: str, message: str) -> None:
    assert_422(admin.post('/api/admin/products', json={'name': 'Fine', 'category': CATEGORY, **fields}), field, message)


def test_422_taken_slug_and_sku(admin: httpx.Client, product: dict[str, Any]) -> None:
    taken_sku = {**product_body(CATEGORY), 'variants': [{**product['variants'][0], 'id': None}]}
    assert_422(admin.post('/api/admin/products', json=taken_sku), 'sku', 'is already used by another variant')
    taken_slug = product_body(CATEGORY, slug=product['slug'])
    assert_422(admin.post('/api/admin/products', json=taken_slug), 'slug', 'is already taken')
    other = created(admin, product_body(CATEGORY))
    response = admin.patch(f'/api/admin/products/{other["id"]}', json={'version': 1, 'slug': product['slug']})
    assert_422(response, 'slug', 'is already taken')


@pytest.mark.parametrize(
    ('body', 'field', 'message'),
    [
        ({'name': 'no version'}, 'version', 'Field required'),
        ({'version': 'one'}, 'version', 'valid integer'),
        ({'version': 1, 'name': ''}, 'name', 'at least 1 character'),
        ({'version': 1, 'slug': 'UPPER'}, 'slug', 'should match pattern'),
        ({'version': 1, 'category': 'nope'}, 'category', "unknown category 'nope'"),
    ],
)
def test_422_invalid_patch(admin: httpx.Client, product: dict[str, Any], body: Any, field: str, message: str) -> None:
    assert_422(admin.patch(f'/api/admin/products/{product["id"]}', json=body), field, message)


GARBAGE: list[bytes] = [
    b'',
    b'not json',
    b'{"name": ',
    b'[]',
    b'null',
    b'"a string"',
    b'12345678901234567890123456789012345678901234567890',
    b'{"name": "\\ud800", "category": "coffee"}',
    b'{"name": "x", "category": "coffee", "variants": [[[[[[[[]]]]]]]]}',
    b'\xff\xfe\x00garbage',
    '{"name": "Bücher ✓", "category": "☕"}'.encode(),
    b'[' * 5_000 + b']' * 5_000,
]


@pytest.mark.parametrize('body', GARBAGE)
def test_garbage_bodies_are_refused_never_a_500(admin: httpx.Client, product: dict[str, Any], body: bytes) -> None:
    headers = {'Content-Type': 'application/json'}
    paths = [
        ('POST', '/api/admin/products'),
        ('PATCH', f'/api/admin/products/{product["id"]}'),
        ('POST', f'/api/admin/variants/{product["variants"][0]["id"]}/stock'),
    ]
    for method, path in paths:
        response = admin.request(method, path, content=body, headers=headers)
        assert response.status_code in {400, 422}, (method, path, response.status_code, response.text)
        assert 'detail' in response.json()


def test_garbage_paths_and_params_are_refused(shop: AppServer, admin: httpx.Client) -> None:
    responses = [
        admin.patch('/api/admin/products/abc', json={'version': 1}),
        admin.delete('/api/admin/products/1.5'),
        admin.delete('/api/admin/products/1', params={'version': 'old'}),
        admin.post('/api/admin/variants/-/stock', json={'delta': 1}),
    ]
    with shop.client() as client:
        responses += [client.get('/api/products/%F0%9F%98%80'), client.get('/api/products', params={'page': '0'})]
    assert [r.status_code for r in responses] == [422] * len(responses)


@pytest.mark.parametrize('chunked', [False, True], ids=['content-length', 'chunked'])
def test_413_oversized_body(admin: httpx.Client, chunked: bool) -> None:
    body = b'{"name": "' + b'x' * MAX_BODY_BYTES + b'", "category": "coffee"}'
    content: Any = iter([body[i : i + 65_536] for i in range(0, len(body), 65_536)]) if chunked else body
    response = admin.post('/api/admin/products', content=content, headers={'Content-Type': 'application/json'})
    assert response.status_code == 413
    assert response.json() == {'detail': f'request body larger than {MAX_BODY_BYTES} bytes'}


def assert_422(response: httpx.Response, field: str | None, message: str) -> None:
    assert response.status_code == 422, response.text
    errors = response.json()['detail']
    assert any(
        message in error['msg'] and (field is None or field in [str(part) for part in error['loc']]) for error in errors
    ), errors


@pytest.mark.parametrize(
    ('method', 'path', 'body'),
    [
        ('PATCH', '/api/admin/variants/{variant}', {'price': False}),
        ('POST', '/api/admin/variants/{variant}/stock', {'delta': True}),
        ('POST', '/api/admin/variants/{variant}/stock', {'set': True}),
    ],
    ids=['price false', 'delta true', 'set true'],
)
def test_regression_true_and_false_are_not_numbers(
    admin: httpx.Client, product: dict[str, Any], method: str, path: str, body: dict[str, Any]
) -> None:
    """Schemathesis: `{"price": false}` set a price of 0 (pydantic's lax mode reads booleans as 0 and 1)."""
    response = admin.request(method, path.format(variant=product['variants'][0]['id']), json=body)
    assert response.status_code == 422, response.text
    assert 'not true or false' in response.text
    assert admin.get(f'/api/products/{product["id"]}').json() == product
