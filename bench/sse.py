"""SSE fan-out: one admin write → the last of N `/api/cache-events` subscribers has the event.

The subscribers live in separate load-generator processes (`bench.sse_clients`, up to 2,500 streams each),
never in the server's. For each N a fresh app starts; the writes rename one product, one after the other
has reached every stream. The baseline is the PATCH's own round trip, measured in the same run.
"""

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

from bench.fanout import ratio
from bench.harness import RESULTS, App, Writer, first_listed, groups_of, percentiles, save, start_record, table

SIZES = (100, 1000, 5000)
QUICK_SIZES = (100,)
WRITES, QUICK_WRITES = 30, 10
STREAMS_PER_PROCESS = 2500
READY_TIMEOUT, EVENT_TIMEOUT = 300.0, 30.0


def run(quick: bool = False, folder: Path = RESULTS, sizes: tuple[int, ...] | None = None) -> dict[str, Any]:
    record = start_record('sse', quick)
    writes = QUICK_WRITES if quick else WRITES
    record['writes_per_size'] = writes
    rows = []
    for count in sizes or (QUICK_SIZES if quick else SIZES):
        rows.append(asyncio.run(measure(count, writes)))
        print(f'  N={count}: last subscriber p99 {rows[-1]["last"]["p99"]:.0f} ms', flush=True)
    record['rows'] = rows
    print_rows(rows)
    save(record, folder)
    return record


async def measure(count: int, writes: int) -> dict[str, Any]:
    with App(products=30) as app:
        rss_before = app.rss()
        opened = time.monotonic()
        workers = [await start_worker(app.url, size) for size in groups_of(count, STREAMS_PER_PROCESS)]
        open_seconds = time.monotonic() - opened
        rss_after = app.rss()
        try:
            async with app.admin() as admin:
                writer = Writer(admin, first_listed(app.url))
                await write_and_collect(writer, workers)  # warm-up, not measured
                cpu = app.cpu_seconds()
                lasts, firsts, round_trips, missed = [], [], [], 0
                for _ in range(writes):
                    started, answered, reports = await write_and_collect(writer, workers)
                    round_trips.append(answered - started)
                    missed += len(workers) - len(reports)
                    if reports:
                        lasts.append(max(last for _, last in reports) - started)
                        firsts.append(min(first for first, _ in reports) - started)
                cpu = app.cpu_seconds() - cpu
        finally:
            for worker in workers:
                worker.terminate()
                await worker.wait()
    return {
        'subscribers': count,
        'writes': writes,
        'processes': len(workers),
        'last': percentiles(lasts),
        'first': percentiles(firsts),
        'write_round_trip': percentiles(round_trips),
        'missed_reports': missed,
        'cpu_ms_per_write': cpu / writes * 1000,
        'rss_before_mb': rss_before / 2**20,
        'rss_after_mb': rss_after / 2**20,
        'kb_per_subscriber': (rss_after - rss_before) / count / 1024,
        'open_seconds': open_seconds,
    }


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


def print_rows(rows: list[dict[str, Any]]) -> None:
    print('\nSSE: admin write → event at the last of N subscribers (ms)')
    headers = ['N', 'p50', 'p95', 'p99', 'write alone p50', 'p99 xwrite', 'first p50', 'CPU ms/write', 'KB/sub']
    print(
        table(
            headers,
            [
                [
                    row['subscribers'],
                    row['last']['p50'],
                    row['last']['p95'],
                    row['last']['p99'],
                    row['write_round_trip']['p50'],
                    ratio(row['last']['p99'], row['write_round_trip']['p50']),
                    row['first']['p50'],
                    row['cpu_ms_per_write'],
                    row['kb_per_subscriber'],
                ]
                for row in rows
            ],
        )
    )
