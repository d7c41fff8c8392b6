"""The public catalog `GET /api/products[/{id}]` against a real server: the shop's filters, paging, hidden products."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.factories import product_body, unique
from tests.servers import AppServer


@pytest.fixture(scope='module')
def public(shop: AppServer) -> Iterator[httpx.Client]:
    with shop.client() as client:
        yield client


@pytest.fixture(scope='module')
def shelf(shop: AppServer) -> dict[str, Any]:
    """Products that share a search word no demo product has, so each query sees only them."""
    word = unique('zqx')
    specs = {
        'tea': ('tea', f'Green Tea {word}', [(500, 3)]),
        'coffee': ('coffee', f'Coffee Beans {word}', [(1_500, 0), (2_500, 0)]),
        'kettle': ('kitchen', f'Kettle {word}', [(4_000, 1)]),
        'hidden': ('tea', f'Hidden Tea {word}', [(100, 9)]),
    }
    products: dict[str, Any] = {'word': word}
    with shop.admin() as admin:
        for key, (category, name, variants) in specs.items():
            body = product_body(category, name=name)
            body['variants'] = [
                {'sku': unique('PUB'), 'name': f'V{i}', 'price': price, 'stock_on_hand': stock}
                for i, (price, stock) in enumerate(variants)
            ]
            response = admin.post('/api/admin/products', json=body)
            assert response.status_code == 201, response.text
            products[key] = response.json()
        hidden = products['hidden']
        assert admin.patch(f'/api/admin/products/{hidden["id"]}', json={'version': 1, 'enabled': False}).is_success
    return products


@pytest.mark.parametrize(
    ('params', 'expected'),
    [
        ({}, ['coffee', 'tea', 'kettle']),
        ({'category': 'tea'}, ['tea']),
        ({'min_price': 1_000}, ['coffee', 'kettle']),
        ({'max_price': 1_500}, ['coffee', 'tea']),
        ({'in_stock': 1}, ['tea', 'kettle']),
        ({'sort': 'price'}, ['tea', 'coffee', 'kettle']),
        ({'sort': '-price'}, ['kettle', 'coffee', 'tea']),
        ({'sort': 'newest'}, ['kettle', 'coffee', 'tea']),
        ({'sort': 'price', 'page': 2, 'page_size': 2}, ['kettle']),
        ({'include_disabled': True}, ['coffee', 'tea', 'kettle']),
    ],
)
def test_filters(public: httpx.Client, shelf: dict[str, Any], params: dict[str, Any], expected: list[str]) -> None:
    response = public.get('/api/products', params={'q': shelf['word'].upper(), **params})
    assert response.status_code == 200, response.text
    page = response.json()
    names = {shelf[key]['id']: key for key in ('tea', 'coffee', 'kettle', 'hidden')}
    assert [names[item['id']] for item in page['items']] == expected
    assert (page['page'], page['page_size']) == (params.get('page', 1), params.get('page_size', 24))
    unpaged = {**params, 'q': shelf['word'], 'page': 1, 'page_size': 200}
    assert page['total'] == len(public.get('/api/products', params=unpaged).json()['items'])


def test_search_over_sku_and_description(public: httpx.Client, shelf: dict[str, Any]) -> None:
    sku = shelf['kettle']['variants'][0]['sku']
    assert [p['id'] for p in public.get('/api/products', params={'q': sku.lower()}).json()['items']] == [
        shelf['kettle']['id']
    ]


def test_paging_over_the_demo_catalog(public: httpx.Client, shelf: dict[str, Any]) -> None:
    first = public.get('/api/products', params={'page_size': 5}).json()
    second = public.get('/api/products', params={'page_size': 5, 'page': 2}).json()
    assert first['total'] == second['total'] == 16 + 3
    assert len(first['items']) == len(second['items']) == 5
    assert not {p['id'] for p in first['items']} & {p['id'] for p in second['items']}
    assert public.get('/api/products', params={'page': 99}).json()['items'] == []


def test_get_one_product(public: httpx.Client, shelf: dict[str, Any]) -> None:
    tea = shelf['tea']
    assert public.get(f'/api/products/{tea["id"]}').json() == tea


def test_disabled_products_are_hidden(public: httpx.Client, shelf: dict[str, Any]) -> None:
    hidden = shelf['hidden']
    response = public.get(f'/api/products/{hidden["id"]}')
    assert (response.status_code, response.json()) == (404, {'detail': f'product {hidden["id"]} is not available'})
    listed = public.get('/api/products', params={'q': 'hidden tea', 'include_disabled': True, 'page_size': 200})
    assert hidden['id'] not in [p['id'] for p in listed.json()['items']]


@pytest.mark.parametrize(
    'params',
    [
        {'page': 0},
        {'page_size': 0},
        {'page_size': 10_000},
        {'sort': 'cheapest'},
        {'min_price': -1},
        {'in_stock': 'perhaps'},
    ],
)
def test_invalid_filters_are_422(public: httpx.Client, params: dict[str, Any]) -> None:
    assert public.get('/api/products', params=params).status_code == 422


def test_unknown_product_is_404(public: httpx.Client) -> None:
    response = public.get('/api/products/987654')
    assert (response.status_code, response.json()) == (404, {'detail': 'product 987654 does not exist'})


def test_openapi_documents_the_admin_and_public_routes(public: httpx.Client) -> None:
    spec = public.get('/openapi.json').json()
    routes = {(path, method) for path, methods in spec['paths'].items() for method in methods}
    assert {
        ('/api/products', 'get'),
        ('/api/products/{product_id}', 'get'),
        ('/api/admin/products', 'post'),
        ('/api/admin/products/{product_id}', 'patch'),
        ('/api/admin/products/{product_id}', 'delete'),
        ('/api/admin/variants/{variant_id}/stock', 'post'),
        ('/api/admin/global-update', 'post'),
    } <= routes
    patch = spec['paths']['/api/admin/products/{product_id}']['patch']
    assert {'401', '404', '409', '413', '422'} <= set(patch['responses'])
    assert patch['security'] == [{'HTTPBearer': []}]
    assert {'ProductCreate', 'ProductPublic', 'ProductPage', 'StockChange'} <= set(spec['components']['schemas'])
    assert public.get('/docs').status_code == 200
