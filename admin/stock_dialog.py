"""Set or adjust one variant's stock with a reason, and see its movement history."""

from collections.abc import Awaitable, Callable
from datetime import UTC

from nicegui import ui
from sqlmodel import Session

from admin.calls import call
from admin.feed import current_feed
from admin.validators import quantity_error, reason_error
from models import catalog
from models.errors import CatalogError, Invalid
from models.queries import stock_movements
from models.tables import StockMovement, Variant, VariantPublic

Done = Callable[[Variant, int], Awaitable[None] | None]
MOVEMENTS_SHOWN = 50
COLUMNS = [
    {'name': 'when', 'label': 'When (UTC)', 'field': 'when', 'align': 'left'},
    {'name': 'delta', 'label': 'Change', 'field': 'delta'},
    {'name': 'after', 'label': 'After', 'field': 'after'},
    {'name': 'reason', 'label': 'Reason', 'field': 'reason', 'align': 'left'},
]


async def open_stock_dialog(variant: VariantPublic, done: Done) -> None:
    """`done(variant, since)` runs after a change, with the feed position from before it (for the receipt)."""
    movements = await call(stock_movements, variant_id=variant.id, limit=MOVEMENTS_SHOWN)
    with ui.dialog() as dialog, ui.card().classes('w-[36rem]').mark('stock-dialog'):
        ui.label(f'Stock of {variant.sku}: {variant.stock_on_hand} on hand').classes('text-lg')
        mode = ui.toggle({'adjust': 'Adjust by', 'set': 'Set to'}, value='adjust').mark('stock-mode')
        with ui.row().classes('items-start gap-2'):
            quantity = ui.number(
                'Quantity', precision=0, validation=lambda value: quantity_error(value, signed=mode.value == 'adjust')
            ).mark('stock-quantity')
            reason = ui.input('Reason', validation=reason_error).mark('stock-reason')
        mode.on_value_change(lambda: quantity.validate(return_result=False) if quantity.value is not None else None)

        async def apply() -> None:
            if not all([quantity.validate(), reason.validate()]):
                return
            since = current_feed().last_seq
            try:
                changed = await call(
                    _change,
                    variant_id=variant.id,
                    mode=mode.value,
                    quantity=int(quantity.value),
                    reason=reason.value.strip(),
                )
            except Invalid as error:
                quantity.error = error.message
                return
            except CatalogError as error:
                ui.notify(str(error), type='negative')
                return
            dialog.close()
            result = done(changed, since)
            if result is not None:
                await result

        with ui.row():
            ui.button('Apply', on_click=apply).mark('stock-apply')
            ui.button('Close', on_click=dialog.close).props('flat')
        ui.label('Movements, newest first').classes('text-sm font-semibold')
        ui.table(columns=COLUMNS, rows=[_row(movement) for movement in movements], row_key='id').classes(
            'w-full'
        ).props('dense flat').mark('stock-movements')
    dialog.on('hide', dialog.delete)
    dialog.open()


def _change(*, session: Session, variant_id: int, mode: str, quantity: int, reason: str) -> Variant:
    if mode == 'set':
        return catalog.set_stock(session=session, variant_id=variant_id, quantity=quantity, reason=reason)
    return catalog.adjust_stock(session=session, variant_id=variant_id, delta=quantity, reason=reason)


def _row(movement: StockMovement) -> dict[str, object]:
    return {
        'id': movement.id,
        'when': movement.created_at.astimezone(UTC).strftime('%Y-%m-%d %H:%M:%S'),
        'delta': f'{movement.delta:+d}',
        'after': movement.stock_after,
        'reason': movement.reason,
    }
