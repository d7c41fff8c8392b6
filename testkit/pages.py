"""The shop's stable selectors (`data-testid`) and Playwright helpers for waiting until a change shows.

The ids below are kept across releases: the README lists them ("Testing your storefront") and
`tests/e2e/test_smoke.py` renders every page and checks each one is there.
"""

import re

from playwright.sync_api import Locator, Page, expect

from models.tables import ProductPublic

TESTIDS = {
    'product-card': 'shop: one product card (also carries `data-product-id`)',
    'product-name': "shop: the card's name, a link to the product page",
    'product-price': "shop: the card's price, e.g. `€12.50` or a range `€9.99 \u2013 €14.99`",
    'product-stock': "shop: the card's stock badge: `in stock`, `only 3 left`, `sold out`",
    'add-to-cart': "shop: the card's Add to cart button (disabled when sold out)",
    'search': 'shop: the search box',
    'filter-category': 'shop: the category select',
    'filter-min-price': 'shop: the minimum price in euros',
    'filter-max-price': 'shop: the maximum price in euros',
    'filter-in-stock': 'shop: the In stock only switch',
    'sort': 'shop: the sort select',
    'result-count': 'shop: `30 products`',
    'product-title': "product page: the product's name",
    'product-page-price': "product page: the product's price",
    'variant': 'product page: one variant row (also carries `data-variant-id`)',
    'variant-price': "product page: a variant's price",
    'variant-stock': "product page: a variant's stock badge: `12 in stock`, `only 3 left`, `sold out`",
    'add-variant': "product page: a variant's Add to cart button",
    'cart-button': 'every page: the header button that opens the cart, showing the item count',
    'cart': 'every page: the cart drawer',
    'cart-line': 'cart: one line (also carries `data-variant-id`)',
    'cart-quantity': "cart: a line's quantity",
    'cart-line-total': "cart: a line's total",
    'cart-note': 'cart: why a line changed: `sold out`, `only 2 left`, `price changed from … to …`',
    'cart-total': 'cart: `Total €…`',
    'checkout': 'cart: the Checkout button',
    'checkout-name': 'checkout: the name field',
    'checkout-email': 'checkout: the e-mail field',
    'checkout-address': 'checkout: the shipping address',
    'place-order': 'checkout: the Place order button',
    'checkout-refusal': 'checkout: why the order was refused, line by line',
    'order-number': 'order page: `Order ABCD-EFGH-JKLM`',
    'order-total': 'order page: `Total €…`',
}
WAIT_SECONDS = 10


def card(page: Page, product: ProductPublic | int) -> Locator:
    """The shop card of `product` (a product or its id) on an open shop page."""
    product_id = product if isinstance(product, int) else product.id
    return page.locator(f'[data-testid="product-card"][data-product-id="{product_id}"]')


def expect_card(
    page: Page,
    product: ProductPublic | int,
    *,
    name: str | re.Pattern[str] | None = None,
    price: str | re.Pattern[str] | None = None,
    stock: str | re.Pattern[str] | None = None,
    timeout: float = WAIT_SECONDS,
) -> None:
    """Waits until the open page's card of `product` shows what is given (the page updates live, no reload)."""
    found = card(page, product)
    expect(found).to_be_visible(timeout=timeout * 1000)
    for testid, text in (('product-name', name), ('product-price', price), ('product-stock', stock)):
        if text is not None:
            expect(found.get_by_test_id(testid)).to_have_text(text, timeout=timeout * 1000)
