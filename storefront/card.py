"""A product card that updates in place: a change sets the texts and badge of its existing elements."""

from nicegui import ui

from models.tables import ProductPublic

LOW_STOCK = 5


class ProductCard(ui.card):
    def __init__(self, product: ProductPublic) -> None:
        super().__init__()
        self.classes('product-card w-64 gap-1').props(f'data-product-id={product.id}')
        with self:
            self._name = ui.link(product.name, product_url(product)).classes('font-semibold text-lg')
            self._category = ui.label(product.category_name).classes('text-sm text-grey-7')
            with ui.row().classes('w-full items-center justify-between'):
                self._price = ui.label(price_text(product)).classes('product-price')
                text, color = stock_badge(product.stock)
                self._stock = ui.badge(text, color=color).classes('product-stock')
        self.product = product

    def show(self, product: ProductPublic) -> bool:
        """Shows `product` if it differs from what the card shows, with a short highlight; True if it did."""
        if product == self.product:
            return False
        self._name.set_text(product.name)
        if product.slug != self.product.slug:
            self._name.props(f'href={product_url(product)}')
        self._category.set_text(product.category_name)
        self._price.set_text(price_text(product))
        text, color = stock_badge(product.stock)
        self._stock.set_text(text)
        if color != stock_badge(self.product.stock)[1]:
            self._stock.props(f'color={color}')
        self.product = product
        self.flash()
        return True

    def flash(self) -> None:
        """Restarts the highlight animation: switching between two classes with the same keyframes restarts it."""
        if 'flash-a' in self.classes:
            self.classes(remove='flash-a', add='flash-b')
        else:
            self.classes(remove='flash-b', add='flash-a')


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
