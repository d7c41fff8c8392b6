"""The multi-process backend: one Redis Stream carries every event, in one order, to every process.

Event ids are the stream ids (`<ms>-<seq>`), the same on every process, and the stream is the replay
history, so an SSE client may resume on any process. `XADD ... MAXLEN ~ N` keeps at least N events;
replay honours exactly N (as the memory backend does) whatever Redis trimmed.

Outages: `publish` raises (the Bus keeps the event and retries, in order); the reader reconnects with
backoff and resumes `XREAD` after the last id it saw. If that id is gone from the stream (trimmed, or
Redis came back empty), it hands out one `global-update` (reason `resync`) and goes on from the head.
"""

import asyncio
import logging
import re
from collections import deque
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlparse, urlunparse

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError, ResponseError

from invalidation.backends.base import Message
from invalidation.events import encode, global_update

log = logging.getLogger(__name__)
DEFAULT_STREAM = 'storefront:events'
EMPTY_ID = '0-0'
BLOCK_MS = 5_000
BATCH = 500
MAX_BACKOFF_SECONDS = 1.0
_ID = re.compile(r'(\d{1,20})-(\d{1,20})')
_MAX_PART = 2**64 - 1


class RedisBackend:
    def __init__(self, url: str, history_size: int) -> None:
        self.url, self.key = _split_stream(url)
        self.history_size = history_size
        self._client: Redis | None = None
        self._last_id: str | None = None  # the newest id this process has read; None until first resolved
        self._lost = False  # the reader lost its connection since it last read
        self._pending: deque[Message] = deque()
        self._reading = True
        self._writing = True

    async def connect(self) -> None:
        self._client = Redis.from_url(
            self.url,
            decode_responses=True,
            socket_connect_timeout=2,
            socket_timeout=BLOCK_MS / 1000 + 5,
            retry=Retry(NoBackoff(), 1),  # one immediate retry replaces a pooled connection Redis dropped
        )
        try:
            self._last_id = await self._newest_id()
        except RedisError as error:
            log.warning('Redis stream %s unreachable at start (%s); will keep trying', self.key, error)
            self._reading = False

    async def disconnect(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def publish(self, data: str) -> str:
        try:
            event_id = await self.client.xadd(self.key, {'data': data}, maxlen=self.history_size, approximate=True)
        except RedisError:
            self._writing = False
            raise
        self._writing = True
        return str(event_id)

    async def next_published(self) -> Message:
        """Never raises on outages: waits, with backoff, until Redis answers again."""
        attempt = 0
        while not self._pending:
            try:
                await self._read_batch()
                attempt = 0
            except RedisError as error:
                self._reading, self._lost = False, True
                log.warning('Redis stream %s read failed (%s); reconnecting', self.key, error)
                await asyncio.sleep(min(0.05 * 2**attempt, MAX_BACKOFF_SECONDS))
                attempt += 1
        return self._pending.popleft()

    async def history_after(self, last_id: str) -> list[Message] | None:
        if not _well_formed(last_id):
            return None
        try:
            return await self._retained_after(last_id)
        except RedisError:
            return None  # Redis is down: the subscriber refetches from the database instead

    async def head_id(self) -> str:
        try:
            return await self._newest_id()
        except RedisError:
            return self._last_id or EMPTY_ID

    def order_key(self, event_id: str) -> tuple[int, ...]:
        ms, _, seq = event_id.partition('-')
        return (int(ms), int(seq))

    @property
    def healthy(self) -> bool:
        return self._reading and self._writing

    @property
    def client(self) -> Redis:
        assert self._client is not None, 'RedisBackend used before connect()'
        return self._client

    async def _read_batch(self) -> None:
        if self._last_id is None:
            self._last_id = await self._newest_id()
        if self._lost:
            await self._resume()
            if self._pending:  # hand the resync out now, not after the next blocking read
                return
        response = await self._xread(self._last_id)
        self._reading = True
        for _stream, entries in response or ():
            self._pending.extend(_messages(entries))
            self._last_id = self._pending[-1][0]

    async def _xread(self, after: str) -> Any:
        """`XREAD BLOCK` that lets the reader be cancelled at once: redis-py can swallow a cancellation that
        lands while it (re)connects, which would leave `Bus.disconnect` waiting on a reader that never stops."""
        read = asyncio.ensure_future(self.client.xread({self.key: after}, count=BATCH, block=BLOCK_MS))
        read.add_done_callback(_consume)
        try:
            return await asyncio.shield(read)
        except asyncio.CancelledError:
            read.cancel()
            raise

    async def _resume(self) -> None:
        """After a lost connection: go on after the last id read if the stream still holds it, else resync."""
        assert self._last_id is not None
        if not await self._holds(self._last_id):
            head = await self._newest_id()
            if self.order_key(head) <= self.order_key(self._last_id):  # Redis came back empty
                head = _successor(self._last_id)
            log.warning('Redis stream %s lost events after %s; local subscribers resync', self.key, self._last_id)
            self._pending.append((head, encode(global_update('resync', f'redis:{self.key}'))))
            self._last_id = head
        self._lost = False

    async def _retained_after(self, last_id: str) -> list[Message] | None:
        entries = _messages(await self.client.xrange(self.key, min=last_id, count=self.history_size + 2))
        if entries and entries[0][0] == last_id:
            entries = entries[1:]
        elif not (last_id == EMPTY_ID and await self._never_trimmed()):
            return None  # unknown, newer than the head, or trimmed away
        if len(entries) > self.history_size:
            return None  # older than the history this bus promises
        return entries

    async def _holds(self, event_id: str) -> bool:
        if event_id == EMPTY_ID:
            return await self._never_trimmed()
        return bool(await self.client.xrange(self.key, min=event_id, max=event_id))

    async def _never_trimmed(self) -> bool:
        info = await self._stream_info()
        return info is None or info['entries-added'] == info['length']

    async def _newest_id(self) -> str:
        info = await self._stream_info()
        return EMPTY_ID if info is None else str(info['last-generated-id'])

    async def _stream_info(self) -> dict[str, Any] | None:
        try:
            info: dict[str, Any] = await self.client.xinfo_stream(self.key)
        except ResponseError:  # no such key: nothing was ever published (or Redis lost it)
            return None
        return info


def _split_stream(url: str) -> tuple[str, str]:
    """`redis://host:port/db?stream=key` → the URL redis-py understands, and the stream key."""
    parts = urlparse(url)
    query = parse_qsl(parts.query)
    stream = next((value for name, value in query if name == 'stream'), DEFAULT_STREAM)
    rest = urlencode([(name, value) for name, value in query if name != 'stream'])
    return urlunparse(parts._replace(query=rest)), stream


def _consume(read: 'asyncio.Future[Any]') -> None:
    """Retrieves the outcome of an abandoned read, so asyncio does not log it as never retrieved."""
    if not read.cancelled():
        read.exception()


def _messages(entries: Any) -> list[Message]:
    """Stream entries as (id, encoded event); redis-py's own result types cover every decoding mode."""
    return [(event_id, fields['data']) for event_id, fields in entries]


def _well_formed(event_id: str) -> bool:
    match = _ID.fullmatch(event_id)
    return match is not None and all(int(part) <= _MAX_PART for part in match.groups())


def _successor(event_id: str) -> str:
    ms, _, seq = event_id.partition('-')
    return f'{ms}-{int(seq) + 1}'
