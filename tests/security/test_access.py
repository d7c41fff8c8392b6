"""Nobody gets in without credentials: every route of the running app is either public by name, or refuses a
stranger (401 for the admin API, a redirect to the sign-in page for pages). A new route must be classified
here before it can ship. Sign-in throttling is tested in tests/admin/test_login.py and test_throttle.py."""

import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi.routing import iter_route_contexts
from nicegui import core
from nicegui.testing import User

from tests.conftest import ServerFactory
from tests.servers import AppServer

PUBLIC = {
    '/',
    '/product/{slug}',
    '/checkout',
    '/order/{token}',  # the token is the credential
    '/login',
    '/api/products',
    '/api/products/{product_id}',
    '/api/checkout',
    '/api/orders/{token}',  # the token is the credential
    '/api/cache-events',
    '/healthz',
    '/metrics',
    '/openapi.json',
    '/docs',
    '/docs/oauth2-redirect',
    '/redoc',
    '/favicon.ico',
}
NICEGUI_INTERNALS = '/_nicegui'
STRANGERS = [{}, {'Authorization': 'Bearer not-the-token'}, {'Authorization': 'Basic YWRtaW46YWRtaW4='}]


@pytest.fixture(scope='module')
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    factory = ServerFactory(tmp_path_factory.mktemp('access'))
    yield factory({'STOREFRONT_DEMO_PRODUCTS': '2'})
    factory.close(failed=False)


async def test_every_route_of_the_app_is_public_by_name_or_refuses_strangers(user: User) -> None:
    guarded = []
    for route in iter_route_contexts(core.app.routes):
        if route.path in PUBLIC or route.path.startswith(NICEGUI_INTERNALS):
            continue
        url = re.sub(r'\{[^}]+\}', '1', route.path)
        for method in route.methods or {'GET'}:
            for headers in STRANGERS:
                response = await user.http_client.request(method, url, json={}, headers=headers)
                if route.path.startswith('/api/'):
                    assert response.status_code == 401, (method, url, response.status_code)
                else:
                    assert response.status_code in {302, 307}, (method, url, response.status_code)
                    assert response.headers['location'] == f'/login?redirect_to={url}'
            guarded.append(f'{method} {route.path}')
    assert {'GET /admin', 'GET /admin/products/{product_id}', 'POST /api/admin/global-update'} <= set(guarded)


def test_every_operation_in_the_openapi_schema_is_public_by_name_or_needs_the_token(server: AppServer) -> None:
    schema = httpx.get(f'{server.url}/openapi.json').json()
    admin_operations = 0
    with server.client() as client:
        for path, operations in schema['paths'].items():
            if path in PUBLIC:
                continue
            assert path.startswith('/api/admin/'), f'{path} is neither public by name nor under /api/admin'
            for method, operation in operations.items():
                assert operation.get('security') == [{'HTTPBearer': []}], (method, path)
                url = re.sub(r'\{[^}]+\}', '1', path)
                for headers in STRANGERS:
                    response = client.request(method.upper(), url, json={}, headers=headers)
                    assert response.status_code == 401, (method, path, headers, response.text)
                admin_operations += 1
    assert admin_operations == 9


def test_the_session_cookie_is_http_only_and_same_site(server: AppServer) -> None:
    for path in ['/', '/login']:
        with server.client() as client:
            cookie = client.get(path).headers['set-cookie'].lower()
        assert cookie.startswith('session=')
        assert 'httponly' in cookie and 'samesite=lax' in cookie, cookie


def test_the_admin_pages_send_the_browser_to_sign_in_over_the_real_server(server: AppServer) -> None:
    with server.client() as client:
        for path in ['/admin', '/admin/', '/admin/products/new', '/admin/products/1', '/admin/anything/else']:
            response = client.get(path)
            assert response.status_code in {302, 307}, path
            assert response.headers['location'].startswith('/login?redirect_to=/admin')
