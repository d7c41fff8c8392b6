"""The live shop page in a real Chromium against `python app.py`: admin API writes reach open pages in place."""

import re
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.servers import AppServer

CARDS = '[data-product-id]'
MARK_CARDS = 'document.querySelectorAll("[data-product-id]").forEach(card => { card.kept = true; })'
UNMARKED_CARDS = '[...document.querySelectorAll("[data-product-id]")].filter(c => !c.kept).map(c => c.id)'
WATCH_MUTATIONS = """
window.touched = new Set();
new MutationObserver(mutations => mutations.forEach(m => {
  const node = m.target.nodeType === Node.ELEMENT_NODE ? m.target : m.target.parentElement;
  const card = node.closest('[data-product-id]');
  window.touched.add(card ? card.dataset.productId : 'grid');
})).observe(document.querySelector('.product-grid'), {subtree: true, childList: true, characterData: true,
                                                       attributes: true});
"""


def test_admin_write_updates_only_that_card_and_keeps_the_search_box(page: Page, shop_server: AppServer) -> None:
    admin = shop_server.admin()
    target = listing(shop_server, sort='name')[2]
    word = target['name'].split()[0]
    page.goto(shop_server.url)
    search = page.get_by_label('Search')
    search.fill(word)
    expect(page).to_have_url(re.compile(rf'q={word}'))
    expect(card(page, target['id'])).to_be_visible()
    page.evaluate(MARK_CARDS)

    patch_product(admin, target, name=f'{target["name"]} Deluxe')
    expect(card(page, target['id'])).to_contain_text(f'{target["name"]} Deluxe')
    set_stock(admin, target, [3] + [0] * (len(target['variants']) - 1))
    expect(card(page, target['id'])).to_contain_text('only 3 left')
    set_stock(admin, target, [0] * len(target['variants']))
    expect(card(page, target['id'])).to_contain_text('sold out')

    expect(search).to_have_value(word)
    expect(search).to_be_focused()
    assert page.evaluate(UNMARKED_CARDS) == []  # every card, the changed one too, is the same DOM node


def test_cards_enter_leave_and_move_with_the_filter(page: Page, shop_server: AppServer) -> None:
    admin = shop_server.admin()
    in_stock = total(shop_server, in_stock=1)
    page.goto(f'{shop_server.url}/?in_stock=1')
    expect(page.get_by_text(f'{in_stock} products')).to_be_visible()
    gone = listing(shop_server, in_stock=1)[0]
    set_stock(admin, gone, [0] * len(gone['variants']))
    expect(card(page, gone['id'])).to_have_count(0)
    expect(page.get_by_text(f'{in_stock - 1} products')).to_be_visible()

    page.goto(f'{shop_server.url}/?q=zebra')
    expect(page.get_by_text('0 products')).to_be_visible()
    mug = create_product(admin, 'Zebra Mug')
    expect(card(page, mug['id'])).to_be_visible()
    bowl = create_product(admin, 'Zebra Bowl')
    expect(page.locator(CARDS).first).to_have_attribute('data-product-id', str(bowl['id']))  # sort by name
    expect(page.get_by_text('2 products')).to_be_visible()
    page.evaluate(MARK_CARDS)

    patch_product(admin, bowl, name='Zebra Zither')
    expect(page.locator(CARDS).last).to_have_attribute('data-product-id', str(bowl['id']))
    expect(card(page, bowl['id'])).to_contain_text('Zebra Zither')
    assert page.evaluate(UNMARKED_CARDS) == []  # moved, not rebuilt
    assert admin.delete(f'/api/admin/products/{mug["id"]}').status_code == 204
    expect(card(page, mug['id'])).to_have_count(0)
    expect(page.get_by_text('1 product', exact=True)).to_be_visible()


def test_two_pages_with_different_filters_each_get_their_own_changes(page: Page, shop_server: AppServer) -> None:
    admin = shop_server.admin()
    coffee, tea = listing(shop_server, category='coffee'), listing(shop_server, category='tea')
    other = page.context.new_page()
    page.goto(f'{shop_server.url}/?category=coffee')
    other.goto(f'{shop_server.url}/?category=tea')
    for shop, products in ((page, coffee), (other, tea)):
        expect(shop.locator(CARDS)).to_have_count(len(products))
        shop.evaluate(MARK_CARDS)
        shop.evaluate(WATCH_MUTATIONS)

    admin.post('/api/admin/global-update').raise_for_status()  # everyone recomputes; nothing changed, nothing moves
    patch_product(admin, coffee[0], name='Coffee One')
    expect(card(page, coffee[0]['id'])).to_contain_text('Coffee One')
    patch_product(admin, tea[0], name='Tea One')
    expect(card(other, tea[0]['id'])).to_contain_text('Tea One')
    patch_product(admin, coffee[1], name=f'{coffee[1]["name"]} Two')  # the coffee page now also had its chance
    expect(card(page, coffee[1]['id'])).to_contain_text('Two')

    assert touched(page) <= {str(coffee[0]['id']), str(coffee[1]['id']), 'grid'}
    assert touched(other) <= {str(tea[0]['id']), 'grid'}
    assert str(tea[0]['id']) in touched(other)
    for shop in (page, other):
        assert shop.evaluate(UNMARKED_CARDS) == []


def test_url_with_filters_reproduces_the_view(page: Page, shop_server: AppServer) -> None:
    page.goto(shop_server.url)
    page.get_by_label('Category').click()
    page.get_by_role('option', name='Coffee').click()
    expect(page).to_have_url(re.compile(r'category=coffee'))
    page.get_by_text('In stock only').click()
    expect(page).to_have_url(re.compile(r'in_stock=1'))
    first_view = shown_ids(page, listing(shop_server, category='coffee', in_stock=1))
    page.get_by_label('Sort').click()
    page.get_by_role('option', name='Price: high to low').click()
    expect(page).to_have_url(re.compile(r'sort=-price'))
    second_view = shown_ids(page, listing(shop_server, category='coffee', in_stock=1, sort='-price'))
    assert first_view != second_view

    page.reload()
    assert shown_ids(page, listing(shop_server, category='coffee', in_stock=1, sort='-price')) == second_view
    page.go_back()
    expect(page).not_to_have_url(re.compile(r'sort='))
    assert shown_ids(page, listing(shop_server, category='coffee', in_stock=1)) == first_view


def test_product_page_is_live_and_survives_deletion(page: Page, shop_server: AppServer) -> None:
    admin = shop_server.admin()
    product = listing(shop_server)[0]
    variant = product['variants'][0]
    page.goto(f'{shop_server.url}/product/{product["slug"]}')
    expect(page.get_by_text(product['name']).first).to_be_visible()
    patch_product(admin, product, name='Renamed While Watching')
    expect(page.get_by_text('Renamed While Watching')).to_be_visible()
    set_stock(admin, product, [2] + [None] * (len(product['variants']) - 1))
    expect(page.locator(f'[data-variant-id="{variant["id"]}"]')).to_contain_text('only 2 left')
    assert admin.delete(f'/api/admin/products/{product["id"]}').status_code == 204
    expect(page.get_by_text('This product is no longer available.')).to_be_visible()
    expect(page.get_by_text('Renamed While Watching')).to_be_hidden()


def test_connection_banner_and_catch_up_without_reload(page: Page, shop_server: AppServer) -> None:
    target = listing(shop_server)[0]
    page.goto(shop_server.url)
    expect(card(page, target['id'])).to_be_visible()
    page.evaluate('window.sameDocument = true')
    page.wait_for_function('window.bannerWatchesSocket === true')  # the watcher is installed once connected
    page.evaluate(
        'const io = window.socket.io; io.reconnectionDelay(2000); io.reconnectionDelayMax(2000);'
        'io.randomizationFactor(0); io.engine.close()'
    )
    expect(page.locator('#connection-banner')).to_be_visible()
    patch_product(shop_server.admin(), target, name='Changed While Offline')
    expect(card(page, target['id'])).to_contain_text('Changed While Offline')
    expect(page.locator('#connection-banner')).to_be_hidden()
    assert page.evaluate('window.sameDocument') is True


def listing(server: AppServer, **params: Any) -> list[dict[str, Any]]:
    response = server.client().get('/api/products', params=params)
    response.raise_for_status()
    return list(response.json()['items'])


def total(server: AppServer, **params: Any) -> int:
    response = server.client().get('/api/products', params=params)
    response.raise_for_status()
    return int(response.json()['total'])


def card(page: Page, product_id: int) -> Any:
    return page.locator(f'[data-product-id="{product_id}"]')


def shown_ids(page: Page, expected: list[dict[str, Any]]) -> list[str]:
    """Waits until the page shows the cards of `expected` (the JSON API's answer), then returns their ids."""
    ids = [str(product['id']) for product in expected]
    cards = page.locator(CARDS)
    expect(cards).to_have_count(len(ids))
    for index, product_id in enumerate(ids):
        expect(cards.nth(index)).to_have_attribute('data-product-id', product_id)
    return ids


def touched(page: Page) -> set[str]:
    return set(page.evaluate('[...window.touched]'))


def patch_product(admin: httpx.Client, product: dict[str, Any], **changes: Any) -> dict[str, Any]:
    current = admin.get(f'/api/products/{product["id"]}').json()  # the public API gives the current version
    response = admin.patch(f'/api/admin/products/{product["id"]}', json={'version': current['version'], **changes})
    response.raise_for_status()
    return dict(response.json())


def set_stock(admin: httpx.Client, product: dict[str, Any], levels: list[int | None]) -> None:
    for variant, level in zip(product['variants'], levels, strict=True):
        if level is not None:
            response = admin.post(f'/api/admin/variants/{variant["id"]}/stock', json={'set': level, 'reason': 'test'})
            response.raise_for_status()


def create_product(admin: httpx.Client, name: str) -> dict[str, Any]:
    variant = {'sku': name.upper().replace(' ', '-'), 'name': 'One size', 'price': 1299, 'stock_on_hand': 4}
    response = admin.post('/api/admin/products', json={'name': name, 'category': 'coffee', 'variants': [variant]})
    response.raise_for_status()
    return dict(response.json())
