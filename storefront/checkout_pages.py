"""The checkout page `/checkout` and the shopper's order page `/order/{token}`, behind the link only they get.

Checkout validates each field by the model's own rule (`Customer`) and says what is wrong next to it. Placing
the order is `models.orders.place_order`, the same function as `POST /api/checkout`: all lines or none, and a
refusal names each line that falls short with what is left. Orders are placed unpaid: there is no payment step.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from nicegui import APIRouter, run, ui
from pydantic import ValidationError

from models.db import Database
from models.errors import Invalid, NotFound, OutOfStock, Shortfall, describe
from models.order_tables import CheckoutLine, Customer, OrderCreate, OrderPublic
from models.orders import order_by_token, place_order
from models.tables import valid_field
from server.services import Services
from storefront.card import money
from storefront.cart import CartDrawer
from storefront.connection import RECONNECT_SECONDS
from storefront.pages import frame

router = APIRouter()
T = TypeVar('T')
UNPAID = 'Orders are placed unpaid: this shop takes no payment yet.'


@router.page('/checkout', title='Checkout · Live Storefront', reconnect_timeout=RECONNECT_SECONDS)
async def checkout() -> None:
    services = Services.current()
    with frame(await services.catalog.products()) as cart:
        CheckoutForm(cart, services.db)


@router.page('/order/{token}', title='Your order · Live Storefront')
async def order(token: str) -> None:
    services = Services.current()
    try:
        found = await run.io_bound(in_session, services.db, order_by_token, token)
    except NotFound:
        found = None
    with frame(await services.catalog.products()):
        if found is None:
            ui.label('There is no order behind this link.').classes('text-2xl font-semibold').mark('no-order')
        else:
            order_view(found)


class CheckoutForm:
    def __init__(self, cart: CartDrawer, db: Database) -> None:
        self.cart = cart
        self.db = db
        cart.drawer.set_value(True)  # the lines to be ordered, live, beside the form
        ui.label('Checkout').classes('text-2xl font-semibold')
        ui.label(UNPAID).classes('text-grey-8')
        with ui.column().classes('w-full max-w-lg gap-2'):
            self.fields = {
                'name': ui.input('Name', validation=rule('name'))
                .props('data-testid=checkout-name')
                .mark('checkout-name'),
                'email': ui.input('E-mail', validation=rule('email'))
                .props('data-testid=checkout-email')
                .mark('checkout-email'),
                'address': ui.textarea('Shipping address', validation=rule('address'))
                .props('data-testid=checkout-address')
                .mark('checkout-address'),
            }
            self.refusal = ui.column().classes('gap-1').props('data-testid=checkout-refusal').mark('checkout-refusal')
            self.button = (
                ui.button('Place order', on_click=self.place).props('data-testid=place-order').mark('place-order')
            )

    async def place(self) -> None:
        """One order per click: the button stays disabled while it is being placed."""
        self.button.disable()
        try:
            await self._place()
        finally:
            self.button.enable()

    async def _place(self) -> None:
        valid = [field.validate() for field in self.fields.values()]  # every field, so each shows its message
        self.refusal.clear()
        if not all(valid):
            return
        lines = [
            CheckoutLine(variant_id=int(v), quantity=entry['quantity']) for v, entry in self.cart.cart.entries.items()
        ]
        if not lines:
            self._refused('Your cart is empty.')
            return
        try:
            customer = Customer(**{name: field.value for name, field in self.fields.items()})
            placed = await run.io_bound(in_session, self.db, place, OrderCreate(lines=lines, customer=customer))
        except OutOfStock as error:
            self._refused(str(error).capitalize(), [self._short(line) for line in error.lines])
        except (Invalid, ValidationError) as error:
            self._refused(f'This cart cannot be ordered: {error}')
        else:
            if placed is not None:  # None: the app is stopping
                self.cart.cart.empty()
                ui.navigate.to(f'/order/{placed.token}')

    def _short(self, short: Shortfall) -> str:
        name = f'Variant {short.variant_id}'
        for line in self.cart.cart.lines(self.cart.catalog):
            if line.variant_id == short.variant_id and line.product and line.variant:
                name = f'{line.product.name} ({line.variant.name})'
        left = 'none left' if short.available == 0 else f'only {short.available} left'
        return f'{name}: {short.requested} wanted, {left}'

    def _refused(self, message: str, details: list[str] | None = None) -> None:
        with self.refusal:
            ui.label(message).classes('text-negative font-semibold').mark('checkout-refused')
            for detail in details or []:
                ui.label(detail).classes('text-negative').mark('checkout-short')


def rule(field: str) -> Callable[[Any], str | None]:
    """The message for a field's value by `Customer`'s own rule, or None when it is fine."""

    def problem(value: Any) -> str | None:
        try:
            valid_field(Customer, field, value or '')
        except ValidationError as error:
            return describe(error.errors()[0]).capitalize()
        return None

    return problem


def order_view(placed: OrderPublic) -> None:
    with ui.column().classes('gap-2').mark('order'):
        ui.label(f'Order {placed.number}').classes('text-2xl font-semibold').props('data-testid=order-number').mark(
            'order-number'
        )
        status = 'Cancelled' if placed.status == 'cancelled' else f'Placed — {UNPAID.lower()}'
        ui.label(status).classes('text-grey-8').mark('order-status')
        for line in placed.lines:
            with ui.row().classes('w-full gap-4'):
                ui.label(f'{line.quantity} x {line.product_name} ({line.variant_name})').classes('w-96')
                ui.label(f'{money(line.price)} each')
                ui.label(money(line.total)).classes('font-medium')
        ui.label(f'Total {money(placed.total)}').classes('text-lg font-semibold').props('data-testid=order-total').mark(
            'order-total'
        )
        ui.label('Ship to').classes('font-semibold mt-2')
        ui.label(f'{placed.customer.name}\n{placed.customer.address}').classes('whitespace-pre-line')


def place(session: Any, order_in: OrderCreate) -> OrderPublic:
    return place_order(session=session, order_in=order_in)


def in_session(db: Database, function: Callable[..., T], *args: Any) -> T:
    with db.session() as session:
        return function(session, *args)
