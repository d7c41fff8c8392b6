"""Push versus polling: S shoppers for T seconds while the first listed product changes every few seconds.

(a) "before": each shopper polls `GET /api/products` (the shop's first page) every 5 s, staggered.
(b) "after": each shopper holds the live shop page's websocket (simulated shoppers, see `bench.shoppers`),
    at S and at S/5 shoppers, to show whether DB queries per change depend on the number of shoppers.
Each phase runs on a fresh app. Counted during the window: HTTP requests (the websocket upgrade counts as
one), bytes from server to shoppers (HTTP status line, headers and body as sent, gzip included; Socket.IO
messages as sent, pings included), DB statements (`storefront_db_queries_total`, the writes' own included),
server CPU seconds, and freshness (write sent → shopper has the new name). The page load itself is the same
for both and is left out of both.
"""

import asyncio
import random
import time
from pathlib import Path
from typing import Any

import httpx

from bench.harness import RESULTS, App, Writer, first_listed, percentiles, save, start_record, table
from bench.shoppers import Crowd

SHOPPERS, QUICK_SHOPPERS = 50, 10
SECONDS, QUICK_SECONDS = 60.0, 8.0
POLL_SECONDS = 5.0
CHANGE_SECONDS = 3.0
PRODUCTS = 120
CLAIMS = {'requests': 90, 'bytes': 80, 'cpu': 70}  # the seed's "before vs after" table, in % reduction


def run(quick: bool = False, folder: Path = RESULTS) -> dict[str, Any]:
    record = start_record('push_vs_poll', quick)
    shoppers, seconds = (QUICK_SHOPPERS, QUICK_SECONDS) if quick else (SHOPPERS, SECONDS)
    record.update(shoppers=shoppers, seconds=seconds, poll_seconds=POLL_SECONDS, change_seconds=CHANGE_SECONDS)
    poll = asyncio.run(phase(polling, shoppers, seconds))
    push = asyncio.run(phase(pushing, shoppers, seconds))
    push_few = asyncio.run(phase(pushing, max(1, shoppers // 5), seconds))
    record['rows'] = [poll, push, push_few]
    record['reductions'] = {key: reduction(poll[key], push[key]) for key in ('requests', 'bytes', 'cpu_seconds')}
    print_rows(record)
    save(record, folder)
    return record


async def phase(kind: Any, shoppers: int, seconds: float) -> dict[str, Any]:
    with App(products=PRODUCTS) as app:
        return dict(await kind(app, shoppers, seconds))


async def polling(app: App, shoppers: int, seconds: float) -> dict[str, Any]:
    """Every shopper polls the first page every POLL_SECONDS; a poll that shows a newer name ends that write's wait."""
    target = first_listed(app.url)
    writes: dict[str, float] = {}  # name → when its write was sent
    seen: list[float] = []
    totals = {'requests': 0, 'bytes': 0}
    async with httpx.AsyncClient(base_url=app.url, timeout=30) as http, app.admin() as admin:
        before = counters(app)
        start = time.monotonic()

        async def poller(offset: float) -> None:
            known: set[str] = set()
            await asyncio.sleep(offset)  # staggered like real shoppers, not a thundering herd
            while time.monotonic() - start < seconds:
                response = await http.get('/api/products')
                moment = time.time() * 1000
                totals['requests'] += 1
                totals['bytes'] += wire_bytes(response)
                name = next(p['name'] for p in response.json()['items'] if p['id'] == target['id'])
                for written, sent in list(writes.items()):
                    if written not in known and (written == name or newer(name, written)):
                        known.add(written)
                        seen.append(moment - sent)
                await asyncio.sleep(POLL_SECONDS)

        pollers = [asyncio.create_task(poller(i * POLL_SECONDS / shoppers)) for i in range(shoppers)]
        changes = await change_every(
            Writer(admin, target), seconds, start, lambda name, sent: writes.update({name: sent})
        )
        await asyncio.gather(*pollers)
        return {'mode': 'poll every 5 s', 'shoppers': shoppers, **totals, **delta(app, before), **result(changes, seen)}


async def pushing(app: App, shoppers: int, seconds: float) -> dict[str, Any]:
    """Every shopper holds the live page; each change is timed until the last shopper has it."""
    target = first_listed(app.url)
    crowd = Crowd(app.url)
    seen: list[float] = []
    async with app.admin() as admin:
        writer = Writer(admin, target)
        await crowd.open(shoppers)  # the page load is left out, as for polling
        setup_bytes = crowd.received_bytes
        before = counters(app)
        start = time.monotonic()
        pending: list[asyncio.Task[None]] = []

        def sent(name: str, moment: float) -> None:
            pending.append(asyncio.create_task(collect(crowd, moment, seen)))

        changes = await change_every(writer, seconds, start, sent, before_write=crowd.expect)
        await asyncio.gather(*pending)
        totals = {'requests': shoppers, 'bytes': crowd.received_bytes - setup_bytes}
        after = delta(app, before)
        await crowd.close()
    return {'mode': 'live push (websocket)', 'shoppers': shoppers, **totals, **after, **result(changes, seen)}


async def collect(crowd: Crowd, sent: float, seen: list[float]) -> None:
    seen += [moment - sent for moment in await crowd.wait(CHANGE_SECONDS)]


async def change_every(writer: Writer, seconds: float, start: float, sent: Any, before_write: Any = None) -> int:
    """Renames the product every CHANGE_SECONDS (with a little jitter) until the window ends; returns the count."""
    changes = 0
    while time.monotonic() - start + CHANGE_SECONDS < seconds:
        await asyncio.sleep(CHANGE_SECONDS * random.uniform(0.8, 1.2))  # pacing, not synchronisation
        name = writer.next_name()
        if before_write is not None:
            before_write(name)
        moment = await writer.write()
        sent(name, moment)
        changes += 1
    remaining = seconds - (time.monotonic() - start)
    await asyncio.sleep(max(0.0, remaining))
    return changes


def newer(shown: str, written: str) -> bool:
    """'Name #7' is newer than 'Name #5': the writer counts up."""
    return counter_of(shown) > counter_of(written)


def counter_of(name: str) -> int:
    _, _, number = name.rpartition(' #')
    return int(number) if number.isdigit() else 0


def wire_bytes(response: httpx.Response) -> int:
    """Status line, headers and the body as it travelled (compressed if it was)."""
    head = len(f'HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n') + 2
    head += sum(len(name) + len(value) + 4 for name, value in response.headers.raw)
    return head + response.num_bytes_downloaded


def counters(app: App) -> dict[str, float]:
    return {'db': app.metric('storefront_db_queries_total'), 'cpu': app.cpu_seconds()}


def delta(app: App, before: dict[str, float]) -> dict[str, float]:
    after = counters(app)
    return {'db_queries': after['db'] - before['db'], 'cpu_seconds': after['cpu'] - before['cpu']}


def result(changes: int, seen: list[float]) -> dict[str, Any]:
    return {'changes': changes, 'freshness': percentiles(seen)}


def reduction(before: float, after: float) -> float | None:
    return (1 - after / before) * 100 if before else None


def print_rows(record: dict[str, Any]) -> None:
    print(f'\npush vs poll: {record["shoppers"]} shoppers, {record["seconds"]:.0f} s, a change every ~3 s')
    headers = ['mode', 'S', 'changes', 'requests', 'KB', 'DB queries', 'DB/change', 'CPU s', 'fresh p50', 'fresh p99']
    rows = [
        [
            row['mode'],
            row['shoppers'],
            row['changes'],
            row['requests'],
            row['bytes'] / 1024,
            int(row['db_queries']),
            row['db_queries'] / row['changes'] if row['changes'] else None,
            row['cpu_seconds'],
            row['freshness']['p50'],
            row['freshness']['p99'],
        ]
        for row in record['rows']
    ]
    print(table(headers, rows))
    print('\nreduction (push vs poll)   measured   seed claimed   target')
    targets = {'requests': '≥ 99 %', 'bytes': '≥ 95 %', 'cpu_seconds': '-'}
    for key, claim in zip(('requests', 'bytes', 'cpu_seconds'), CLAIMS.values(), strict=True):
        value = record['reductions'][key]
        shown = '-' if value is None else f'{value:.1f} %'
        print(f'{key:<26} {shown:>9}   {claim:>10} %   {targets[key]}')
