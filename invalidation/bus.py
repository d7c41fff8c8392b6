"""The Bus: one ordered stream of events per deployment, fanned out to this process's listeners and subscribers.

Writers hand events over from any thread (`publish_threadsafe`); one outbox task publishes them in
order. One reader task receives every event from the backend, in bus order, and hands it first to
the synchronous listeners (the storefront read cache) and then to each subscriber's bounded queue.
A subscriber whose queue is full loses its queued events and gets one `global-update` (reason
`overflow`) in their place: it is told to resync, never left silently behind.
"""

import asyncio
import contextlib
import itertools
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from invalidation import metrics
from invalidation.backends import create_backend
from invalidation.events import Event, decode, encode, global_update

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

    def get_nowait(self) -> Event | None:
        """The next event if one is waiting (used by tests and batching consumers)."""
        try:
            while (event := self._replay.pop(0) if self._replay else self._queue.get_nowait()) is None:
                pass
            return event
        except asyncio.QueueEmpty:
            return None

    def offer(self, event: Event) -> None:
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            metrics.OVERFLOWS.inc()
            while not self._queue.empty():
                self._queue.get_nowait()
            self._queue.put_nowait(global_update('overflow', self._bus.origin, event.id))


class Bus:
    def __init__(
        self, url: str = 'memory://', *, origin: str, history_size: int = 10_000, queue_size: int = 1_000
    ) -> None:
        self.url = url
        self.origin = origin
        self.queue_size = queue_size
        self._backend = create_backend(url, history_size)
        self._listeners: list[Listener] = []
        self._subscriptions: set[Subscription] = set()
        self._outbox: asyncio.Queue[Event] | None = None
        self._early: list[Event] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: list[asyncio.Task[None]] = []

    async def connect(self) -> None:
        """Starts publishing and receiving; a second call while connected does nothing (NiceGUI's test
        fixtures run the app's startup handlers more than once)."""
        if self._tasks:
            return
        await self._backend.connect()
        self._loop = asyncio.get_running_loop()
        self._outbox = asyncio.Queue()
        with self._lock:
            for event in self._early:
                self._outbox.put_nowait(event)
            self._early.clear()
        self._tasks = [
            asyncio.create_task(self._send(), name='bus-send'),
            asyncio.create_task(self._receive(), name='bus-receive'),
        ]

    async def disconnect(self) -> None:
        if self._outbox is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._outbox.join(), timeout=5)  # flush what was committed
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        await self._backend.disconnect()

    @property
    def healthy(self) -> bool:
        return self._backend.healthy and all(not task.done() for task in self._tasks)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscriptions)

    def add_listener(self, listener: Listener) -> None:
        """`listener` runs for every event, before any subscriber sees it; it must not block."""
        self._listeners.append(listener)

    def publish_threadsafe(self, event: Event) -> None:
        """Queues `event` for publishing, from any thread, keeping the order of the calls."""
        with self._lock:
            if self._loop is None or self._outbox is None:
                self._early.append(event)
            else:
                self._loop.call_soon_threadsafe(self._outbox.put_nowait, event)

    async def publish(self, event: Event) -> None:
        self.publish_threadsafe(event)

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
        return self._backend.order_key(event_id)

    async def head_id(self) -> str:
        return await self._backend.head_id()

    async def _replay_into(self, subscription: Subscription, last_id: str) -> None:
        history = await self._backend.history_after(last_id)
        if history is None:
            metrics.RESYNCS.labels('unknown-id').inc()
            subscription.preload([global_update('resync', self.origin, await self._backend.head_id())])
        else:
            metrics.REPLAYS.inc()
            subscription.preload([decode(data, event_id) for event_id, data in history])

    async def _send(self) -> None:
        assert self._outbox is not None
        while True:
            event = await self._outbox.get()
            await self._publish_until_sent(encode(event))
            metrics.EVENTS_PUBLISHED.labels(event.type).inc()
            self._outbox.task_done()

    async def _publish_until_sent(self, data: str) -> None:
        """A committed change must reach the bus: while the backend is down, keep it and retry, in order."""
        for attempt in itertools.count():
            try:
                await self._backend.publish(data)
                return
            except Exception as error:
                log.warning('bus publish failed (%s); retrying', error)
                await asyncio.sleep(min(0.05 * 2**attempt, 2.0))

    async def _receive(self) -> None:
        while True:
            event_id, data = await self._backend.next_published()
            self.dispatch(decode(data, event_id))

    def dispatch(self, event: Event) -> None:
        metrics.EVENTS_RECEIVED.labels(event.type).inc()
        for listener in self._listeners:
            try:
                listener(event)
            except Exception:
                log.exception('bus listener %r failed on %s', listener, event.id)
        for subscription in list(self._subscriptions):
            subscription.offer(event)
