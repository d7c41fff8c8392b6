"""A product card that updates in place: a change sets the props of its one element, which then highlights itself.

The card is a single element with a Vue component of its own (`product_card.js`) rather than six NiceGUI
elements: every open page holds its cards on the server, and each NiceGUI element costs about 4 KB and some
thirty objects the garbage collector walks. With 24 cards per page that was most of a shopper's memory.
"""

from pathlib import Path

from nicegui import ui

from models.tables import ProductPublic

LOW_STOCK = 5


class ProductCard(ui.element, component=Path(__file__).with_name('product_card.js')):
    def __init__(self, product: ProductPublic) -> None:
        super().__init__()
        self.classes('product-card w-64')
        self._props['data-product-id'] = product.id
        self._props['data-testid'] = 'product-card'  # testers' selectors: README, 'Testing your storefront'
        self._props.update(shown(product))
        self.product = product

    def show(self, product: ProductPublic) -> bool:
        """Shows `product` if it differs from what the card shows (the card highlights itself); True if it did.

        Every open page calls this for each card it shows on every change, so the common case comes first: the
        read cache keeps the same object for a product that did not change.
        """
        if product is self.product or product == self.product:
            return False
        self._props.update(shown(product))
        self.product = product
        return True


def shown(product: ProductPublic) -> dict[str, str | bool]:
    """The card's props: every text it shows (escaped by Vue), the badge colour, and whether it can be added to
    the cart (its button asks the page's cart, in the browser, to add the first variant in stock)."""
    stock, color = stock_badge(product.stock)
    return {
        'name': product.name,
        'href': product_url(product),
        'category': product.category_name,
        'price': price_text(product),
        'stock': stock,
        'color': color,
        'can_add': product.stock > 0,
    }


def product_url(product: ProductPublic) -> str:
    return f'/product/{product.slug}'


def money(cents: int) -> str:
    """Integer cents as euros, without a detour through floats: 129900 → "€1,299.00"."""
    return f'€{cents // 100:,}.{cents % 100:02d}'


def price_text(product: ProductPublic) -> str:
    low, high = product.price_from, product.price_to
    if low is None or high is None:
        return 'no price yet'
    return money(low) if low == high else f'{money(low)} \u2013 {money(high)}'


def stock_badge(stock: int) -> tuple[str, str]:
    """The badge's text and colour for a stock level."""
    if stock <= 0:
        return 'sold out', 'negative'
    if stock <= LOW_STOCK:
        return f'only {stock} left', 'warning'
    return 'in stock', 'positive'
