"""`GET /api/cache-events`: the stream as Server-Sent Events, with filters, replay and back-pressure.

Each event's frame is encoded once and shared by every stream (a shop can hold thousands). Keep-alive
comments go only to streams that have been idle, rather than from sse-starlette's ping task: one task less
per stream, and streams opened together do not ping together (5,000 aligned pings stalled every event for a
second in the SSE benchmark).
"""

import asyncio
import itertools
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

from fastapi import APIRouter, HTTPException, Request
from nicegui import background_tasks
from sse_starlette import EventSourceResponse, ServerSentEvent

from invalidation import metrics
from invalidation.bus import Bus, Subscription
from invalidation.events import EVENT_TYPES, Event, encode
from server.services import ServicesDep

router = APIRouter(tags=['stream'])
RETRY_MS = 2000
MAX_ID_LENGTH = 256
MAX_FILTERS = 1000
KEEP_ALIVE = ServerSentEvent(comment='ping').encode()


class StreamFilter:
    def __init__(self, product_ids: set[int], types: set[str]) -> None:
        self.product_ids = product_ids
        self.types = types

    def passes(self, event: Event) -> bool:
        """A global update always passes: it tells the client to refetch whatever it holds."""
        if event.is_global:
            return True
        if self.types and not event.has_type(self.types):
            return False
        return not self.product_ids or event.touches(self.product_ids)


@router.get(
    '/api/cache-events',
    response_class=EventSourceResponse,
    responses={400: {'description': 'invalid filter or Last-Event-ID'}, 503: {'description': 'too many streams'}},
)
async def cache_events(request: Request, services: ServicesDep) -> EventSourceResponse:
    """Live invalidation events. Filters: `product=<id>` and `type=<type>`, repeatable. Resume with the
    `Last-Event-ID` header (or `last_event_id` on the first request): the retained events after it are
    replayed, then live ones follow; an unknown or evicted id gets one `global-update` with reason `resync`."""
    settings, streams = services.settings, services.streams
    stream_filter = _parse_filter(request)
    last_id = _parse_last_id(request)
    if streams.count >= settings.max_sse_streams:
        metrics.REJECTED_STREAMS.labels('503').inc()
        raise HTTPException(503, 'too many open event streams; retry later', headers={'Retry-After': '5'})
    return EventSourceResponse(
        streams.stream(services.bus, stream_filter, last_id, settings.sse_ping_seconds),
        ping=0,
        send_timeout=settings.sse_send_timeout_seconds,
        headers={'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no'},
    )


class Streams:
    """What all open event streams of a process share: how many there are, their keep-alive, encoded frames."""

    def __init__(self) -> None:
        self.count = 0
        self._keep_alive = _KeepAlive()
        self._frames = _FrameCache()

    async def stream(
        self, bus: Bus, stream_filter: StreamFilter, last_id: str | None, keep_alive_seconds: float
    ) -> AsyncIterator[bytes | ServerSentEvent]:
        self.count += 1
        metrics.SSE_STREAMS.inc()
        try:
            async with bus.subscribe(last_id) as subscription:
                yield ServerSentEvent(comment='connected', retry=RETRY_MS)  # once subscribed: nothing falls between
                with self._keep_alive.watching(subscription, keep_alive_seconds) as watch:
                    while True:
                        event = await subscription.next_or_nudge()
                        if event is None:
                            yield KEEP_ALIVE
                        elif stream_filter.passes(event):
                            watch.quiet = False
                            yield self._frames.get(event)
                            metrics.DELIVERY_SECONDS.observe(max(0.0, time.time() - event.committed_at.timestamp()))
        finally:
            self.count -= 1
            metrics.SSE_STREAMS.dec()


class _Watch:
    __slots__ = ('quiet', 'subscription')

    def __init__(self, subscription: Subscription) -> None:
        self.subscription = subscription
        self.quiet = False  # nothing sent since the last look


class _KeepAlive:
    """Nudges each stream that has sent nothing for between half and all of `seconds`, so it sends a ping.

    One task looks at all streams, in `BUCKETS` staggered groups, in place of a timer per stream armed for
    each wait: arming and cancelling that timer for every event cost 15 to 25 % of the server's CPU per
    event with 5,000 streams (`python -m bench sse`, with and without it). Only what a stream sends counts:
    a filtered stream that the events pass by still pings."""

    BUCKETS = 10

    def __init__(self) -> None:
        self._buckets: list[set[_Watch]] = [set() for _ in range(self.BUCKETS)]
        self._added = itertools.count()
        self._task: asyncio.Task[None] | None = None

    @contextmanager
    def watching(self, subscription: Subscription, seconds: float) -> Iterator[_Watch]:
        watch = _Watch(subscription)
        bucket = self._buckets[next(self._added) % self.BUCKETS]
        bucket.add(watch)
        if self._task is None or self._task.done():
            self._task = background_tasks.create(self._look(seconds), name='sse keep-alive')
        try:
            yield watch
        finally:
            bucket.discard(watch)

    async def _look(self, seconds: float) -> None:
        """Each bucket is looked at every `seconds / 2`. A look marks a stream quiet, or nudges it if it still
        was; sending unmarks it, and so does the nudge, so an idle stream pings every `seconds`."""
        for bucket in itertools.cycle(self._buckets):
            await asyncio.sleep(seconds / 2 / self.BUCKETS)
            for watch in bucket:
                if watch.quiet:
                    watch.subscription.nudge()
                watch.quiet = not watch.quiet


class _FrameCache:
    """The encoded SSE frame of recent events, shared by all streams."""

    def __init__(self, size: int = 1024) -> None:
        self._frames: OrderedDict[str, bytes] = OrderedDict()
        self._size = size

    def get(self, event: Event) -> bytes:
        frame = self._frames.get(event.id)
        if frame is None or event.is_global:  # resync/overflow notices share an id with the event they replace
            frame = ServerSentEvent(encode(event), id=event.id, event=event.type).encode()
            if not event.is_global:
                self._frames[event.id] = frame
                if len(self._frames) > self._size:
                    self._frames.popitem(last=False)
        return frame


def _parse_filter(request: Request) -> StreamFilter:
    products = request.query_params.getlist('product')
    types = request.query_params.getlist('type')
    if len(products) + len(types) > MAX_FILTERS:
        raise HTTPException(400, f'at most {MAX_FILTERS} filters')
    unknown = sorted(set(types) - set(EVENT_TYPES))
    if unknown:
        raise HTTPException(400, f'unknown event type {unknown[0]!r}; known: {", ".join(EVENT_TYPES)}')
    if any(not (p.isdigit() and len(p) <= 18) for p in products):
        raise HTTPException(400, 'product filters must be product ids (whole numbers)')
    return StreamFilter({int(p) for p in products}, set(types))


def _parse_last_id(request: Request) -> str | None:
    last_id = request.headers.get('last-event-id') or request.query_params.get('last_event_id')
    if last_id is not None and len(last_id) > MAX_ID_LENGTH:
        raise HTTPException(400, f'Last-Event-ID longer than {MAX_ID_LENGTH} characters')
    return last_id
