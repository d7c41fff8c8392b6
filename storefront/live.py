"""The live bridge: bus events → read cache → open shop pages.

The bus listener runs first for every event (synchronously, in bus order): it drops the affected cache
entries and queues the event. One worker per process then waits for the cache to reload (one DB read,
however many pages watch) and tells every page at once through a `nicegui.Event`; each page, subscribed
inside its own context, decides what the change means for what it shows and unsubscribes by itself when
its client goes away. Events that arrive while a reload runs travel together in the next `Update`.
"""

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from functools import cached_property

from nicegui import Client
from nicegui import Event as UiEvent
from prometheus_client import Gauge

from invalidation.deliveries import Deliveries
from invalidation.events import Event
from storefront.cache import Catalog, CatalogCache

log = logging.getLogger(__name__)
SHOP_PAGES = Gauge('storefront_shop_pages', 'Open live shop and product pages in this process')
RETRY_SECONDS = 1.0


@dataclass(frozen=True)
class Update:
    events: tuple[Event, ...]
    catalog: Catalog
    deliveries: Deliveries

    @cached_property
    def is_global(self) -> bool:
        return any(event.is_global for event in self.events)

    @cached_property
    def affected(self) -> frozenset[int]:
        return frozenset(product_id for event in self.events for product_id in event.product_ids)

    def record(self, product_ids: set[int]) -> None:
        """Counts one page rerender for each event of this update that touched `product_ids` (the admin's receipt)."""
        for event in self.events:
            if event.id and event.touches(product_ids):
                self.deliveries.record(event.id)


class LiveBridge:
    def __init__(self, cache: CatalogCache, deliveries: Deliveries) -> None:
        self.cache = cache
        self.deliveries = deliveries
        self.updated: UiEvent[[Update]] = UiEvent()
        self._pending: list[Event] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def on_event(self, event: Event) -> None:
        """The bus listener: must not block, so it only invalidates and hands over to the worker."""
        self.cache.invalidate(event)
        self._pending.append(event)
        self._wake.set()

    async def start(self) -> None:
        self._wake = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name='storefront-live-bridge')

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            events, self._pending = self._pending, []
            try:
                catalog = await self.cache.products()
            except Exception:
                log.exception('catalog reload failed; retrying in %s s', RETRY_SECONDS)
                self._pending[:0] = events
                await asyncio.sleep(RETRY_SECONDS)  # back-off while the database is away
                self._wake.set()
                continue
            self.updated.emit(Update(tuple(events), catalog, self.deliveries))


def count_page(client: Client) -> None:
    """Counts an open live page until its client is deleted."""
    SHOP_PAGES.inc()
    client.on_delete(lambda: SHOP_PAGES.dec())  # not `SHOP_PAGES.dec`: NiceGUI would pass the client as amount
