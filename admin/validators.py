"""Field checks for the admin forms, taken from the models' own field rules (models.tables).

Each check gives the message to show next to its input, or None. It validates the value the form would
send against the model field, so a form the checks accept is one the catalog accepts, apart from what
only the database knows (a slug or SKU taken by another product): that comes back as `Invalid`.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from nicegui import ui
from pydantic import ValidationError
from sqlmodel import SQLModel

from admin.money import format_price, parse_price
from models.errors import Invalid, Number, describe, refusals
from models.tables import ProductCreate, ProductUpdate, StockChange, VariantCreate, valid_field

Check = Callable[[Any], str | None]
M = TypeVar('M', bound=SQLModel)


def trimmed(value: str | None) -> str:
    """What a one-line input sends: the text without the spaces around it."""
    return (value or '').strip()


def rule(model: type[SQLModel], field: str, sent: Callable[[Any], Any] = trimmed, number: Number = str) -> Check:
    """The check of one input: `sent(value)` is what the form hands the model for `field`."""

    def check(value: Any) -> str | None:
        return field_error(model, field, sent(value), number)

    return check


def field_error(model: type[SQLModel], field: str, value: object, number: Number = str) -> str | None:
    try:
        valid_field(model, field, value)
    except ValidationError as error:
        return describe(error.errors()[0], number)
    return None


name_error = rule(ProductCreate, 'name')
slug_error = rule(ProductUpdate, 'slug')
optional_slug_error = rule(ProductCreate, 'slug', lambda value: trimmed(value) or None)
category_error = rule(ProductCreate, 'category', lambda value: value)
description_error = rule(ProductCreate, 'description', lambda value: value or '')
sku_error = rule(VariantCreate, 'sku')
variant_name_error = rule(VariantCreate, 'name')
initial_stock_error = rule(VariantCreate, 'stock_on_hand', lambda value: value, '{:,}'.format)
reason_error = rule(StockChange, 'reason')


def price_error(value: str | None) -> str | None:
    try:
        cents = parse_price(value or '')
    except ValueError as error:
        return str(error)
    return field_error(VariantCreate, 'price', cents, format_price)


def quantity_error(value: float | None, *, signed: bool) -> str | None:
    """An adjustment (`signed`) is a non-zero delta, a stocktake a count; both within the model's bounds."""
    if value is None:
        return 'enter a whole number'
    if signed and value == 0:
        return 'must not be zero'
    return field_error(StockChange, 'delta' if signed else 'set', value, '{:,}'.format)


def built(model: type[M], values: dict[str, Any], show: Callable[[Invalid], bool]) -> M | None:
    """`model` of `values`, or None when the model refuses them: each refusal goes next to its field through
    `show`, or into a notification when it names no field of the form, never only into the server log."""
    try:
        return model.model_validate(values)
    except ValidationError as error:
        for refusal in refusals(error):
            if not show(refusal):
                ui.notify(str(refusal), type='negative')
        return None
