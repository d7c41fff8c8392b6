"""Turns committed catalog writes into events, whatever code path wrote them.

Changes are collected at each flush of any SQLModel/SQLAlchemy session and published only after the
transaction commits; a rollback discards them. Commits and their publication are serialised by a
lock held only around the database COMMIT itself (which waits on no other transaction), so the bus
order is the commit order even when commits race in worker threads.
"""

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, event, inspect
from sqlalchemy.orm import ORMExecuteState, SessionTransaction
from sqlmodel import Session

from invalidation.events import Event, EventType, global_update
from models.tables import Category, Product, StockMovement, Variant

Sink = Callable[[Event], None]
_PENDING = 'invalidation.pending'
_BOOKKEEPING = {'updated_at', 'search_text', 'version'}
_STOCK = {'stock_on_hand', 'version', 'movements'}


class _Changes:
    """What one transaction changed: kinds, variants and the newest version per product."""

    def __init__(self) -> None:
        self.kinds: dict[int, set[EventType]] = {}
        self.variants: dict[int, set[int]] = {}
        self.versions: dict[int, int] = {}
        self.global_reasons: set[str] = set()

    def add(
        self, product_id: int | None, kind: EventType, variant_id: int | None = None, version: int | None = None
    ) -> None:
        if product_id is None:
            return
        self.kinds.setdefault(product_id, set()).add(kind)
        if variant_id is not None:
            self.variants.setdefault(product_id, set()).add(variant_id)
        if version is not None:
            self.versions[product_id] = max(version, self.versions.get(product_id, 0))

    def events(self, origin: str) -> list[Event]:
        now = datetime.now(UTC)
        events = [global_update(reason, origin) for reason in sorted(self.global_reasons)]  # type: ignore[arg-type]
        for product_id, kinds in self.kinds.items():
            for kind in _effective(kinds):
                events.append(
                    Event(
                        type=kind,
                        product_ids=(product_id,),
                        variant_ids=tuple(sorted(self.variants.get(product_id, ()))),
                        versions={product_id: self.versions[product_id]} if product_id in self.versions else {},
                        committed_at=now,
                        origin=origin,
                    )
                )
        return events


class CommitHook:
    def __init__(self, sink: Sink, origin: str) -> None:
        self.sink = sink
        self.origin = origin
        self._order = threading.Lock()
        self._holder = threading.local()

    def install(self) -> None:
        for target, name, listener in self._listeners():
            event.listen(target, name, listener)

    def uninstall(self) -> None:
        for target, name, listener in self._listeners():
            if event.contains(target, name, listener):
                event.remove(target, name, listener)

    def _listeners(self) -> list[tuple[type, str, Callable[..., None]]]:
        return [
            (Session, 'after_flush', self._collect),
            (Session, 'do_orm_execute', self._bulk),
            (Session, 'after_commit', self._publish),
            (Session, 'after_transaction_end', self._discard),
            (Engine, 'commit', self._before_db_commit),
        ]

    def _collect(self, session: Session, _context: Any) -> None:
        changes = session.info.setdefault(_PENDING, _Changes())
        for obj in session.new:
            _record(changes, obj, 'new')
        for obj in session.dirty:
            _record(changes, obj, 'dirty')
        for obj in session.deleted:
            _record(changes, obj, 'deleted')
        if changes.kinds or changes.global_reasons:
            self._holder.pending = True

    def _bulk(self, state: ORMExecuteState) -> None:
        """A bulk UPDATE/DELETE names no rows we can see: everyone must resync."""
        if (state.is_update or state.is_delete) and state.bind_mapper is not None:
            if state.bind_mapper.class_ in {Product, Variant, StockMovement, Category}:
                state.session.info.setdefault(_PENDING, _Changes()).global_reasons.add('bulk')
                self._holder.pending = True

    def _before_db_commit(self, _connection: Connection) -> None:
        if getattr(self._holder, 'pending', False) and not getattr(self._holder, 'locked', False):
            self._order.acquire()
            self._holder.locked = True

    def _publish(self, session: Session) -> None:
        changes: _Changes | None = session.info.pop(_PENDING, None)
        try:
            for event_ in changes.events(self.origin) if changes else ():
                self.sink(event_)
        finally:
            self._release()

    def _discard(self, session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:  # the outermost transaction ended without after_commit: a rollback
            session.info.pop(_PENDING, None)
            self._release()

    def _release(self) -> None:
        self._holder.pending = False
        if getattr(self._holder, 'locked', False):
            self._holder.locked = False
            self._order.release()


def _record(changes: _Changes, obj: object, state: str) -> None:
    if isinstance(obj, Product):
        kinds: dict[str, EventType] = {'new': 'product-created', 'deleted': 'product-deleted'}
        kind = kinds.get(state, 'product-updated')
        if state != 'dirty' or _changed(obj) - _BOOKKEEPING:
            changes.add(obj.id, kind, version=obj.version)
        elif obj.id is not None:
            changes.versions[obj.id] = obj.version
    elif isinstance(obj, Variant):
        if state == 'dirty' and not _changed(obj) - _STOCK:
            changes.add(obj.product_id, 'stock-changed', obj.id)
        else:
            changes.add(obj.product_id, 'product-updated', obj.id)
    elif isinstance(obj, StockMovement) and state == 'new':
        variant = obj.variant
        changes.add(variant.product_id if variant else None, 'stock-changed', obj.variant_id)
    elif isinstance(obj, Category):
        changes.global_reasons.add('category')


def _changed(obj: object) -> set[str]:
    return {attr.key for attr in inspect(obj).attrs if attr.history.has_changes()}


def _effective(kinds: set[EventType]) -> list[EventType]:
    """A created or deleted product is one event; otherwise one per kind of change."""
    finals: tuple[EventType, ...] = ('product-deleted', 'product-created')
    for final in finals:
        if final in kinds:
            return [final]
    return sorted(kinds)
