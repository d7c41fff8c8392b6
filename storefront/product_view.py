"""The live product page's body: variants with price and stock, or a clear "no longer available" state."""

from collections.abc import Iterable

from nicegui import ui

from models.tables import ProductPublic, VariantPublic
from storefront.cache import Catalog
from storefront.card import LOW_STOCK, money, price_text, product_url, stock_badge
from storefront.cart import ADD_VARIANT
from storefront.live import Update


class ProductView:
    def __init__(self, slug: str, product: ProductPublic | None) -> None:
        self.slug = slug  # what the page was opened for, until a product with it exists
        self.product_id = product.id if product else None
        self.product: ProductPublic | None = None
        self.rows: dict[int, VariantRow] = {}
        self._rendered = False
        with ui.column().classes('w-full gap-2').mark('product') as self.details:
            self.name = ui.label().classes('text-3xl font-bold').props('data-testid=product-title').mark('product-name')
            self.category = ui.label().classes('text-grey-7')
            self.price = ui.label().classes('text-xl product-price').props('data-testid=product-page-price')
            self.description = ui.label().classes('whitespace-pre-line')
            ui.label('Variants').classes('text-lg font-semibold mt-4')
            self.variants = ui.column().classes('w-full gap-1').mark('variants')
        with ui.column().classes('items-start').mark('gone') as self.gone:
            ui.label('This product is no longer available.').classes('text-2xl font-semibold')
            ui.link('Back to the shop', '/')
        self.show(product)

    def on_update(self, update: Update) -> None:
        if self.product_id is None:
            candidates = update.catalog.values() if update.is_global else map(update.catalog.get, update.affected)
            self.product_id = self._id_with_slug(candidates)
        if self.product_id is None or not (update.is_global or self.product_id in update.affected):
            return
        if self.show(update.catalog.get(self.product_id)):
            update.record({self.product_id})

    def catch_up(self, catalog: Catalog) -> None:
        """Shows what `catalog` holds for this page, e.g. after a reconnect."""
        if self.product_id is None:
            self.product_id = self._id_with_slug(catalog.values())
        self.show(catalog.get(self.product_id) if self.product_id is not None else None)

    def _id_with_slug(self, products: Iterable[ProductPublic | None]) -> int | None:
        """A page opened before its product existed (or before this process heard of it) shows it once it does."""
        return next((product.id for product in products if product is not None and product.slug == self.slug), None)

    def show(self, product: ProductPublic | None) -> bool:
        """Shows `product` in place (or the unavailable state); True if anything on the page changed."""
        available = product if product is not None and product.enabled else None
        if self._rendered and available == self.product:
            return False
        self._rendered = True
        was_shown, self.product = self.product, available
        self.details.set_visibility(available is not None)
        self.gone.set_visibility(available is None)
        if available is None:
            return True
        self.name.set_text(available.name)
        self.category.set_text(available.category_name)
        self.price.set_text(price_text(available))
        self.description.set_text(available.description)
        self._show_variants(available.variants)
        if was_shown is not None and was_shown.slug != available.slug:
            ui.navigate.history.replace(product_url(available))
        return True

    def _show_variants(self, variants: list[VariantPublic]) -> None:
        if [v.id for v in variants] != list(self.rows):
            self.variants.clear()
            with self.variants:
                self.rows = {variant.id: VariantRow(variant) for variant in variants}
        for variant in variants:
            self.rows[variant.id].show(variant)


class VariantRow(ui.row):
    def __init__(self, variant: VariantPublic) -> None:
        super().__init__()
        self.classes('w-full items-center gap-4 variant').props(f'data-variant-id={variant.id} data-testid=variant')
        with self:
            self._name = ui.label().classes('w-40 font-medium')
            self._sku = ui.label().classes('w-40 text-grey-7 text-sm')
            self._price = ui.label().classes('w-28 variant-price').props('data-testid=variant-price')
            self._stock = ui.badge().classes('variant-stock').props('data-testid=variant-stock')
            self._add = ui.button('Add to cart', icon='add_shopping_cart').props(
                'dense flat no-caps data-testid=add-variant'
            )
            # handled in the browser: the page's cart takes it (storefront/cart.py)
            self._add.classes('add-variant').on('click', js_handler=f'() => emitEvent("{ADD_VARIANT}", {variant.id})')
        self.variant: VariantPublic | None = None

    def show(self, variant: VariantPublic) -> None:
        if variant == self.variant:
            return
        self._name.set_text(variant.name)
        self._sku.set_text(variant.sku)
        self._price.set_text(money(variant.price))
        text, color = stock_badge(variant.stock_on_hand)
        self._stock.set_text(f'{variant.stock_on_hand} in stock' if variant.stock_on_hand > LOW_STOCK else text)
        self._stock.props(f'color={color}')
        self._add.set_enabled(variant.stock_on_hand > 0)
        self.variant = variant
