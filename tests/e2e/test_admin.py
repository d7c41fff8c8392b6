"""The admin in a real Chromium: every kind of save reaches a shop page open in another browser context."""

import re
from collections.abc import Iterator
from typing import Any

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


@pytest.mark.parametrize(
    ('label', 'text'), [('Name', 'Delete \x7f here'), ('Description', 'Next line \x85 here')], ids=['U+007F', 'U+0085']
)
def test_a_control_character_in_a_product_field_gets_a_message_next_to_it_and_nothing_is_saved(
    page: Page, server: AppServer, label: str, text: str
) -> None:
    """Regression: a name holding U+007F passed the form's check, the model refused it on save, and the admin saw
    nothing while the server logged a ValidationError traceback."""
    product = created_product(server)
    sign_in(page, server)
    open_editor(page, server, product['id'])
    page.get_by_label(label, exact=True).fill(text)
    page.get_by_role('button', name='Save product').click()
    expect(message_under(page, label)).to_have_text('must not contain control characters')
    expect(page.get_by_text('Please fix the marked fields.')).to_be_visible()  # the save ran, and refused
    assert_unchanged(server, product)


def test_an_over_long_sku_gets_a_message_next_to_it_and_nothing_is_saved(page: Page, server: AppServer) -> None:
    """Regression: the SKU input's `maxlength` cut a pasted SKU to 64 characters, and the cut one was saved."""
    product = created_product(server)
    sign_in(page, server)
    open_editor(page, server, product['id'])
    page.get_by_label('SKU').first.fill('S' * 65)
    page.get_by_role('button', name='Save variant').click()
    expect(message_under(page, 'SKU').first).to_have_text('at most 64 characters')
    expect(page.get_by_text('Please fix the marked fields.')).to_be_visible()  # the save ran, and refused
    assert_unchanged(server, product)


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


def created_product(server: AppServer) -> dict[str, Any]:
    body = {
        'name': 'Field Kettle',
        'category': 'coffee',
        'variants': [{'sku': 'FK-1', 'name': 'Standard', 'price': 1_500, 'stock_on_hand': 3}],
    }
    with server.admin() as admin:
        response = admin.post('/api/admin/products', json=body)
    assert response.status_code == 201, response.text
    product: dict[str, Any] = response.json()
    return product


def open_editor(page: Page, server: AppServer, product_id: int) -> None:
    """Opens the product's editor and waits for its websocket: what is typed before it connects can be lost."""
    page.goto(f'{server.url}/admin/products/{product_id}')
    page.wait_for_function('window.socket?.connected === true')


def message_under(page: Page, label: str) -> Locator:
    """The message Quasar shows under the input labelled `label`: where a refusal belongs."""
    return page.locator('label.q-field', has=page.get_by_label(label, exact=True)).get_by_role('alert')


def assert_unchanged(server: AppServer, product: dict[str, Any]) -> None:
    """Nothing was saved, and the admin's mistake left no traceback in the server log."""
    with server.client() as client:
        assert client.get(f'/api/products/{product["id"]}').json() == product
    assert 'Traceback' not in server.log()
