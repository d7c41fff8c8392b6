"""The admin in a real Chromium: every kind of save reaches a shop page open in another browser context."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Dialog, Locator, Page, expect

from tests.conftest import ServerFactory
from tests.servers import AppServer

PASSWORD = 'e2e admin password'
XSS = '<img src=x onerror=alert(1)>'


@pytest.fixture
def server(server_factory: ServerFactory) -> Iterator[AppServer]:
    yield server_factory({'STOREFRONT_DEMO_PRODUCTS': '5', 'STOREFRONT_ADMIN_PASSWORD': PASSWORD})


@pytest.fixture
def shop(browser: Browser) -> Iterator[Page]:
    """A shopper: a browser context of its own (no admin cookie)."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_create_edit_stock_and_delete_reach_an_open_shop_page(page: Page, shop: Page, server: AppServer) -> None:
    shop.goto(server.url)
    in_stock = shop.context.new_page()
    in_stock.goto(f'{server.url}/?in_stock=1')
    sign_in(page, server)

    product_id = create(page, server, 'Aardvark Kettle', sku='AK-1', price='24.50', stock='5')
    expect(card(shop, product_id)).to_contain_text('Aardvark Kettle')
    expect(card(in_stock, product_id)).to_be_visible()

    page.get_by_label('Name', exact=True).fill('Aardvark Kettle Pro')
    page.get_by_role('button', name='Save product').click()
    expect(page.get_by_text(re.compile(r'Product saved — delivered to [1-9]\d* open shop page'))).to_be_visible()
    expect(card(shop, product_id)).to_contain_text('Aardvark Kettle Pro')

    page.get_by_role('button', name='Stock…').click()
    page.get_by_text('Set to').click()
    page.get_by_label('Quantity').fill('0')
    page.get_by_label('Reason').fill('stocktake')
    page.get_by_role('button', name='Apply').click()
    expect(page.get_by_text('0 in stock')).to_be_visible()
    expect(card(in_stock, product_id)).to_have_count(0)

    page.get_by_role('button', name='Delete product').click()
    page.get_by_role('button', name='Delete', exact=True).click()
    expect(page.get_by_text(f'Product #{product_id} deleted')).to_be_visible()
    expect(card(shop, product_id)).to_have_count(0)


def test_a_name_with_markup_shows_literally_and_runs_nothing(page: Page, shop: Page, server: AppServer) -> None:
    dialogs: list[Dialog] = []
    for watched in (page, shop):
        watched.on('dialog', lambda dialog: dialogs.append(dialog))
    shop.goto(server.url)
    sign_in(page, server)

    product_id = create(page, server, XSS, sku='XSS-1', price='1.00', stock='1')
    expect(card(shop, product_id)).to_contain_text(XSS)
    response = shop.goto(f'{server.url}/product/img-src-x-onerror-alert-1')
    assert response is not None and response.status == 200
    expect(shop.get_by_text(XSS).first).to_be_visible()
    page.goto(f'{server.url}/admin')
    expect(page.get_by_role('link', name=XSS)).to_be_visible()
    for watched in (page, shop):
        expect(watched.locator('img[src="x"]')).to_have_count(0)
    assert dialogs == []


def sign_in(page: Page, server: AppServer) -> None:
    page.goto(f'{server.url}/admin')
    expect(page).to_have_url(re.compile(r'/login\?redirect_to=/admin$'))
    page.get_by_label('User name').fill('admin')
    page.get_by_label('Password').fill(PASSWORD)
    page.get_by_role('button', name='Sign in').click()
    expect(page.get_by_text('products', exact=False).first).to_be_visible()
    expect(page).to_have_url(f'{server.url}/admin')


def create(page: Page, server: AppServer, name: str, *, sku: str, price: str, stock: str) -> int:
    page.goto(f'{server.url}/admin/products/new')
    page.get_by_label('Name', exact=True).fill(name)
    page.get_by_label('Category').click()
    page.get_by_role('option', name='Coffee').click()
    page.get_by_label('SKU').fill(sku)
    page.get_by_label('Variant name').fill('Standard')
    page.get_by_label('Price').fill(price)
    page.get_by_label('Initial stock').fill(stock)
    page.get_by_role('button', name='Create product').click()
    expect(page.get_by_text(re.compile(r'Product created — delivered to \d+ open shop page'))).to_be_visible()
    match = re.search(r'/admin/products/(\d+)', page.url)
    assert match is not None
    return int(match.group(1))


def card(page: Page, product_id: int) -> Locator:
    return page.locator(f'[data-product-id="{product_id}"]')
