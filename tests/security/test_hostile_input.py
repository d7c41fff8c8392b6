"""Hostile input against the real server: a fuzzer over the OpenAPI schema, oversized values, odd unicode,
and SQL- or markup-looking text that must be stored and returned exactly as given.

The SSE route's own limits (10,000 filters, a 1 MB `Last-Event-ID`) are tested in tests/invalidation/test_sse.py.
"""

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ServerFactory
from tests.factories import unique
from tests.servers import AppServer

LITERALS = [
    "'; DROP TABLE product; --",
    'Robert"); DELETE FROM variant WHERE (1=1',
    "x' OR '1'='1",
    '<script>alert("owned")</script>',
    '<img src=x onerror=alert(1)>',
    '{{ 7 * 7 }} ${7*7} <%= 7*7 %>',
    '%_\\ 100% _wild_ \\%',
    '\u202eevil\u202c \u200d\u200b zero-width',
    'Z\u0351\u0358a\u035c\u0361lgo \U0001f525\U0001f6d2 \u65e5\u672c \u0639\u0631\u0628\u064a',
]


@pytest.fixture(scope='module')
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    factory = ServerFactory(tmp_path_factory.mktemp('hostile'))
    yield factory({'STOREFRONT_DEMO_PRODUCTS': '8'})
    factory.close(failed=False)


@pytest.mark.slow
def test_schemathesis_finds_no_500_and_every_response_matches_the_schema(
    server_factory: ServerFactory, tmp_path: Path
) -> None:
    """Every check except two whose premise does not hold here: `positive_data_acceptance` expects every
    schema-valid body to be accepted, but the catalog also refuses unknown categories, control characters
    and "delta and set together" (422 with a message); `allow_header_conformance` trips on Starlette
    answering OPTIONS with the `Allow` of the first route matching the path. The SSE stream never ends, so
    the fuzzer leaves it out. A fixed seed keeps a failure reproducible; the budget bounds the run.
    The fuzzer deletes what it finds, so it gets a server of its own."""
    server = server_factory({'STOREFRONT_DEMO_PRODUCTS': '8'})
    command = [
        *(str(Path(sys.executable).parent / 'st'), 'run', f'{server.url}/openapi.json'),
        *('--header', f'Authorization: Bearer {server.token}'),
        *('--exclude-path', '/api/cache-events'),
        *('--checks', 'all', '--exclude-checks', 'positive_data_acceptance,allow_header_conformance'),
        *('--max-examples', '15', '--max-time', '30', '--seed', '20261125', '--generation-database', 'none'),
        *('--request-timeout', '10', '--no-color', '--report-dir', str(tmp_path)),
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-8_000:] + run.stderr[-2_000:]
    assert 'API Operations' in run.stdout


def test_regression_a_body_that_is_not_json_gets_a_documented_400(server: AppServer) -> None:
    """Schemathesis found 400 ("There was an error parsing the body") missing from the admin API's schema."""
    schema = httpx.get(f'{server.url}/openapi.json').json()
    with server.admin() as admin:
        response = admin.post('/api/admin/products', content=b'\x10\xff', headers={'Content-Type': 'application/json'})
    assert response.status_code == 400
    for path, operations in schema['paths'].items():
        for method, operation in operations.items():
            if path.startswith('/api/admin') and 'requestBody' in operation:
                assert '400' in operation['responses'], (method, path)


@pytest.mark.parametrize('text', LITERALS)
def test_sql_markup_and_odd_unicode_are_stored_and_returned_literally(server: AppServer, text: str) -> None:
    before = total(server)
    with server.admin() as admin:
        created = admin.post('/api/admin/products', json=product(text, description=f'{text}\n{text}'))
        assert created.status_code == 201, created.text
        renamed = admin.patch(
            f'/api/admin/products/{created.json()["id"]}', json={'version': 1, 'name': f'{text} (renamed)'}
        )
    assert renamed.status_code == 200, renamed.text
    with server.client() as client:
        stored = client.get(f'/api/products/{created.json()["id"]}').json()
        found = client.get('/api/products', params={'q': text, 'page_size': 200}).json()
    assert (stored['name'], stored['description']) == (f'{text} (renamed)', f'{text}\n{text}')
    assert [item['id'] for item in found['items']] == [stored['id']], 'the search matched the text literally'
    assert total(server) == before + 1, 'nothing else was changed or dropped'


def test_a_quote_in_the_search_matches_nothing_rather_than_everything(server: AppServer) -> None:
    with server.client() as client:
        for needle in ["' OR 1=1 --", '%', '_', '" OR ""="']:
            items = client.get('/api/products', params={'q': needle, 'page_size': 200}).json()['items']
            assert all(needle.lower() in searchable(item) for item in items), needle


@pytest.mark.parametrize(
    ('field', 'size'), [('name', 201), ('name', 100_000), ('description', 5_001), ('description', 900_000)]
)
def test_oversized_strings_are_refused_quickly(server: AppServer, field: str, size: int) -> None:
    started = time.monotonic()
    with server.admin() as admin:
        response = admin.post('/api/admin/products', json={**product('Big'), field: 'x' * size})
    assert response.status_code == 422, response.text[:200]
    assert 'at most' in response.text
    assert time.monotonic() - started < 5


def test_oversized_filters_and_urls_are_refused_or_ignored_never_a_hang(server: AppServer) -> None:
    started = time.monotonic()
    with server.client() as client:
        assert client.get('/api/products', params={'q': 'x' * 10_000}).status_code == 422
        assert client.get('/api/products', params={'page_size': 10**6}).status_code == 422
        assert client.get('/api/products', params={'min_price': 10**30}).status_code == 422
        assert client.get('/', params={'q': 'x' * 10_000, 'page': 10**12}).status_code == 200  # dropped, shop shown
        assert client.get('/product/' + 'x' * 50_000).status_code in {200, 404, 414}
    assert time.monotonic() - started < 10


@pytest.mark.parametrize('bad', ['\x00', '\x1b[31m', '\x7f', '\x85', '\ud800'])
def test_control_characters_and_lone_surrogates_are_refused_in_names(server: AppServer, bad: str) -> None:
    body = json.dumps({**product('ok'), 'name': f'Name {bad} here'})  # ASCII, so a lone surrogate can travel
    with server.admin() as admin:
        response = admin.post('/api/admin/products', content=body, headers={'Content-Type': 'application/json'})
    assert response.status_code == 422, response.text


def total(server: AppServer) -> int:
    count: int = httpx.get(f'{server.url}/api/products').json()['total']
    return count


def product(name: str, **fields: Any) -> dict[str, Any]:
    return {
        'name': name,
        'slug': unique('hostile'),
        'category': 'books',
        'variants': [{'sku': unique('HOSTILE'), 'name': 'Std', 'price': 100, 'stock_on_hand': 1}],
        **fields,
    }


def searchable(item: dict[str, Any]) -> str:
    skus = ' '.join(variant['sku'] for variant in item['variants'])
    return f'{item["name"]}\n{item["description"]}\n{skus}'.lower()
