"""Prices as an admin types them (currency units, "12.50") and as the catalog stores them (integer cents).

Parsed with `Decimal`, never float, so "0.29" is 29 cents and not 28.999….
"""

import re
from decimal import Decimal

_AMOUNT = re.compile(r'\d{1,9}(?:[.,]\d{1,2})?')


def parse_price(text: str) -> int:
    """Cents for `text`; raises ValueError with a message fit to show next to the field.

    Only the notation is checked here; whether the catalog takes the amount is the model's rule (`Price`).
    """
    text = text.strip()
    if not _AMOUNT.fullmatch(text):
        raise ValueError('enter an amount like 12.50 (at most two decimals)')
    return int(Decimal(text.replace(',', '.')) * 100)


def format_price(cents: int) -> str:
    return f'{Decimal(cents) / 100:.2f}'


def price_range(low: int | None, high: int | None) -> str:
    if low is None or high is None:
        return '—'
    return format_price(low) if low == high else f'{format_price(low)} to {format_price(high)}'
