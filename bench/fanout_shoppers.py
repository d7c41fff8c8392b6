"""A load-generator process holding COUNT simulated shoppers: `python -m bench.fanout_shoppers URL COUNT`.

Prints one JSON line once every shopper has opened the page and connected: `{"shoppers": n, "failed_opens": k}`.
Then, for each JSON line `{"expect": name, "timeout": seconds}` on stdin, prints `{"expecting": name}` at once
and, once every shopper shows that name (or the timeout passed), `{"arrivals": [epoch ms, ...], "reconnects": r,
"reloads": l}`. It ends when stdin closes. Several of these split the shoppers' Socket.IO work over processes,
so the server is not measured through one Python event loop's queue of thousands of sockets. `Crowds` is the
benchmark's handle on a group of these processes.
"""

import asyncio
import json
import sys
from typing import Any

from bench.harness import groups_of, raise_fd_limit
from bench.shoppers import Crowd

PER_PROCESS = 250
READY_TIMEOUT = 300.0
REPORT_SLACK = 10.0  # a process answers within its own timeout; this is for one that hangs
CLOSE_TIMEOUT = 30.0


class Crowds:
    """The benchmark's side: shoppers in load-generator processes of at most `PER_PROCESS` each."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.workers: list[asyncio.subprocess.Process] = []
        self.shoppers = 0
        self.failed_opens = 0
        self.reconnects = 0
        self.reloads = 0

    async def open(self, count: int) -> None:
        """Starts the processes one after the other (shoppers arrive a few at a time, not in a storm)."""
        for size in groups_of(count, PER_PROCESS):
            worker = await asyncio.create_subprocess_exec(
                sys.executable, '-m', 'bench.fanout_shoppers', self.url, str(size),
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            )  # fmt: skip
            self.workers.append(worker)
            opened = await self._read(worker, READY_TIMEOUT)
            self.shoppers += opened['shoppers']
            self.failed_opens += opened['failed_opens']

    async def close(self) -> None:
        for worker in self.workers:
            assert worker.stdin is not None
            worker.stdin.close()
        for worker in self.workers:
            try:
                await asyncio.wait_for(worker.wait(), CLOSE_TIMEOUT)
            except TimeoutError:
                worker.kill()
                await worker.wait()
        self.workers = []

    async def expect(self, name: str, timeout: float) -> None:
        """Tells every process the name the next write sets; returns once each of them is watching for it."""
        for worker in self.workers:
            assert worker.stdin is not None
            worker.stdin.write(json.dumps({'expect': name, 'timeout': timeout}).encode() + b'\n')
        await asyncio.gather(*(self._read(worker, READY_TIMEOUT) for worker in self.workers))

    async def arrivals(self, timeout: float) -> list[float]:
        """Epoch milliseconds at which each shopper, in every process, received the expected name."""
        reports = await asyncio.gather(*(self._read(worker, timeout + REPORT_SLACK) for worker in self.workers))
        self.reconnects = sum(report['reconnects'] for report in reports)
        self.reloads = sum(report['reloads'] for report in reports)
        return [moment for report in reports for moment in report['arrivals']]

    async def _read(self, worker: asyncio.subprocess.Process, timeout: float) -> dict[str, Any]:
        assert worker.stdout is not None
        line = await asyncio.wait_for(worker.stdout.readline(), timeout)
        if not line:
            raise RuntimeError(f'shopper process {worker.pid} ended (exit status {await worker.wait()})')
        message: dict[str, Any] = json.loads(line)
        return message


async def main(url: str, count: int) -> None:
    raise_fd_limit()
    crowd = Crowd(url)
    await crowd.open(count)
    say({'shoppers': len(crowd.shoppers), 'failed_opens': crowd.failed_opens})
    reader = await stdin()
    while line := await reader.readline():
        order = json.loads(line)
        crowd.expect(order['expect'])
        say({'expecting': order['expect']})
        arrivals = await crowd.wait(order['timeout'])
        say({'arrivals': arrivals, 'reconnects': crowd.reconnects, 'reloads': crowd.reloads})
    await crowd.close()


async def stdin() -> asyncio.StreamReader:
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


def say(message: dict[str, object]) -> None:
    print(json.dumps(message), flush=True)


if __name__ == '__main__':
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
