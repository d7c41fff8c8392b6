"""The Bus: the change log's transactions, one event each, fanned out to this process's listeners and subscribers.

The tailer reads the log in order and hands every event first to the synchronous listeners (the storefront
read cache, the admin feed) and then to each subscriber's bounded queue. A subscriber whose queue is full
loses its queued events and gets one `global-update` (reason `overflow`) in their place: it is told to
resync, never left silently behind. A subscriber that names the last id it saw first gets everything the
log retained after it (replay), then live events, with no gap and no duplicate.
"""

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from sqlalchemy import Engine

from invalidation import metrics
from invalidation.events import Event, global_update, of_transaction
from invalidation.tailer import Retention, Tailer
from models.changelog import ChangeLog, note_global_update

log = logging.getLogger(__name__)
Listener = Callable[[Event], None]


class Subscription:
    """A bounded queue of events with replay in front of it; iterate it with `async for`."""

    def __init__(self, bus: 'Bus', queue_size: int) -> None:
        self._bus = bus
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue(maxsize=queue_size)  # None: a `nudge`
        self._replay: list[Event] = []
        self._last_key: tuple[int, ...] | None = None

    def __aiter__(self) -> 'Subscription':
        return self

    async def __anext__(self) -> Event:
        while (event := await self.next_or_nudge()) is None:
            pass
        return event

    async def next_or_nudge(self) -> Event | None:
        """The next event, or None if `nudge` came first."""
        while True:
            event = self._replay.pop(0) if self._replay else await self._queue.get()
            if event is None:
                return None
            key = self._bus.order_key(event.id)
            if self._last_key is None or key > self._last_key:  # drops what the replay already gave
                self._last_key = key
                return event

    def nudge(self) -> None:
        """Wakes `next_or_nudge` with None unless an event is waiting: how a stream learns it has been idle,
        without arming a timer for each wait (`invalidation.sse`)."""
        if self._queue.empty() and not self._replay:
            self._queue.put_nowait(None)

    def preload(self, events: list[Event]) -> None:
        self._replay = events

    def offer(self, event: Event) -> None:
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            metrics.OVERFLOWS.inc()
            while not self._queue.empty():
                self._queue.get_nowait()
            self._queue.put_nowait(global_update('overflow', self._bus.origin, event.id))


class Bus:
    def __init__(self, engine: Engine, *, origin: str, retention: Retention, queue_size: int = 1_000) -> None:
        self.origin = origin
        self.queue_size = queue_size
        self.log = ChangeLog(engine)
        self.tailer = Tailer(self.log, self.dispatch, retention=retention)
        self._listeners: list[Listener] = []
        self._subscriptions: set[Subscription] = set()

    async def connect(self) -> None:
        await self.tailer.start()

    async def disconnect(self) -> None:
        await self.tailer.stop()

    @property
    def healthy(self) -> bool:
        return self.tailer.healthy

    @property
    def subscriber_count(self) -> int:
        return len(self._subscriptions)

    def add_listener(self, listener: Listener) -> None:
        """`listener` runs for every event, before any subscriber sees it; it must not block."""
        self._listeners.append(listener)

    async def global_update(self, reason: str = 'admin') -> None:
        """Tells every shop and subscriber, in every process, to refetch everything (an entry of the log)."""

        def write() -> None:
            with self.log.engine.begin() as connection:
                note_global_update(connection, reason, self.origin)

        await asyncio.to_thread(write)
        self.tailer.wake()

    @asynccontextmanager
    async def subscribe(
        self, last_id: str | None = None, *, queue_size: int | None = None
    ) -> AsyncIterator[Subscription]:
        """Live events from now on; with `last_id`, first everything retained after it (or a resync)."""
        subscription = Subscription(self, queue_size or self.queue_size)
        self._subscriptions.add(subscription)  # before reading history, so nothing falls in between
        metrics.SUBSCRIBERS.inc()
        try:
            if last_id is not None:
                await self._replay_into(subscription, last_id)
            yield subscription
        finally:
            self._subscriptions.discard(subscription)
            metrics.SUBSCRIBERS.dec()

    def order_key(self, event_id: str) -> tuple[int, ...]:
        return (int(event_id.rpartition('-')[2]),)

    async def head_id(self) -> str:
        return self.tailer.event_id(await asyncio.to_thread(self.log.head))

    async def _replay_into(self, subscription: Subscription, last_id: str) -> None:
        position = self._position_of(last_id)
        history = None if position is None else await asyncio.to_thread(self.log.replay, position)
        if history is None:
            metrics.RESYNCS.labels('unknown-id').inc()
            subscription.preload([global_update('resync', self.origin, await self.head_id())])
        else:
            metrics.REPLAYS.inc()
            subscription.preload([of_transaction(each, self.tailer.event_id(each.position)) for each in history])

    def _position_of(self, event_id: str) -> int | None:
        """The position an id of this log names; None for a malformed id or one of another database's log."""
        match = _ID.fullmatch(event_id)
        if match is None or match[1] != self.log.log_id:
            return None
        return int(match[2])

    def dispatch(self, event: Event) -> None:
        metrics.EVENTS_RECEIVED.labels(event.type).inc()
        for listener in self._listeners:
            try:
                listener(event)
            except Exception:
                log.exception('bus listener %r failed on %s', listener, event.id)
        for subscription in list(self._subscriptions):
            subscription.offer(event)


_ID = re.compile(r'([0-9a-f]{8})-(\d{1,18})')
