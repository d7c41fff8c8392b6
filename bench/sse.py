"""SSE fan-out: one admin write → the last of N `/api/cache-events` subscribers has the event; beside two floors.

The subscribers live in separate load-generator processes (`bench.sse_clients`, up to 2,500 streams each),
never in the server's. For each N a fresh app starts; the writes rename one product, one after the other
has reached every stream. Then, at the same N and driven the same way by the same client processes, the floors:
`uvicorn` (a bare ASGI app on our stack, `bench.floors.sse_asgi`) and `node` (Node's `http` module,
`bench/floors/sse_node.js`), each writing one pre-encoded frame of our event's size (measured on our stream
first) to every stream. Per server: latency, CPU per write, CPU per stream per event (the CPU of as many writes
with no stream open, in the same process, taken out), memory per stream.
"""

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from bench.compare import per_connection, print_comparison, ratios
from bench.floors import Floor
from bench.harness import (
    RESULTS,
    App,
    Server,
    Writer,
    first_listed,
    groups_of,
    percentiles,
    sampling,
    save,
    start_record,
)
from bench.progress import Progress

SIZES = (100, 1000, 5000)
QUICK_SIZES = (100,)
WRITES, QUICK_WRITES = 30, 10
STREAMS_PER_PROCESS = 2500
READY_TIMEOUT, EVENT_TIMEOUT = 300.0, 30.0
FLOORS = {'uvicorn': 'sse_asgi', 'node': 'sse_node.js'}


def steps(quick: bool, sizes: tuple[int, ...] | None = None) -> int:
    return len(sizes or (QUICK_SIZES if quick else SIZES)) * (1 + len(FLOORS))


def run(
    quick: bool = False,
    folder: Path = RESULTS,
    sizes: tuple[int, ...] | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    record = start_record('sse', quick)
    writes = QUICK_WRITES if quick else WRITES
    record['writes_per_size'] = writes
    record['floors'] = FLOORS
    progress = progress or Progress(steps(quick, sizes))
    rows = []
    for count in sizes or (QUICK_SIZES if quick else SIZES):
        row = asyncio.run(measure(App(products=30), count, writes))
        progress.advance(f'sse N={count} ours')
        row['floors'] = {}
        for label, floor in FLOORS.items():
            row['floors'][label] = asyncio.run(measure(Floor(floor, str(row['frame_bytes'])), count, writes))
            progress.advance(f'sse N={count} {label}')
        row['ratios'] = {label: ratios(row, floor) for label, floor in row['floors'].items()}
        rows.append(row)
    record['rows'] = rows
    print_comparison('SSE: admin write → event at the last of N subscribers (ms)', rows, 'subscribers', 'stream')
    save(record, folder)
    return record


async def measure(server: Server, count: int, writes: int, profile: Path | None = None) -> dict[str, Any]:
    """One fresh server, `count` streams, `writes` timed writes; with `profile`, py-spy samples the writes."""
    with server:
        async with server.admin() as admin:
            writer = Writer(admin, first_listed(server.url))
            frame_bytes = await frame_size(server.url, writer)  # also the warm-up write
            cpu_alone = await cpu_of_writes(server, writer, writes)
            rss_before = server.rss()
            opened = time.monotonic()
            workers = [await start_worker(server.url, size) for size in groups_of(count, STREAMS_PER_PROCESS)]
            open_seconds = time.monotonic() - opened
            rss_after = server.rss()
            try:
                await write_and_collect(writer, workers)  # warm-up, not measured
                cpu = server.cpu_seconds()
                lasts, firsts, round_trips, missed = [], [], [], 0
                with sampling(server, profile):
                    for _ in range(writes):
                        started, answered, reports = await write_and_collect(writer, workers)
                        round_trips.append(answered - started)
                        missed += len(workers) - len(reports)
                        if reports:
                            lasts.append(max(last for _, last in reports) - started)
                            firsts.append(min(first for first, _ in reports) - started)
                cpu = server.cpu_seconds() - cpu
            finally:
                for worker in workers:
                    worker.terminate()
                    await worker.wait()
    cpu_ms, cpu_ms_alone = cpu / writes * 1000, cpu_alone / writes * 1000
    kb = (rss_after - rss_before) / count / 1024
    return {
        'subscribers': count,
        'writes': writes,
        'processes': len(workers),
        'frame_bytes': frame_bytes,
        'last': percentiles(lasts),
        'first': percentiles(firsts),
        'write_round_trip': percentiles(round_trips),
        'missed_reports': missed,
        'cpu_ms_per_write': cpu_ms,
        'cpu_ms_per_write_alone': cpu_ms_alone,
        'cpu_us_per_connection': per_connection(cpu_ms, cpu_ms_alone, count),
        'rss_before_mb': rss_before / 2**20,
        'rss_after_mb': rss_after / 2**20,
        'kb_per_subscriber': kb,
        'kb_per_connection': kb,
        'open_seconds': open_seconds,
    }


async def frame_size(url: str, writer: Writer) -> int:
    """The bytes of one event's frame on a stream (as sent, without HTTP's chunk framing), for one write."""
    async with (
        httpx.AsyncClient(base_url=url, timeout=EVENT_TIMEOUT) as http,
        http.stream('GET', '/api/cache-events') as stream,
    ):
        chunks = stream.aiter_bytes()
        buffer = b''
        while b': connected' not in buffer:
            buffer += await anext(chunks)
        await writer.write()
        buffer = b''
        while b'data:' not in buffer or not buffer.endswith((b'\r\n\r\n', b'\n\n')):
            buffer += await anext(chunks)
        return len(buffer)


async def cpu_of_writes(server: Server, writer: Writer, writes: int) -> float:
    """CPU seconds the server spends on `writes` writes with no stream open."""
    cpu = server.cpu_seconds()
    for _ in range(writes):
        await writer.write()
    return server.cpu_seconds() - cpu


async def start_worker(url: str, streams: int) -> asyncio.subprocess.Process:
    worker = await asyncio.create_subprocess_exec(
        sys.executable, '-m', 'bench.sse_clients', url, str(streams), stdout=asyncio.subprocess.PIPE
    )
    assert worker.stdout is not None
    line = await asyncio.wait_for(worker.stdout.readline(), READY_TIMEOUT)
    if line.strip() != b'ready':
        raise RuntimeError(f'SSE client process did not get ready: {line!r}')
    return worker


async def write_and_collect(
    writer: Writer, workers: list[asyncio.subprocess.Process]
) -> tuple[float, float, list[tuple[float, float]]]:
    """One write; each worker's (first, last) arrival of its event, in epoch milliseconds."""
    started = await writer.write()
    answered = time.time() * 1000
    reports = []
    for worker in workers:
        assert worker.stdout is not None
        try:
            line = await asyncio.wait_for(worker.stdout.readline(), EVENT_TIMEOUT)
        except TimeoutError:
            continue
        _event_id, first, last, _streams = line.split()
        reports.append((float(first), float(last)))
    return started, answered, reports
