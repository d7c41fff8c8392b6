"""The admin forms' checks are the models' rules: the same values refused, in words a person reads."""

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError
from sqlmodel import SQLModel

from admin.validators import (
    Check,
    category_error,
    description_error,
    initial_stock_error,
    name_error,
    optional_slug_error,
    price_error,
    quantity_error,
    reason_error,
    sku_error,
    slug_error,
    variant_name_error,
)
from models.tables import ProductCreate, ProductUpdate, StockChange, VariantCreate

TEXTS = ['Fine', '  padded  ', '', '   ', 'x' * 201, 'x' * 5_001, 'Tab\there', 'Delete\x7fhere', 'C1 \x85 here']
SLUGS = ['fine-slug', 'Not A Slug', 'double--hyphen', 'a' * 121, '']
SKUS = ['OK-1', 'a.b_c', 'has space', '-leading', 'S' * 64, 'S' * 65, '']
OTHER_FIELDS: dict[type[SQLModel], dict[str, Any]] = {
    ProductCreate: {'name': 'Fine', 'category': 'coffee'},
    VariantCreate: {'sku': 'OK-1', 'name': 'Standard', 'price': 100},
}


@pytest.mark.parametrize(
    ('text', 'message'),
    [
        ('Delete \x7f here', 'must not contain control characters'),
        ('C1 \x85 control', 'must not contain control characters'),
        ('Bell \x07', 'must not contain control characters'),
        ('   ', 'required'),
        ('', 'required'),
        ('n' * 201, 'at most 200 characters'),
    ],
)
def test_names_are_refused_as_the_model_refuses_them(text: str, message: str) -> None:
    assert (name_error(text), variant_name_error(text), reason_error(text)) == (message, message, message)


def test_descriptions_keep_lines_and_tabs_but_no_other_control_character() -> None:
    assert description_error('one\n\ttwo\r\n') is None
    assert description_error('next \x85 line') == 'must not contain control characters'
    assert description_error('x' * 5_001) == 'at most 5000 characters'


@pytest.mark.parametrize(
    ('sku', 'message'),
    [
        ('S' * 65, 'at most 64 characters'),
        ('bad sku!', 'use letters, digits, ".", "_" or "-", starting with a letter or digit'),
        ('', 'required'),
        ('  OK-1  ', None),
    ],
)
def test_skus(sku: str, message: str | None) -> None:
    assert sku_error(sku) == message


def test_slugs_categories_prices_and_quantities() -> None:
    assert slug_error('Not A Slug') == 'use lower-case letters, digits and single hyphens'
    assert slug_error('') == 'required'
    assert optional_slug_error('') is None
    assert category_error(None) == 'required'
    assert price_error('1000000.01') == 'at most 1000000.00'
    assert price_error('12.345') == 'enter an amount like 12.50 (at most two decimals)'
    assert price_error('1000000') is None
    assert initial_stock_error(-1) == 'must not be negative'
    assert initial_stock_error(None) == 'required'
    assert quantity_error(2.5, signed=True) == 'enter a whole number'
    assert quantity_error(0, signed=True) == 'must not be zero'
    assert quantity_error(-3, signed=True) is None
    assert quantity_error(-3, signed=False) == 'must not be negative'
    assert quantity_error(10**10, signed=False) == 'at most 1,000,000,000'


@pytest.mark.parametrize(
    ('check', 'model', 'field', 'values', 'sent'),
    [
        (name_error, ProductCreate, 'name', TEXTS, str.strip),
        (description_error, ProductCreate, 'description', TEXTS, str),
        (slug_error, ProductUpdate, 'slug', SLUGS, str.strip),
        (sku_error, VariantCreate, 'sku', SKUS, str.strip),
        (variant_name_error, VariantCreate, 'name', TEXTS, str.strip),
        (reason_error, StockChange, 'reason', TEXTS, str.strip),
    ],
)
def test_a_form_check_passes_exactly_what_its_model_accepts(
    check: Check, model: type[SQLModel], field: str, values: list[str], sent: Callable[[str], str]
) -> None:
    """Regression: the form refused only characters below U+0020, the model every control character.

    `sent` is what the form hands the model: one-line inputs go without the spaces around them."""
    others = OTHER_FIELDS.get(model, {})
    for value in values:
        assert (check(value) is None) == accepts(model, {**others, field: sent(value)}), repr(value)


def accepts(model: type[SQLModel], values: dict[str, Any]) -> bool:
    try:
        model.model_validate(values)
    except ValidationError:
        return False
    return True
