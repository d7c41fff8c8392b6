"""The admin's orders: `/admin/orders` (newest first, live) and `/admin/orders/{id}` with "Cancel order".

Orders make no events of their own (customers never reach the bus), but every order and cancellation moves
stock, and that does: the list reloads shortly after a stock event, as the product list does after any.
Customer text is shown as text (NiceGUI escapes it), so markup in a name or address reads literally.
"""

from datetime import UTC

from nicegui import APIRouter, ui

from admin.calls import call
from admin.feed import Received, current_feed
from admin.money import format_price
from admin.theme import frame
from models.errors import AlreadyCancelled, NotFound
from models.order_tables import OrderPage, OrderPublic
from models.orders import cancel_order, get_order, list_orders

router = APIRouter(prefix='/admin/orders')
PAGE_SIZE = 50
RELOAD_SECONDS = 1.0
COLUMNS = [
    {'name': 'number', 'label': 'Order', 'field': 'number', 'align': 'left'},
    {'name': 'placed', 'label': 'Placed (UTC)', 'field': 'placed', 'align': 'left'},
    {'name': 'customer', 'label': 'Customer', 'field': 'customer', 'align': 'left'},
    {'name': 'items', 'label': 'Items', 'field': 'items', 'align': 'right'},
    {'name': 'total', 'label': 'Total', 'field': 'total', 'align': 'right'},
    {'name': 'status', 'label': 'Status', 'field': 'status', 'align': 'left'},
]
NUMBER_CELL = r"""
<q-td :props="props"><a :href="'/admin/orders/' + props.row.id" class="text-primary">{{ props.value }}</a></q-td>
"""


@router.page('')
async def orders_page() -> None:
    with frame('Orders'):
        await OrderList().load()


@router.page('/{order_id}')
async def order_page(order_id: int) -> None:
    try:
        order = await call(get_order, order_id=order_id)
    except NotFound:
        with frame('Order not found'):
            ui.label(f'There is no order #{order_id}.')
            ui.link('Back to the orders', '/admin/orders')
        return
    with frame(f'Order {order.number}'):
        OrderDetails(order)


class OrderList:
    def __init__(self) -> None:
        self.page = 1
        self.stale = False
        self.count = ui.label().mark('order-count')
        self.table = ui.table(columns=COLUMNS, rows=[], row_key='id').classes('w-full').mark('orders')
        self.table.add_slot('body-cell-number', NUMBER_CELL)
        self.pages = ui.pagination(1, 1, direction_links=True, on_change=self.turn)
        current_feed().received.subscribe(self.mark_stale)
        ui.timer(RELOAD_SECONDS, self.reload_if_stale)

    def mark_stale(self, item: Received) -> None:
        if item.event.type in {'stock-changed', 'product-updated', 'global-update'}:
            self.stale = True

    async def reload_if_stale(self) -> None:
        if self.stale:
            self.stale = False
            await self.load()

    async def turn(self) -> None:
        if self.pages.value != self.page:
            self.page = self.pages.value
            await self.load()

    async def load(self) -> None:
        result: OrderPage = await call(list_orders, page=self.page, page_size=PAGE_SIZE)
        self.table.rows = [_row(order) for order in result.items]
        self.count.set_text(f'{result.total} orders')
        self.pages.max = max(1, -(-result.total // PAGE_SIZE))


class OrderDetails:
    def __init__(self, order: OrderPublic) -> None:
        self.order = order
        with ui.column().classes('gap-2'):
            self.status = ui.label().mark('order-status')
            for line in order.lines:
                product = f'{line.product_name} ({line.variant_name}), SKU {line.sku}'
                ui.label(f'{line.quantity} x {product} at {format_price(line.price)}: {format_price(line.total)}')
            ui.label(f'Total {format_price(order.total)}').classes('font-semibold')
            ui.label('Customer').classes('font-semibold mt-2')
            ui.label(order.customer.name).mark('customer-name')
            ui.label(order.customer.email)
            ui.label(order.customer.address).classes('whitespace-pre-line').mark('customer-address')
            self.cancel = ui.button('Cancel order', color='negative', on_click=self.cancelled).mark('cancel-order')
        self.show(order)

    def show(self, order: OrderPublic) -> None:
        self.order = order
        placed = order.placed_at.astimezone(UTC).strftime('%Y-%m-%d %H:%M')
        self.status.set_text(f'{order.status.capitalize()} · placed {placed} UTC · unpaid')
        self.cancel.set_visibility(order.status == 'placed')

    async def cancelled(self) -> None:
        try:
            self.show(await call(cancel_order, order_id=self.order.id))
            ui.notify(f'Order {self.order.number} cancelled; its stock is back.', type='positive')
        except AlreadyCancelled as error:
            self.show(await call(get_order, order_id=self.order.id))
            ui.notify(str(error), type='warning')


def _row(order: OrderPublic) -> dict[str, object]:
    return {
        'id': order.id,
        'number': order.number,
        'placed': order.placed_at.astimezone(UTC).strftime('%Y-%m-%d %H:%M:%S'),
        'customer': order.customer.name,
        'items': sum(line.quantity for line in order.lines),
        'total': format_price(order.total),
        'status': order.status,
    }
