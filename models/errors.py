"""What a catalog write can refuse, each with a message fit to show a person."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from models.tables import PATTERN_HINTS, ProductPublic

Number = Callable[[Any], str]


class CatalogError(Exception):
    """Base of every refusal; `str(error)` is the message."""


class NotFound(CatalogError):
    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f'{kind} {key!r} does not exist')
        self.kind = kind
        self.key = key


class Invalid(CatalogError):
    """A value the catalog cannot accept; `field` names the input it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f'{field}: {message}')
        self.field = field
        self.message = message


class Conflict(CatalogError):
    """The write was based on an older version; `current` is the record as it is now (None if deleted)."""

    def __init__(self, expected: int | None, current: ProductPublic | None) -> None:
        now = f'version {current.version}' if current else 'deleted'
        super().__init__(f'stale version {expected}: the product changed meanwhile (it is now {now})')
        self.expected = expected
        self.current = current


@dataclass(frozen=True, slots=True)
class Shortfall:
    """One order line that cannot be had: `available` is what is left to sell (0 once not for sale)."""

    variant_id: int
    requested: int
    available: int


class OutOfStock(CatalogError):
    """An order some of whose lines fall short; nothing of it was written."""

    def __init__(self, lines: list[Shortfall]) -> None:
        count = 'one item' if len(lines) == 1 else f'{len(lines)} items'
        super().__init__(f'not enough stock for {count}; nothing was ordered')
        self.lines = lines


class AlreadyCancelled(CatalogError):
    def __init__(self, number: str) -> None:
        super().__init__(f'order {number} is already cancelled')
        self.number = number


def refusals(error: ValidationError) -> list[Invalid]:
    """A model's refusal as the catalog's: one `Invalid` per problem, named by its top-level field."""
    return [Invalid(str(detail['loc'][0]), describe(detail)) for detail in error.errors()]


def describe(detail: ErrorDetails, number: Number = str) -> str:
    """pydantic's refusal of one value in the words a person reads ("at most 64 characters"); `number` shows a bound."""
    ctx = detail.get('ctx', {})
    match detail['type']:
        case 'value_error':
            return str(ctx['error'])  # the models' own validators already speak to people
        case 'missing':
            return 'required'
        case 'string_too_short' if ctx['min_length'] == 1:
            return 'required'
        case 'string_too_long':
            return f'at most {ctx["max_length"]} characters'
        case 'string_pattern_mismatch':
            return PATTERN_HINTS[ctx['pattern']]
        case 'too_long':
            return f'at most {ctx["max_length"]} items'
        case 'greater_than_equal':
            return 'must not be negative' if ctx['ge'] == 0 else f'at least {number(ctx["ge"])}'
        case 'less_than_equal':
            return f'at most {number(ctx["le"])}'
        case 'int_from_float':
            return 'enter a whole number'
        case kind if kind.endswith('_type') and detail['input'] is None:
            return 'required'
    return detail['msg']
