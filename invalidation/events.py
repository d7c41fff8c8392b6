"""The event contract: what changed (ids and versions, never names or prices), encoded to JSON in one place.

One event is one committed transaction of the change log. Its type combines the kinds of its products: a
deleted product is `product-deleted`, a created one `product-created`, one whose own fields or variants
changed `product-updated`, one whose stock alone changed `stock-changed`; a transaction whose products all
share one type has that type, one that mixes them is `product-updated` and lists each product's own type in
`kinds`. A category change, or the admin's "refresh all shops", makes it a `global-update`.
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from models.changelog import Transaction

EventType = Literal['product-created', 'product-updated', 'product-deleted', 'stock-changed', 'global-update']
EVENT_TYPES: tuple[EventType, ...] = get_args(EventType)
Reason = Literal['admin', 'resync', 'overflow', 'category']


@dataclass(frozen=True, slots=True)
class Event:
    type: EventType
    product_ids: tuple[int, ...] = ()
    variant_ids: tuple[int, ...] = ()
    versions: dict[int, int] = field(default_factory=dict)
    committed_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    origin: str = ''
    reason: Reason | None = None
    id: str = ''
    kinds: dict[int, EventType] = field(default_factory=dict)  # each product's own type, when they differ

    @property
    def is_global(self) -> bool:
        return self.type == 'global-update'

    def touches(self, product_ids: set[int]) -> bool:
        return self.is_global or not product_ids.isdisjoint(self.product_ids)

    def has_type(self, types: set[str]) -> bool:
        return self.type in types or not types.isdisjoint(self.kinds.values())


def encode(event: Event) -> str:
    """The `data:` line of the SSE contract; the id travels beside it, not inside."""
    payload: dict[str, Any] = {
        'type': event.type,
        'product_ids': list(event.product_ids),
        'variant_ids': list(event.variant_ids),
        'versions': {str(key): value for key, value in event.versions.items()},
        'committed_at': event.committed_at.isoformat(),
        'origin': event.origin,
    }
    if event.reason:
        payload['reason'] = event.reason
    if event.kinds:
        payload['kinds'] = {str(key): value for key, value in event.kinds.items()}
    return json.dumps(payload, separators=(',', ':'))


def decode(data: str, event_id: str = '') -> Event:
    payload = json.loads(data)
    return Event(
        type=payload['type'],
        product_ids=tuple(payload['product_ids']),
        variant_ids=tuple(payload['variant_ids']),
        versions={int(key): value for key, value in payload['versions'].items()},
        committed_at=datetime.fromisoformat(payload['committed_at']),
        origin=payload['origin'],
        reason=payload.get('reason'),
        id=event_id,
        kinds={int(key): value for key, value in payload.get('kinds', {}).items()},
    )


def global_update(reason: Reason, origin: str, event_id: str = '') -> Event:
    return Event(type='global-update', reason=reason, origin=origin, id=event_id)


def of_transaction(transaction: Transaction, event_id: str) -> Event:
    """The one event of a committed transaction (the module docstring says how kinds combine)."""
    kinds: dict[int, set[str]] = {}
    variants: set[int] = set()
    versions: dict[int, int] = {}
    reason = None
    for change in transaction.changes:
        if change.kind == 'global':
            reason = reason or change.reason
        if change.product_id is None:
            continue
        kinds.setdefault(change.product_id, set()).add(change.kind)
        if change.variant_id is not None:
            variants.add(change.variant_id)
        if change.version is not None:
            versions[change.product_id] = max(change.version, versions.get(change.product_id, 0))
    types = {product_id: _type_of(product_kinds) for product_id, product_kinds in kinds.items()}
    mixed = len(set(types.values())) > 1
    kind: EventType = 'global-update' if reason else types[min(types)] if types and not mixed else 'product-updated'
    return Event(
        type=kind,
        product_ids=tuple(sorted(types)),
        variant_ids=tuple(sorted(variants)),
        versions=versions,
        committed_at=transaction.committed_at,
        origin=transaction.origin,
        reason=reason,  # type: ignore[arg-type]
        id=event_id,
        kinds=types if mixed and not reason else {},
    )


def _type_of(kinds: set[str]) -> EventType:
    for kind, type_ in _PRECEDENCE:
        if kind in kinds:
            return type_
    return 'product-updated'  # only bookkeeping changed (another program touched `updated_at`, say)


_PRECEDENCE: tuple[tuple[str, EventType], ...] = (
    ('deleted', 'product-deleted'),
    ('created', 'product-created'),
    ('updated', 'product-updated'),
    ('stock', 'stock-changed'),
)
