"""Security headers on every response, a CSP the shop and the admin really work under (checked in Chromium),
markup in names shown as text, and no secret in the server's log after sign-ins and API calls."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

from server.security import CSP
from tests.conftest import ServerFactory
from tests.factories import unique
from tests.reliability.browser import chromium
from tests.servers import AppServer

SECRETS = {
    'STOREFRONT_ENV': 'production',
    'STOREFRONT_ADMIN_USER': 'shopkeeper',
    'STOREFRONT_ADMIN_PASSWORD': 'pw-Tr0ub4dor-and-3-horses',
    'STOREFRONT_ADMIN_TOKEN': 'tok-5b1c0d7e9a2f4e6b8c3d',
    'STOREFRONT_STORAGE_SECRET': 'sec-8f7e6d5c4b3a2910',
}
WRONG_PASSWORD = 'pw-guess-Correct-Horse-9'
MARKUP = ['<img src=x onerror=alert(1)>', '{{ 7 * 7 }}', '<script>alert(2)</script>']
RECORD_VIOLATIONS = """
window.violations = [];
document.addEventListener('securitypolicyviolation', e => {
  window.violations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


@pytest.fixture(scope='module')
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    factory = ServerFactory(tmp_path_factory.mktemp('headers'))
    yield factory({'STOREFRONT_DEMO_PRODUCTS': '4', **SECRETS})
    factory.close(failed=False)


@pytest.mark.parametrize('path', ['/', '/login', '/admin', '/product/nothing', '/api/products', '/healthz', '/nowhere'])
def test_every_response_carries_the_security_headers(server: AppServer, path: str) -> None:
    response = httpx.get(f'{server.url}{path}')
    assert response.headers['x-content-type-options'] == 'nosniff'
    assert response.headers['referrer-policy'] == 'same-origin'
    assert response.headers['x-frame-options'] == 'DENY'
    assert response.headers['content-security-policy'] == CSP
    assert "frame-ancestors 'none'" in CSP and "connect-src 'self'" in CSP and "object-src 'none'" in CSP


def test_the_event_stream_and_the_api_docs_keep_working_with_the_headers(server: AppServer) -> None:
    with httpx.Client(base_url=server.url, timeout=5) as client, client.stream('GET', '/api/cache-events') as stream:
        assert stream.headers['x-content-type-options'] == 'nosniff'
        assert 'connected' in next(stream.iter_text())
    docs = httpx.get(f'{server.url}/docs')
    assert docs.status_code == 200 and 'content-security-policy' not in docs.headers  # Swagger UI comes from a CDN


async def test_shop_and_admin_work_under_the_policy_show_markup_as_text_and_log_no_secret(server: AppServer) -> None:
    with server.admin() as admin:
        for name in MARKUP:
            assert admin.post('/api/admin/products', json=product(name)).status_code == 201
    async with chromium() as browser:
        page = await browser.new_page()
        dialogs: list[str] = []
        page.on('dialog', lambda dialog: dialogs.append(dialog.message))
        await page.add_init_script(RECORD_VIOLATIONS)

        await page.goto(server.url)
        for name in MARKUP:
            await expect(page.get_by_text(name, exact=True)).to_be_visible()
        await expect(page.get_by_text('49')).to_have_count(0)
        await assert_live(page, server)
        await page.get_by_label('Search').fill('alert(2)')
        await expect(page.locator('.product-card')).to_have_count(1)
        assert await page.evaluate('window.violations') == []

        await sign_in(page, server, WRONG_PASSWORD)
        await expect(page.get_by_text('Wrong user name or password.')).to_be_visible()
        await sign_in(page, server, SECRETS['STOREFRONT_ADMIN_PASSWORD'])
        await expect(page.get_by_role('main').get_by_role('button', name='New product')).to_be_visible(timeout=15_000)
        assert await page.evaluate('window.violations') == []
        assert dialogs == []
    log = server.log()
    assert 'shopkeeper' in log and 'signed in' in log, 'the log should record who signed in'
    for name in ['STOREFRONT_ADMIN_PASSWORD', 'STOREFRONT_ADMIN_TOKEN', 'STOREFRONT_STORAGE_SECRET']:
        assert SECRETS[name] not in log, f'{name} appears in the server log'
    assert WRONG_PASSWORD not in log, 'a wrong password appears in the server log'


def test_regression_development_prints_the_token_it_generated_for_an_empty_variable(
    server_factory: ServerFactory,
) -> None:
    """A development run without a token invents one and prints it once, so the developer can call the API
    (acceptable: production refuses to start without a real token, and a given token is never printed).
    The bug: an empty `STOREFRONT_ADMIN_TOKEN=` also made a token up, but kept it secret from everyone."""
    given = server_factory({'STOREFRONT_DEMO_PRODUCTS': '0'})
    assert given.token not in given.log() and 'Admin API token' not in given.log()
    generated = server_factory({'STOREFRONT_DEMO_PRODUCTS': '0', 'STOREFRONT_ADMIN_TOKEN': ''}, name='generated')
    token = generated.log().split('Admin API token for this run: ')[1].split()[0]
    response = httpx.post(f'{generated.url}/api/admin/global-update', headers={'Authorization': f'Bearer {token}'})
    assert response.status_code == 202


async def assert_live(page: Page, server: AppServer) -> None:
    """A write reaches the open page: its websocket works under `connect-src 'self'`."""
    product_id = httpx.get(f'{server.url}/api/products', params={'q': 'onerror'}).json()['items'][0]['id']
    with server.admin() as admin:
        response = admin.patch(f'/api/admin/products/{product_id}', json={'version': 1, 'name': '<b>Live</b> & well'})
    assert response.status_code == 200, response.text
    await expect(page.get_by_text('<b>Live</b> & well', exact=True)).to_be_visible()


async def sign_in(page: Page, server: AppServer, password: str) -> None:
    await page.goto(f'{server.url}/login')
    await page.get_by_label('User name').fill(SECRETS['STOREFRONT_ADMIN_USER'])
    await page.get_by_label('Password', exact=True).fill(password)
    await page.get_by_role('button', name='Sign in').click()


def product(name: str) -> dict[str, Any]:
    return {
        'name': name,
        'slug': unique('markup'),
        'category': 'books',
        'variants': [{'sku': unique('MARKUP'), 'name': 'Std', 'price': 100, 'stock_on_hand': 9}],
    }
