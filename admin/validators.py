"""Field checks for the admin forms: each returns the message to show next to the field, or None.

They mirror the catalog's own rules (models.tables, models.catalog), so a form the checks accept is one
the catalog accepts, apart from what only the database knows (a slug or SKU taken by another product).
"""

import re
from collections.abc import Callable

from admin.money import parse_price
from models.tables import DESCRIPTION_MAX, NAME_MAX, REASON_MAX, SKU_MAX, SLUG_MAX, SLUG_PATTERN, STOCK_MAX

Check = Callable[[str | None], str | None]
_SKU = re.compile(r'[A-Za-z0-9][A-Za-z0-9._-]*')


def name_error(value: str | None) -> str | None:
    return _text_error(value, NAME_MAX)


def reason_error(value: str | None) -> str | None:
    return _text_error(value, REASON_MAX)


def description_error(value: str | None) -> str | None:
    return f'at most {DESCRIPTION_MAX} characters' if len(value or '') > DESCRIPTION_MAX else None


def slug_error(value: str | None, *, required: bool = True) -> str | None:
    slug = (value or '').strip()
    if not slug:
        return 'required' if required else None
    if len(slug) > SLUG_MAX or not re.fullmatch(SLUG_PATTERN, slug):
        return f'lower-case letters, digits and single hyphens, at most {SLUG_MAX} characters'
    return None


def optional_slug_error(value: str | None) -> str | None:
    return slug_error(value, required=False)


def sku_error(value: str | None) -> str | None:
    sku = (value or '').strip()
    if not sku:
        return 'required'
    if len(sku) > SKU_MAX or not _SKU.fullmatch(sku):
        return f'letters, digits, ".", "_" or "-", starting with a letter or digit, at most {SKU_MAX} characters'
    return None


def price_error(value: str | None) -> str | None:
    try:
        parse_price(value or '')
    except ValueError as error:
        return str(error)
    return None


def category_error(value: str | None) -> str | None:
    return None if value else 'choose a category'


def quantity_error(value: float | int | None, *, signed: bool) -> str | None:
    if value is None or value != int(value):
        return 'enter a whole number'
    if not signed and value < 0:
        return 'must not be negative'
    if abs(value) > STOCK_MAX:
        return f'at most {STOCK_MAX:,}'
    if signed and value == 0:
        return 'must not be zero'
    return None


def _text_error(value: str | None, limit: int) -> str | None:
    text = (value or '').strip()
    if not text:
        return 'required'
    if len(text) > limit:
        return f'at most {limit} characters'
    if any(ord(ch) < 32 for ch in text):
        return 'must not contain control characters'
    return None
