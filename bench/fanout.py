"""Fan-out: one admin write → the last of N simulated shoppers has the new card text.

For each N a fresh app starts; N shoppers open the shop page `/` (page 1, sorted by name) and hold its
websocket, in load-generator processes of up to 250 shoppers each (`bench.fanout_shoppers`), so the
latency measured includes delivery to the last shopper of the last process. Then the first listed product is
renamed W times, one write after the other completes everywhere. Per write: the time from just before the
PATCH is sent to the moment the last shopper received the new name (and the median shopper), the server's
CPU seconds, and the server's memory per connected shopper. Shoppers that dropped and reconnected or were told
to reload are counted. The baseline row, N = 0, is the write alone: the PATCH's own round trip with nobody
watching.
"""

import asyncio
import time
from pathlib import Path
from typing import Any

from bench.fanout_shoppers import PER_PROCESS, Crowds
from bench.harness import RESULTS, App, Writer, first_listed, percentiles, sampling, save, start_record, table

SIZES = (50, 200, 500, 1000)
QUICK_SIZES = (50,)
WRITES, QUICK_WRITES = 30, 10
PRODUCTS = 120
ARRIVAL_TIMEOUT = 30.0


def run(quick: bool = False, folder: Path = RESULTS, sizes: tuple[int, ...] | None = None) -> dict[str, Any]:
    record = start_record('fanout', quick)
    writes = QUICK_WRITES if quick else WRITES
    record['writes_per_size'] = writes
    record['products'] = PRODUCTS
    record['rows'] = rows = [asyncio.run(measure(0, writes))]
    for count in sizes or (QUICK_SIZES if quick else SIZES):
        rows.append(asyncio.run(measure(count, writes)))
        print(f'  N={count}: last shopper p99 {rows[-1]["last"]["p99"]:.0f} ms', flush=True)
        save(record, folder)  # after every size: a later, larger size that stalls does not lose the earlier ones
    print_rows(rows)
    return record


async def measure(count: int, writes: int, profile: Path | None = None) -> dict[str, Any]:
    """One fresh app, `count` shoppers, `writes` timed writes; with `profile`, py-spy samples the writes."""
    with App(products=PRODUCTS) as app:
        warm_up = Crowds(app.url)
        await warm_up.open(1)  # warms the page (imports, templates) so it does not count as per-shopper memory
        await warm_up.close()
        crowds = Crowds(app.url)
        rss_before = app.rss()
        opened = time.monotonic()
        await crowds.open(count)
        open_seconds = time.monotonic() - opened
        rss_after = app.rss()
        try:
            async with app.admin() as admin:
                writer = Writer(admin, first_listed(app.url))
                await write_and_wait(writer, crowds)  # warm-up write, not measured
                cpu = app.cpu_seconds()
                lasts, medians, missed = [], [], 0
                with sampling(app, profile):
                    for _ in range(writes):
                        arrivals, started = await write_and_wait(writer, crowds)
                        missed += max(crowds.shoppers, 1) - len(arrivals)
                        if arrivals:
                            lasts.append(max(arrivals) - started)
                            medians.append(sorted(arrivals)[len(arrivals) // 2] - started)
                cpu = app.cpu_seconds() - cpu
        finally:
            await crowds.close()
    return {
        'shoppers': crowds.shoppers,
        'processes': (count + PER_PROCESS - 1) // PER_PROCESS,
        'writes': writes,
        'last': percentiles(lasts),
        'median_shopper': percentiles(medians),
        'missed_deliveries': missed,
        'failed_opens': crowds.failed_opens,
        'reconnects': crowds.reconnects,
        'reloads': crowds.reloads,
        'cpu_ms_per_write': cpu / writes * 1000,
        'rss_before_mb': rss_before / 2**20,
        'rss_after_mb': rss_after / 2**20,
        'kb_per_shopper': (rss_after - rss_before) / crowds.shoppers / 1024 if crowds.shoppers else None,
        'open_seconds': open_seconds,
    }


async def write_and_wait(writer: Writer, crowds: Crowds) -> tuple[list[float], float]:
    """One write; the arrival times at every shopper (or the write's own response time with no shoppers)."""
    await crowds.expect(writer.next_name(), ARRIVAL_TIMEOUT)
    started = await writer.write()
    if not crowds.workers:
        return [time.time() * 1000], started
    return await crowds.arrivals(ARRIVAL_TIMEOUT), started


def print_rows(rows: list[dict[str, Any]]) -> None:
    base = rows[0]
    print('\nfan-out: admin write → new card text at the last of N shoppers (ms); N=0 is the write alone')
    print(
        table(
            ['N', 'p50', 'p95', 'p99', 'p99 xN=0', 'median p50', 'CPU ms/write', 'KB/shopper', 'missed', 'reconn.'],
            [
                [
                    row['shoppers'],
                    row['last']['p50'],
                    row['last']['p95'],
                    row['last']['p99'],
                    ratio(row['last']['p99'], base['last']['p99']),
                    row['median_shopper']['p50'],
                    row['cpu_ms_per_write'],
                    row['kb_per_shopper'],
                    row['missed_deliveries'],
                    row['reconnects'] + row['reloads'],
                ]
                for row in rows
            ],
        )
    )


def ratio(value: float | None, base: float | None) -> str:
    return f'{value / base:.1f}x' if value is not None and base else '-'
