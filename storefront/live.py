"""The live bridge: bus events → read cache → open shop pages.

The bus listener runs first for every event (synchronously, in bus order): it drops the affected cache
entries and queues the event. One worker per process then waits for the cache to reload (one DB read,
however many pages watch) and tells every page at once through a `nicegui.Event`; each page, subscribed
inside its own context, decides what the change means for what it shows and unsubscribes by itself when
its client goes away. Events that arrive while a reload runs travel together in the next `Update`.

Under a storm of writes (an order storm: every order is a stock change) the worker also tells the pages at most
once per `window_seconds`: an event that comes sooner after the last update waits for the window's end, with
whatever else commits meanwhile. So each open page gets one update per window however many transactions it
held, and never falls further behind than a window and one reload; a lone write is told at once.
`storefront_live_lag_seconds` says how far behind the last update was: from the oldest commit in it to the
moment the pages were told.
"""

import asyncio
import contextlib
import logging
import time
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
LAG = Gauge('storefront_live_lag_seconds', 'Oldest commit in the last update to the moment open pages were told')
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
    def __init__(self, cache: CatalogCache, deliveries: Deliveries, window_seconds: float = 0.0) -> None:
        self.cache = cache
        self.deliveries = deliveries
        self.window_seconds = window_seconds
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
        told = 0.0
        while True:
            await self._wake.wait()
            if (wait := told + self.window_seconds - time.monotonic()) > 0:
                await asyncio.sleep(wait)  # a storm: what else commits meanwhile travels along
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
            told = time.monotonic()
            if events:
                LAG.set(max(0.0, time.time() - min(event.committed_at.timestamp() for event in events)))


def count_page(client: Client) -> None:
    """Counts an open live page until its client is deleted."""
    SHOP_PAGES.inc()
    client.on_delete(lambda: SHOP_PAGES.dec())  # not `SHOP_PAGES.dec`: NiceGUI would pass the client as amount
