"""The event contract: what changed (ids and versions, never names or prices), encoded to JSON in one place."""

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal, get_args

EventType = Literal['product-created', 'product-updated', 'product-deleted', 'stock-changed', 'global-update']
EVENT_TYPES: tuple[EventType, ...] = get_args(EventType)
Reason = Literal['admin', 'resync', 'overflow', 'category', 'bulk']


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

    @property
    def is_global(self) -> bool:
        return self.type == 'global-update'

    def with_id(self, event_id: str) -> 'Event':
        return replace(self, id=event_id)

    def touches(self, product_ids: set[int]) -> bool:
        return self.is_global or not product_ids.isdisjoint(self.product_ids)


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
    )


def global_update(reason: Reason, origin: str, event_id: str = '') -> Event:
    return Event(type='global-update', reason=reason, origin=origin, id=event_id)
