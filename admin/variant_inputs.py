"""The inputs of one variant (SKU, name, price, and initial stock for a new one), with their checks."""

from nicegui import ui
from nicegui.elements.mixins.validation_element import ValidationElement

from admin.money import format_price, parse_price
from admin.validators import built, initial_stock_error, price_error, sku_error, variant_name_error
from models.errors import Invalid
from models.tables import VariantCreate, VariantPublic, VariantUpdate


class VariantInputs:
    """Builds its inputs in the current container; `variant` is the saved state they started from (None: new)."""

    def __init__(self, variant: VariantPublic | None = None) -> None:
        self.variant = variant
        self.sku = ui.input('SKU', validation=sku_error).classes('w-40').mark('variant-sku')
        self.name = ui.input('Variant name', validation=variant_name_error).classes('w-48').mark('variant-name')
        self.price = ui.input('Price', validation=price_error).props('inputmode=decimal').classes('w-28')
        self.price.mark('variant-price')
        self.stock: ui.number | None = None
        if variant is None:
            self.stock = ui.number('Initial stock', value=0, min=0, precision=0, validation=initial_stock_error)
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

    def creation(self) -> VariantCreate | None:
        """The new variant, or None when the model refuses it (the refusal is shown); call after `validate`."""
        stock = int(self.stock.value or 0) if self.stock else 0
        values = {'sku': self._sku(), 'name': self._name(), 'price': self._price(), 'stock_on_hand': stock}
        return built(VariantCreate, values, self.show_refusal)

    def changes(self) -> VariantUpdate | None:
        """Only the edited fields, or None when the model refuses them (shown); call after `validate`."""
        assert self.variant is not None
        values = {'sku': self._sku(), 'name': self._name(), 'price': self._price()}
        edited = {key: value for key, value in values.items() if getattr(self.variant, key) != value}
        return built(VariantUpdate, edited, self.show_refusal)

    def show_refusal(self, error: Invalid) -> bool:
        inputs = {'sku': self.sku, 'name': self.name, 'price': self.price, 'stock_on_hand': self.stock}
        field = inputs.get(error.field)
        if field is None:
            return False
        field.error = error.message
        return True

    def _sku(self) -> str:
        return (self.sku.value or '').strip()

    def _name(self) -> str:
        return (self.name.value or '').strip()

    def _price(self) -> int:
        return parse_price(self.price.value or '')
