"""Fan-out: one admin write → the last of N simulated shoppers has the new card text; beside two floors.

For each N a fresh app starts; N shoppers open the shop page `/` (page 1, sorted by name) and hold its
websocket, in load-generator processes of up to 250 shoppers each (`bench.fanout_shoppers`), so the
latency measured includes delivery to the last shopper of the last process. Then the first listed product is
renamed W times, one write after the other completes everywhere. Per write: the time from just before the
PATCH is sent to the moment the last shopper received the new name (and the median shopper), the server's
CPU, and the server's memory per connected shopper. CPU per shopper per write takes out the CPU of as many
writes with nobody watching, in the same process, before anyone connected. Shoppers that dropped and
reconnected or were told to reload are counted. The first row, N = 0, is the write alone: the PATCH's own round
trip with nobody watching.

At the same N, driven the same way by the same shopper processes, the floors: `socketio` (python-socketio as
NiceGUI sets it up, emitting a message of our card update's size, measured on the app, to every shopper:
`bench.floors.socketio_bare`) and `nicegui` (a bare NiceGUI page updating one label per client:
`bench.floors.nicegui_bare`).
"""

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from bench.compare import per_connection, print_comparison, ratios
from bench.fanout_shoppers import PER_PROCESS, Crowds
from bench.floors import Floor
from bench.harness import RESULTS, App, Server, Writer, first_listed, percentiles, sampling, save, start_record
from bench.progress import Progress
from bench.shoppers import Crowd

SIZES = (50, 200, 500, 1000)
QUICK_SIZES = (50,)
WRITES, QUICK_WRITES = 30, 10
PRODUCTS = 120
ARRIVAL_TIMEOUT = 30.0
FLOORS = {'socketio': 'socketio_bare', 'nicegui': 'nicegui_bare'}


def steps(quick: bool, sizes: tuple[int, ...] | None = None) -> int:
    return 1 + len(sizes or (QUICK_SIZES if quick else SIZES)) * (1 + len(FLOORS))


def run(
    quick: bool = False,
    folder: Path = RESULTS,
    sizes: tuple[int, ...] | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    record = start_record('fanout', quick)
    writes = QUICK_WRITES if quick else WRITES
    record['writes_per_size'] = writes
    record['products'] = PRODUCTS
    record['floors'] = FLOORS
    progress = progress or Progress(steps(quick, sizes))
    record['rows'] = rows = [asyncio.run(measure(App(products=PRODUCTS), 0, writes))]
    progress.advance('fanout N=0 (the write alone)')
    for count in sizes or (QUICK_SIZES if quick else SIZES):
        row = asyncio.run(measure(App(products=PRODUCTS), count, writes))
        progress.advance(f'fanout N={count} ours')
        row['floors'] = {}
        for label, floor in FLOORS.items():
            server = Floor(floor, str(row['message_bytes'])) if label == 'socketio' else Floor(floor)
            row['floors'][label] = asyncio.run(measure(server, count, writes))
            progress.advance(f'fanout N={count} {label}')
        row['ratios'] = {label: ratios(row, floor) for label, floor in row['floors'].items()}
        rows.append(row)
        save(record, folder)  # after every size: a later, larger size that stalls does not lose the earlier ones
    print_rows(rows)
    return record


async def measure(server: Server, count: int, writes: int, profile: Path | None = None) -> dict[str, Any]:
    """One fresh server, `count` shoppers, `writes` timed writes; with `profile`, py-spy samples the writes."""
    with server:
        async with server.admin() as admin:
            writer = Writer(admin, first_listed(server.url))
            await writer.write()  # warm-up, not measured
            cpu = server.cpu_seconds()
            for _ in range(writes):
                await writer.write()
            cpu_alone = server.cpu_seconds() - cpu
            message_bytes = await message_size(server.url, writer)  # also warms the page (imports, templates), so
            # that does not count as per-shopper memory
            crowds = Crowds(server.url)
            rss_before = server.rss()
            opened = time.monotonic()
            await crowds.open(count)
            open_seconds = time.monotonic() - opened
            rss_after = server.rss()
            try:
                await write_and_wait(writer, crowds)  # warm-up write, not measured
                cpu = server.cpu_seconds()
                lasts, medians, missed = [], [], 0
                with sampling(server, profile):
                    for _ in range(writes):
                        arrivals, started = await write_and_wait(writer, crowds)
                        missed += max(crowds.shoppers, 1) - len(arrivals)
                        if arrivals:
                            lasts.append(max(arrivals) - started)
                            medians.append(sorted(arrivals)[len(arrivals) // 2] - started)
                cpu = server.cpu_seconds() - cpu
            finally:
                await crowds.close()
    cpu_ms, cpu_ms_alone = cpu / writes * 1000, cpu_alone / writes * 1000
    kb = (rss_after - rss_before) / crowds.shoppers / 1024 if crowds.shoppers else None
    return {
        'shoppers': crowds.shoppers,
        'processes': (count + PER_PROCESS - 1) // PER_PROCESS,
        'writes': writes,
        'message_bytes': message_bytes,
        'last': percentiles(lasts),
        'median_shopper': percentiles(medians),
        'missed_deliveries': missed,
        'failed_opens': crowds.failed_opens,
        'reconnects': crowds.reconnects,
        'reloads': crowds.reloads,
        'cpu_ms_per_write': cpu_ms,
        'cpu_ms_per_write_alone': cpu_ms_alone,
        'cpu_us_per_connection': per_connection(cpu_ms, cpu_ms_alone, crowds.shoppers),
        'rss_before_mb': rss_before / 2**20,
        'rss_after_mb': rss_after / 2**20,
        'kb_per_shopper': kb,
        'kb_per_connection': kb,
        'open_seconds': open_seconds,
    }


async def message_size(url: str, writer: Writer) -> int:
    """The bytes of the smallest message that brings one write's new name to a shopper (our card update, as the
    Socket.IO packet received). Other messages may come in the same moment (a page's first update brings the card's
    component; a page that connected resends its elements), so the one to count is picked by what it carries."""
    crowd = Crowd(url)
    await crowd.open(1)
    try:
        (shopper,) = crowd.shoppers
        shopper.packets = []
        name = writer.next_name()
        crowd.expect(name)
        await writer.write()
        if not await crowd.wait(ARRIVAL_TIMEOUT):
            raise RuntimeError(f'the one shopper on {url} never saw the write')
        return min(len(packet.encode()) for packet in shopper.packets if json.dumps(name, ensure_ascii=False) in packet)
    finally:
        await crowd.close()


async def write_and_wait(writer: Writer, crowds: Crowds) -> tuple[list[float], float]:
    """One write; the arrival times at every shopper (or the write's own response time with no shoppers)."""
    await crowds.expect(writer.next_name(), ARRIVAL_TIMEOUT)
    started = await writer.write()
    if not crowds.workers:
        return [time.time() * 1000], started
    return await crowds.arrivals(ARRIVAL_TIMEOUT), started


def print_rows(rows: list[dict[str, Any]]) -> None:
    base = rows[0]
    if not base['shoppers']:
        print(f'\nthe write alone (N=0): p50 {base["last"]["p50"]:.1f} ms, p99 {base["last"]["p99"]:.1f} ms')
    title = 'fan-out: admin write → new card text at the last of N shoppers (ms)'
    print_comparison(title, [row for row in rows if row['shoppers']], 'shoppers', 'shopper')
    missed = [(row['shoppers'], row['missed_deliveries'], row['reconnects'] + row['reloads']) for row in rows]
    print('missed deliveries / reconnects (ours): ' + ', '.join(f'N={n}: {m} / {r}' for n, m, r in missed if n))
