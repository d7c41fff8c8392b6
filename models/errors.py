"""What a catalog write can refuse, each with a message fit to show a person."""

from models.tables import ProductPublic


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
