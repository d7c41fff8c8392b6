from playwright.sync_api import Page, expect

from tests.servers import AppServer


def test_shop_page_lists_seeded_products(page: Page, shop_server: AppServer) -> None:
    page.goto(shop_server.url)
    expect(page.locator('[data-product-id]').first).to_be_visible()
    expect(page.locator('[data-product-id]')).to_have_count(24)
    expect(page.get_by_text('30 products')).to_be_visible()
