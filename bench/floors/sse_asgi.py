"""The SSE floor on our stack: uvicorn (as `server/outer.py` runs it) and a bare ASGI app, no framework.

`python -m bench.floors.sse_asgi PORT FRAME_BYTES`. `GET /api/cache-events` opens a stream (`: connected` first,
as the app sends it); each rename encodes one frame of FRAME_BYTES bytes with the next id and writes it to every
open stream, one `send` after the other, from one task. No queue, filter, replay or keep-alive: the least a
server on this stack can do per stream per event.
"""

import asyncio
import sys
from typing import Any

import uvicorn
from starlette.types import Receive, Send

from bench.floors.http import Catalog, not_found

STREAM_HEADERS = [(b'content-type', b'text/event-stream'), (b'cache-control', b'no-store')]
CONNECTED = b': connected\r\nretry: 2000\r\n\r\n'


class Broadcaster:
    def __init__(self, frame_bytes: int) -> None:
        self.frame_bytes = frame_bytes
        self.streams: set[Send] = set()
        self.events = 0
        self.catalog = Catalog(self.renamed)
        self._tasks: set[asyncio.Task[None]] = set()

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope['type'] != 'http':
            return
        if scope['path'] == '/api/cache-events':
            await self.stream(receive, send)
        elif not await self.catalog.route(scope, receive, send):
            await not_found(send)

    async def stream(self, receive: Receive, send: Send) -> None:
        await send({'type': 'http.response.start', 'status': 200, 'headers': STREAM_HEADERS})
        await send({'type': 'http.response.body', 'body': CONNECTED, 'more_body': True})
        self.streams.add(send)
        try:
            while (await receive())['type'] != 'http.disconnect':
                pass
        finally:
            self.streams.discard(send)

    def renamed(self, _name: str) -> None:
        self.events += 1
        task = asyncio.create_task(self.broadcast(frame(self.events, self.frame_bytes)))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def broadcast(self, data: bytes) -> None:
        message = {'type': 'http.response.body', 'body': data, 'more_body': True}
        for send in list(self.streams):
            await send(message)


def frame(event_id: int, size: int) -> bytes:
    """An SSE event of exactly `size` bytes (or its bare minimum, if `size` is smaller), id `event_id`."""
    head, tail = f'id: {event_id}\r\nevent: product-updated\r\ndata: {{"pad": "', '"}\r\n\r\n'
    return (head + 'x' * max(0, size - len(head) - len(tail)) + tail).encode()


if __name__ == '__main__':
    port, frame_bytes = int(sys.argv[1]), int(sys.argv[2])
    uvicorn.run(Broadcaster(frame_bytes), host='127.0.0.1', port=port, log_level='warning', lifespan='off')
