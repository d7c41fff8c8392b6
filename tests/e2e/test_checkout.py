"""Buying in a real Chromium: shopper A buys the last unit, and shopper B sees it go on every open page, without a
reload, and is refused at checkout with the reason."""

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine, text

from tests.conftest import ServerFactory
from tests.e2e.test_admin import PASSWORD, sign_in
from tests.factories import checkout_body, product_body
from tests.servers import AppServer


def test_the_last_unit_sold_to_a_is_sold_out_for_b_everywhere_and_refused(
    browser: Browser, shop_server: AppServer
) -> None:
    product = last_unit(shop_server, 'Last Copper Kettle')
    a = browser.new_context().new_page()
    b = browser.new_context()
    b_shop, b_product = b.new_page(), b.new_page()
    b_shop.goto(f'{shop_server.url}/?q=last+copper')
    expect(card(b_shop, product)).to_be_visible()  # this process has heard of the new product (the shop is live)
    b_product.goto(f'{shop_server.url}/product/{product["slug"]}')
    b_product.get_by_role('button', name='Add to cart').click()
    expect(b_product.get_by_text('Added Last Copper Kettle (Standard) to the cart.')).to_be_visible()
    b_product.locator('.q-header').get_by_role('button').click()  # opens the cart drawer
    expect(b_product.locator('.q-drawer').get_by_text('Last Copper Kettle (Standard)')).to_be_visible()

    a.goto(f'{shop_server.url}/?q=last+copper')
    card(a, product).get_by_role('button', name='Add to cart').click()
    expect(a.get_by_text('Added Last Copper Kettle (Standard) to the cart.')).to_be_visible()
    a.goto(f'{shop_server.url}/checkout')
    check_out(a, name='Ada <b>Shopper</b>')
    expect(a).to_have_url(re.compile(r'/order/[\w-]{40,}$'))
    expect(a.get_by_text(re.compile(r'^Order [A-Z0-9]{4}-'))).to_be_visible()
    expect(a.get_by_text('Ada <b>Shopper</b>')).to_be_visible()  # shown literally, never as markup

    b_shop.evaluate('window.sameDocument = true')
    expect(card(b_shop, product).locator('.product-stock')).to_have_text('sold out')
    expect(card(b_shop, product).get_by_role('button', name='Add to cart')).to_be_disabled()
    expect(b_product.locator('.variant-stock')).to_have_text('sold out')
    expect(b_product.locator('.q-drawer').get_by_text('sold out')).to_be_visible()
    assert b_shop.evaluate('window.sameDocument') is True, 'no reload'

    b_product.goto(f'{shop_server.url}/checkout')
    check_out(b_product, name='Bea Shopper')
    expect(b_product.get_by_text('Not enough stock for one item; nothing was ordered')).to_be_visible()
    expect(b_product.get_by_text('Last Copper Kettle (Standard): 1 wanted, none left')).to_be_visible()
    expect(b_product).to_have_url(re.compile(r'/checkout$'))
    with shop_server.admin() as admin:
        orders = admin.get('/api/admin/orders').json()
    assert [order['customer']['name'] for order in orders['items']] == ['Ada <b>Shopper</b>']


def test_the_open_cart_notes_a_price_change_and_a_disabled_product_at_once(page: Page, shop_server: AppServer) -> None:
    """The price changes as another program writes it (the admin API has no price route); the shop hears of it
    through the change log like any write."""
    product = last_unit(shop_server, 'Changing Teapot', stock=3)
    page.goto(f'{shop_server.url}/?q=changing+teapot')
    expect(card(page, product)).to_be_visible()  # this process has heard of the new product (the shop is live)
    page.goto(f'{shop_server.url}/product/{product["slug"]}')
    page.get_by_role('button', name='Add to cart').click()
    page.locator('.q-header').get_by_role('button').click()
    drawer = page.locator('.q-drawer')
    expect(drawer.get_by_text('Total €10.00')).to_be_visible()
    quantity = drawer.get_by_label('Qty')
    quantity.fill('2')
    expect(drawer.get_by_text('Total €20.00')).to_be_visible()
    expect(quantity).to_be_focused()  # the line updated in place: the input the shopper typed in stays
    engine = create_engine(shop_server.env['STOREFRONT_DATABASE_URL'])
    try:
        with engine.begin() as connection:
            connection.execute(
                text('UPDATE variant SET price = 800 WHERE id = :id'), {'id': product['variants'][0]['id']}
            )
    finally:
        engine.dispose()
    expect(drawer.get_by_text('price changed from €10.00 to €8.00')).to_be_visible()
    expect(drawer.get_by_text('Total €16.00')).to_be_visible()
    with shop_server.admin() as admin:
        current = admin.get(f'/api/products/{product["id"]}').json()
        admin.patch(f'/api/admin/products/{product["id"]}', json={'version': current['version'], 'enabled': False})
    expect(drawer.get_by_text('no longer available')).to_be_visible()
    expect(page.get_by_text('This product is no longer available.')).to_be_visible()


def test_the_admin_sees_markup_literally_and_cancels_the_order(page: Page, server_factory: ServerFactory) -> None:
    shop_server = server_factory({'STOREFRONT_DEMO_PRODUCTS': '5', 'STOREFRONT_ADMIN_PASSWORD': PASSWORD})
    product = last_unit(shop_server, 'Markup Mug', stock=2)
    name, address = '<img src=x onerror=alert(1)>', '<b>1 Road</b>\n<script>alert(2)</script>'
    with shop_server.client() as client:
        body = checkout_body((product['variants'][0]['id'], 1), name=name, address=address)
        order = client.post('/api/checkout', json=body).json()
    page.on('dialog', lambda dialog: pytest.fail(f'a dialog opened: {dialog.message}'))
    sign_in(page, shop_server)
    page.goto(f'{shop_server.url}/admin/orders')
    expect(page.get_by_role('cell', name=name)).to_be_visible()
    with shop_server.client() as client:
        client.post('/api/checkout', json=checkout_body((product['variants'][0]['id'], 1), name='Second Shopper'))
    expect(page.get_by_role('cell', name='Second Shopper')).to_be_visible()  # the list is live
    page.get_by_role('link', name=order['number']).click()
    expect(page.get_by_text(name, exact=True)).to_be_visible()
    expect(page.get_by_text('<b>1 Road</b>')).to_be_visible()
    page.get_by_role('button', name='Cancel order').click()
    expect(page.get_by_text(re.compile(r'^Cancelled · placed'))).to_be_visible()
    with shop_server.client() as client:
        assert client.get(f'/api/products/{product["id"]}').json()['variants'][0]['stock_on_hand'] == 1


def test_checkout_says_what_is_wrong_next_to_each_field(page: Page, shop_server: AppServer) -> None:
    page.goto(f'{shop_server.url}/checkout')
    page.get_by_label('E-mail').fill('not an address')
    page.get_by_role('button', name='Place order').click()
    expect(page.get_by_text('Enter an e-mail address like name@example.com')).to_be_visible()
    expect(page.get_by_text('Required')).to_have_count(2)  # name and address
    expect(page.get_by_text('Your cart is empty.')).to_be_visible()  # in the drawer; nothing was sent


def check_out(page: Page, *, name: str) -> None:
    page.get_by_label('Name').fill(name)
    page.get_by_label('E-mail').fill('shopper@example.com')
    page.get_by_label('Shipping address').fill('1 Market Street\nSpringfield')
    page.get_by_role('button', name='Place order').click()


def last_unit(server: AppServer, name: str, *, stock: int = 1) -> dict[str, Any]:
    body = product_body('kitchen', name=name)
    body['variants'][0]['stock_on_hand'] = stock
    with server.admin() as admin:
        response = admin.post('/api/admin/products', json=body)
    response.raise_for_status()
    return dict(response.json())


def card(page: Page, product: dict[str, Any]) -> Any:
    return page.locator(f'[data-product-id="{product["id"]}"]')
