"""The shopper's cart: kept per browser in `app.storage.user` (so it survives reloads), shown live in a drawer.

The cart holds ids, quantities and the price each line was added at, nothing else: what a line shows comes from
the read cache at every render, so a price change, stock falling below the quantity, or a product disabled or
deleted shows on the line as soon as the live bridge hears of it, with a note saying what happened.
Cards and product pages add to it from the browser (`emitEvent('cart_add', …)`), so they need no handle on it.
"""

from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from nicegui import app, ui
from nicegui.events import GenericEventArguments

from models.order_tables import QUANTITY_MAX
from models.tables import ProductPublic, VariantPublic
from storefront.cache import Catalog
from storefront.card import money
from storefront.live import Update

KEY = 'cart'
ADD_PRODUCT = 'cart_add'  # from a card: the product's first variant in stock
ADD_VARIANT = 'cart_add_variant'  # from the product page: the variant chosen


@dataclass(frozen=True)
class Line:
    """A cart line as the catalog has it now."""

    variant_id: int
    quantity: int
    added_price: int
    product: ProductPublic | None
    variant: VariantPublic | None

    @property
    def shortfall(self) -> str | None:
        """Why the line cannot be ordered as it is, or None."""
        if self.product is None or self.variant is None or not self.product.enabled:
            return 'no longer available'
        stock = self.variant.stock_on_hand
        if stock <= 0:
            return 'sold out'
        return f'only {stock} left' if stock < self.quantity else None

    @property
    def available(self) -> bool:
        return self.shortfall is None

    @property
    def total(self) -> int:
        return self.variant.price * self.quantity if self.variant else 0

    @property
    def note(self) -> str | None:
        """What the shopper should know about the line: why it cannot be had, or that its price changed."""
        if self.shortfall or self.variant is None:
            return self.shortfall
        if self.variant.price != self.added_price:
            return f'price changed from {money(self.added_price)} to {money(self.variant.price)}'
        return None


class Cart:
    """One browser's cart in its user storage: variant id → product id, quantity and the price when added.

    Holds the storage itself, not `app.storage.user`, which only resolves inside a request or event of the page:
    live updates reach the cart from the bus."""

    def __init__(self, storage: MutableMapping[str, Any]) -> None:
        self.storage = storage

    @property
    def entries(self) -> dict[str, dict[str, int]]:
        entries: dict[str, dict[str, int]] = self.storage.get(KEY, {})
        return entries

    @property
    def products(self) -> set[int]:
        return {entry['product'] for entry in self.entries.values()}

    @property
    def count(self) -> int:
        return sum(entry['quantity'] for entry in self.entries.values())

    def lines(self, catalog: Catalog) -> list[Line]:
        found = []
        for variant_id, entry in self.entries.items():
            product = catalog.get(entry['product'])
            variant = next((v for v in product.variants if v.id == int(variant_id)), None) if product else None
            found.append(Line(int(variant_id), entry['quantity'], entry['price'], product, variant))
        return found

    def add(self, product: ProductPublic, variant: VariantPublic) -> None:
        entries = self.entries
        quantity = entries.get(str(variant.id), {}).get('quantity', 0) + 1
        entries[str(variant.id)] = {
            'product': product.id,
            'quantity': min(quantity, QUANTITY_MAX),
            'price': variant.price,
        }
        self.storage[KEY] = entries  # assigned, not changed in place, so the storage knows to write it

    def set_quantity(self, variant_id: int, quantity: int) -> None:
        entries = self.entries
        if quantity <= 0:
            entries.pop(str(variant_id), None)
        elif str(variant_id) in entries:
            entries[str(variant_id)]['quantity'] = min(quantity, QUANTITY_MAX)
        self.storage[KEY] = entries

    def empty(self) -> None:
        self.storage[KEY] = {}


class CartDrawer:
    """The cart in a right drawer of one page, and the header button that opens it with the item count."""

    def __init__(self, catalog: Catalog, current: Callable[[], Awaitable[Catalog]], header: ui.header) -> None:
        self.catalog = catalog
        self._current = current  # the catalog now, for adds that come between updates
        self._shown: tuple[Any, ...] | None = None
        self.cart = Cart(app.storage.user)
        self.drawer = (
            ui.right_drawer(value=False).props('width=360 bordered data-testid=cart').classes('bg-grey-1').mark('cart')
        )
        with self.drawer:
            ui.label('Your cart').classes('text-xl font-semibold')
            self.body = ui.column().classes('w-full gap-3')
        self._rebuild([])
        with header:
            self.count = ui.button(on_click=self.drawer.toggle, icon='shopping_cart').props(
                'flat color=white data-testid=cart-button'
            )
            self.count.mark('cart-button')
        self.render()
        ui.on(ADD_PRODUCT, self._add_product)
        ui.on(ADD_VARIANT, self._add_variant)
        ui.context.client.on_connect(self.resync)  # after a drop, what changed meanwhile (the first connect too)

    async def resync(self) -> None:
        self.catalog = await self._current()
        self.render()

    def on_update(self, update: Update) -> None:
        self.catalog = update.catalog
        if update.is_global or not update.affected.isdisjoint(self.cart.products):
            self.render()

    def render(self) -> None:
        """Brings the drawer to the cart as the catalog has it: each line updated in place (a quantity being typed
        keeps its input and focus), the list rebuilt only when lines come or go."""
        current = self.cart.lines(self.catalog)
        shown = tuple((line, line.note) for line in current)
        if shown == self._shown:
            return
        self._shown = shown
        if [line.variant_id for line in current] != list(self.lines):
            self._rebuild(current)
        for line in current:
            self.lines[line.variant_id].show(line)
        total = sum(line.total for line in current if line.available)
        self.total.set_text(f'Total {money(total)}')
        self.empty.set_visibility(not current)
        self.summary.set_visibility(bool(current))
        self._show_count()

    def _rebuild(self, current: list[Line]) -> None:
        """The drawer's elements for these lines (their texts are `render`'s)."""
        self.body.clear()
        with self.body:
            self.empty = ui.label('Your cart is empty.').classes('text-grey-7').mark('cart-empty')
            self.lines = {line.variant_id: LineView(line.variant_id, self._quantity_changed) for line in current}
            with ui.column().classes('w-full gap-2') as self.summary:
                self.total = ui.label().classes('text-lg font-semibold').props('data-testid=cart-total')
                self.total.mark('cart-total')
                checkout = ui.button('Checkout', on_click=lambda: ui.navigate.to('/checkout'))
                checkout.props('data-testid=checkout').mark('checkout')

    def _show_count(self) -> None:
        self.count.set_text(str(self.cart.count))

    def _quantity_changed(self, variant_id: int, quantity: int) -> None:
        self.cart.set_quantity(variant_id, quantity)
        self.render()

    async def _add_product(self, event: GenericEventArguments) -> None:
        product = (await self._current()).get(int(event.args))
        variant = next((v for v in product.variants if v.stock_on_hand > 0), None) if product else None
        self._added(product, variant)

    async def _add_variant(self, event: GenericEventArguments) -> None:
        variant_id = int(event.args)
        for product in (await self._current()).values():
            if variant := next((v for v in product.variants if v.id == variant_id), None):
                self._added(product, variant)
                return

    def _added(self, product: ProductPublic | None, variant: VariantPublic | None) -> None:
        if product is None or variant is None or not product.enabled or variant.stock_on_hand <= 0:
            ui.notify('Sorry, that is no longer available.', type='warning')
            return
        self.cart.add(product, variant)
        self.render()
        ui.notify(f'Added {product.name} ({variant.name}) to the cart.', type='positive')


class LineView:
    """One line of the drawer: its texts and quantity change in place."""

    def __init__(self, variant_id: int, quantity_changed: Callable[[int, int], None]) -> None:
        card = ui.card().classes('w-full gap-1 p-2').props(f'data-variant-id={variant_id} data-testid=cart-line')
        with card.mark('cart-line'):
            self.name = ui.label().classes('font-medium')
            with ui.row().classes('w-full items-center justify-between'):
                self.quantity = ui.number(
                    'Qty',
                    min=0,
                    max=QUANTITY_MAX,
                    step=1,
                    precision=0,
                    on_change=lambda e: quantity_changed(variant_id, int(e.value or 0)),
                ).props('dense debounce=400 data-testid=cart-quantity')
                self.quantity.classes('w-20')
                self.total = ui.label().props('data-testid=cart-line-total').mark('cart-line-total')
            self.note = ui.label().classes('text-sm').props('data-testid=cart-note').mark('cart-note')

    def show(self, line: Line) -> None:
        self.name.set_text(
            f'{line.product.name} ({line.variant.name})' if line.product and line.variant else 'Removed product'
        )
        if self.quantity.value != line.quantity:
            self.quantity.set_value(line.quantity)
        self.total.set_text(money(line.total) if line.available else '—')
        self.note.set_text(line.note or '')
        self.note.set_visibility(line.note is not None)
        self.note.classes(replace=f'text-sm {"text-warning" if line.available else "text-negative"}')
