"""One saved variant in the editor: its inputs, its stock, and its own save, stock and remove buttons."""

from collections.abc import Awaitable, Callable

from nicegui import ui

from admin.variant_inputs import VariantInputs
from models.tables import VariantPublic

RowAction = Callable[['VariantRow'], Awaitable[None]]


class VariantRow:
    def __init__(self, variant: VariantPublic, *, save: RowAction, stock: RowAction, remove: RowAction) -> None:
        self.row = ui.row().classes('items-start gap-2 w-full').props(f'data-variant-id={variant.id}')
        with self.row.mark('variant-row'):
            self.inputs = VariantInputs(variant)
            self.stock = ui.label().classes('pt-5 w-24').mark('variant-stock')
            ui.button('Save variant', on_click=lambda: save(self)).props('outline').mark('save-variant')
            ui.button('Stock…', on_click=lambda: stock(self)).props('outline').mark('stock-variant')
            ui.button('Remove', on_click=lambda: remove(self)).props('flat color=negative').mark('remove-variant')
        self.show_stock(variant.stock_on_hand)

    @property
    def variant(self) -> VariantPublic:
        assert self.inputs.variant is not None
        return self.inputs.variant

    def rebase(self, variant: VariantPublic) -> None:
        self.inputs.rebase(variant)
        self.show_stock(variant.stock_on_hand)

    def show_stock(self, on_hand: int) -> None:
        self.stock.set_text(f'{on_hand} in stock')

    def delete(self) -> None:
        self.row.delete()
