"""Written as a tester of their own shop would: no conftest, only the plugin's fixtures and selectors."""

from playwright.sync_api import Page, expect

from testkit.pages import card, expect_card
from testkit.storefront import Storefront


def test_the_card_turns_sold_out_when_the_stock_runs_out(page: Page, storefront: Storefront) -> None:
    kettle = storefront.admin.product_named('Copper Kettle')
    page.goto('/')
    expect(page.get_by_test_id('result-count')).to_have_text('3 products')
    expect_card(page, kettle, price='€39.99 \u2013 €49.99', stock='only 4 left')

    storefront.admin.sell_out(kettle)

    expect_card(page, kettle, stock='sold out')  # the open page updates itself: no reload
    expect(card(page, kettle).get_by_test_id('add-to-cart')).to_be_disabled()


def test_each_test_starts_from_the_catalog_file(page: Page, storefront: Storefront) -> None:
    kettle = storefront.admin.product_named('Copper Kettle')
    assert kettle.stock == 4  # the previous test sold it out; the storefront was reset since
    page.goto('/?q=kettle')
    expect_card(page, kettle, stock='only 4 left')
