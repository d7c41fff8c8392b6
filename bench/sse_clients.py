"""A load-generator process holding COUNT raw SSE streams: `python -m bench.sse_clients URL COUNT`.

Prints `ready` once every stream is subscribed (its `: connected` comment arrived), then one line per event
once every stream has it: `<event id> <first arrival ms> <last arrival ms> <streams>`, epoch milliseconds.
Raw asyncio streams keep the client cheap enough for thousands of streams next to the server on 2 cores.
"""

import asyncio
import sys
import time
from urllib.parse import urlsplit

from bench.harness import raise_fd_limit

CONNECT_CONCURRENCY = 100
READ_SIZE = 65536


class Tally:
    def __init__(self, streams: int) -> None:
        self.streams = streams
        self.connected = 0
        self.ready = asyncio.Event()
        self.arrivals: dict[bytes, list[float]] = {}

    def subscribed(self) -> None:
        self.connected += 1
        if self.connected == self.streams:
            self.ready.set()

    def arrived(self, event_id: bytes, moment: float) -> None:
        times = self.arrivals.setdefault(event_id, [])
        times.append(moment)
        if len(times) == self.streams:
            del self.arrivals[event_id]
            print(f'{event_id.decode()} {min(times):.3f} {max(times):.3f} {len(times)}', flush=True)


async def stream(host: str, port: int, tally: Tally, gate: asyncio.Semaphore) -> None:
    async with gate:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(
            f'GET /api/cache-events HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n'.encode()
        )
        await writer.drain()
        buffer = await reader.readuntil(b'\r\n\r\n')
        if not buffer.startswith(b'HTTP/1.1 200'):
            raise RuntimeError(f'stream refused: {buffer[:80]!r}')
        buffer = b''
        while b': connected' not in buffer:
            buffer += await reader.read(READ_SIZE)
    tally.subscribed()
    partial = b''
    while data := await reader.read(READ_SIZE):
        moment = time.time() * 1000
        *lines, partial = (partial + data).split(b'\n')
        for line in lines:
            if line.startswith(b'id:'):
                tally.arrived(line[3:].strip(), moment)


async def main(url: str, count: int) -> None:
    raise_fd_limit()
    parts = urlsplit(url)
    host, port = parts.hostname or '127.0.0.1', parts.port or 80
    tally, gate = Tally(count), asyncio.Semaphore(CONNECT_CONCURRENCY)
    tasks = [asyncio.create_task(stream(host, port, tally, gate)) for _ in range(count)]
    await tally.ready.wait()
    print('ready', flush=True)
    await asyncio.gather(*tasks)


if __name__ == '__main__':
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
