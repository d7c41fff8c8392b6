"""The shop in Chromium through the `storefront_testing` plugin, as a tester of their own shop would use it."""

from playwright.sync_api import Page, expect

from testkit.pages import TESTIDS, card, expect_card
from testkit.storefront import Storefront

SHOWN_TESTIDS = '[...document.querySelectorAll("[data-testid]")].map(element => element.dataset.testid)'


def test_shop_page_lists_seeded_products(page: Page, storefront: Storefront) -> None:
    page.goto('/')
    expect(page.get_by_test_id('product-card')).to_have_count(24)
    expect(page.get_by_test_id('result-count')).to_have_text('30 products')


def test_an_open_card_shows_stock_and_price_changes_without_a_reload(page: Page, storefront: Storefront) -> None:
    product = storefront.admin.create_product('Smoke Kettle', category='kitchen', price=1_000, stock=2)
    page.goto('/?q=smoke+kettle')
    expect_card(page, product, price='€10.00', stock='only 2 left')
    page.evaluate('window.sameDocument = true')

    storefront.admin.sell_out(product)
    expect_card(page, product, stock='sold out')
    expect(card(page, product).get_by_test_id('add-to-cart')).to_be_disabled()
    storefront.admin.set_price(product.variants[0].id, 850)
    expect_card(page, product, price='€8.50')
    assert page.evaluate('window.sameDocument') is True, 'no reload'


def test_every_listed_testid_is_on_the_pages(page: Page, storefront: Storefront) -> None:
    """The selectors testers are promised (README, "Testing your storefront"): the shop, the cart with a note,
    the product page, checkout and the order page together show every one of them."""
    product = storefront.admin.create_product('Testid Teapot', category='kitchen', price=1_000, stock=9)
    page.goto('/?q=testid+teapot')
    card(page, product).get_by_test_id('add-to-cart').click()
    page.get_by_test_id('cart-button').click()
    expect(page.get_by_test_id('cart-line')).to_have_count(1)
    storefront.admin.set_price(product.variants[0].id, 900)
    expect(page.get_by_test_id('cart-note')).to_have_text('price changed from €10.00 to €9.00')
    seen = set(page.evaluate(SHOWN_TESTIDS))

    page.goto(f'/product/{product.slug}')
    expect(page.get_by_test_id('variant')).to_have_count(1)
    seen |= set(page.evaluate(SHOWN_TESTIDS))

    page.get_by_test_id('cart-button').click()
    page.get_by_test_id('checkout').click()
    page.get_by_test_id('checkout-name').fill('Tess Tester')
    page.get_by_test_id('checkout-email').fill('tess@example.com')
    page.get_by_test_id('checkout-address').fill('1 Selector Street')
    seen |= set(page.evaluate(SHOWN_TESTIDS))
    page.get_by_test_id('place-order').click()
    expect(page.get_by_test_id('order-total')).to_have_text('Total €9.00')
    seen |= set(page.evaluate(SHOWN_TESTIDS))

    assert set(TESTIDS) - seen == set(), 'promised but not shown'
    assert seen - set(TESTIDS) == set(), 'shown but not listed in testkit.pages.TESTIDS and the README'
