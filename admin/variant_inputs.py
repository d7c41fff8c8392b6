"""The inputs of one variant (SKU, name, price, and initial stock for a new one), with their checks."""

from nicegui import ui
from nicegui.elements.mixins.validation_element import ValidationElement

from admin.money import format_price, parse_price
from admin.validators import name_error, price_error, quantity_error, sku_error
from models.errors import Invalid
from models.tables import VariantCreate, VariantPublic, VariantUpdate


class VariantInputs:
    """Builds its inputs in the current container; `variant` is the saved state they started from (None: new)."""

    def __init__(self, variant: VariantPublic | None = None) -> None:
        self.variant = variant
        self.sku = ui.input('SKU', validation=sku_error).props('maxlength=64').classes('w-40').mark('variant-sku')
        self.name = ui.input('Variant name', validation=name_error).classes('w-48').mark('variant-name')
        self.price = ui.input('Price', validation=price_error).props('inputmode=decimal').classes('w-28')
        self.price.mark('variant-price')
        self.stock: ui.number | None = None
        if variant is None:
            self.stock = ui.number('Initial stock', value=0, min=0, precision=0, validation=_stock_error)
            self.stock.classes('w-28').mark('variant-initial-stock')
        else:
            self.show(variant)

    def show(self, variant: VariantPublic) -> None:
        self.variant = variant
        self.sku.value = variant.sku
        self.name.value = variant.name
        self.price.value = format_price(variant.price)

    def rebase(self, variant: VariantPublic) -> None:
        """Takes `variant` as the new saved state; inputs the admin left untouched follow it, edits stay."""
        old = self.variant
        self.variant = variant
        if old is None:
            return
        if (self.sku.value or '').strip() == old.sku:
            self.sku.value = variant.sku
        if (self.name.value or '').strip() == old.name:
            self.name.value = variant.name
        if (self.price.value or '').strip() == format_price(old.price):
            self.price.value = format_price(variant.price)

    def validate(self) -> bool:
        fields: list[ValidationElement] = [self.sku, self.name, self.price, *([self.stock] if self.stock else [])]
        results = [field.validate() for field in fields]
        return all(results)

    def creation(self) -> VariantCreate:
        stock = int(self.stock.value or 0) if self.stock else 0
        price = parse_price(self.price.value or '')
        return VariantCreate(sku=self._sku(), name=self._name(), price=price, stock_on_hand=stock)

    def changes(self) -> VariantUpdate:
        assert self.variant is not None
        values = {'sku': self._sku(), 'name': self._name(), 'price': parse_price(self.price.value or '')}
        edited = {key: value for key, value in values.items() if getattr(self.variant, key) != value}
        return VariantUpdate.model_validate(edited)

    def show_refusal(self, error: Invalid) -> bool:
        field = {'sku': self.sku, 'name': self.name, 'price': self.price}.get(error.field)
        if field is None:
            return False
        field.error = error.message
        return True

    def _sku(self) -> str:
        return (self.sku.value or '').strip()

    def _name(self) -> str:
        return (self.name.value or '').strip()


def _stock_error(value: float | None) -> str | None:
    return quantity_error(value, signed=False)
