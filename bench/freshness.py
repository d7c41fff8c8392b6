"""Freshness: admin API write → the card's text changed in real Chromium shop pages, on the browser's clock.

Each page watches the first listed product's name with a MutationObserver that notes, per text, the
browser's `performance.timeOrigin + performance.now()` (epoch milliseconds, like `Date.now()`, on the same
host clock). The start is `time.time()` just before the PATCH is sent, so a sample covers the HTTP request,
the commit, the bus, the cache reload, the page's decision, the websocket message and the DOM update.

Two floors, in the same run: the write alone (the PATCH's own round trip, timed beside every sample), and a
bare WebSocket round trip from the browser (as many Chromium pages, each timing as many round trips on its own
clock against `bench.floors.websocket_echo`: uvicorn and wsproto, as the app runs them).
"""

import asyncio
import time
from pathlib import Path
from typing import Any

from playwright.async_api import Page, async_playwright

from bench.compare import quotient, times
from bench.floors import Floor
from bench.floors.websocket_echo import ROUND_TRIPS
from bench.harness import RESULTS, App, Writer, first_listed, percentiles, save, start_record, table
from bench.progress import Progress
from testkit.browser import CHROMIUM, CHROMIUM_ARGS, OBSERVE_NAME

PAGES = (1, 5)
WRITES, QUICK_WRITES = 100, 15
PRODUCTS = 120
SEEN_TIMEOUT_MS = 10_000


def steps(_quick: bool) -> int:
    return 2 * len(PAGES)


def run(quick: bool = False, folder: Path = RESULTS, progress: Progress | None = None) -> dict[str, Any]:
    record = start_record('freshness', quick)
    record['writes'] = QUICK_WRITES if quick else WRITES
    record['products'] = PRODUCTS
    progress = progress or Progress(steps(quick))
    record['rows'] = []
    for pages in PAGES:
        row = asyncio.run(measure(pages, record['writes']))
        progress.advance(f'freshness {pages} page(s) ours')
        row['floors'] = {'websocket': asyncio.run(round_trips(pages, record['writes']))}
        progress.advance(f'freshness {pages} page(s) websocket')
        every, websocket = row['every_page'], row['floors']['websocket']['round_trip']
        row['ratios'] = {
            floor: {key: quotient(every[key], base[key]) for key in ('p50', 'p99')}
            for floor, base in (('write', row['write_round_trip']), ('websocket', websocket))
        }
        record['rows'].append(row)
    print_rows(record['rows'])
    save(record, folder)
    return record


async def measure(pages: int, writes: int) -> dict[str, Any]:
    with App(products=PRODUCTS) as app:
        target = first_listed(app.url)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            context = await browser.new_context()
            tabs = [await open_tab(await context.new_page(), app.url, target['id']) for _ in range(pages)]
            async with app.admin() as admin:
                writer = Writer(admin, target)
                samples, lasts, round_trips = [], [], []
                for _ in range(writes):
                    name = writer.next_name()
                    started = await writer.write()
                    round_trips.append(time.time() * 1000 - started)
                    seen = [await seen_at(tab, name) for tab in tabs]
                    samples += [moment - started for moment in seen]
                    lasts.append(max(seen) - started)
            await browser.close()
    return {
        'pages': pages,
        'writes': writes,
        'every_page': percentiles(samples),
        'last_page': percentiles(lasts),
        'write_round_trip': percentiles(round_trips),
    }


async def round_trips(pages: int, count: int) -> dict[str, Any]:
    """`count` WebSocket round trips in each of `pages` Chromium pages at once, on the browser's clock."""
    with Floor('websocket_echo') as floor:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            context = await browser.new_context()
            tabs = [await context.new_page() for _ in range(pages)]
            for tab in tabs:
                await tab.goto(floor.url)
            samples = await asyncio.gather(*(tab.evaluate(ROUND_TRIPS, count) for tab in tabs))
            await browser.close()
    return {'pages': pages, 'round_trips': count, 'round_trip': percentiles([t for tab in samples for t in tab])}


async def open_tab(page: Page, url: str, product_id: int) -> Page:
    await page.goto(url)
    await page.wait_for_selector(f'[data-product-id="{product_id}"] a')
    await page.evaluate(OBSERVE_NAME, product_id)
    return page


async def seen_at(page: Page, name: str) -> float:
    handle = await page.wait_for_function('name => window.seen[name]', arg=name, timeout=SEEN_TIMEOUT_MS)
    return float(await handle.json_value())


def print_rows(rows: list[dict[str, Any]]) -> None:
    print('\nfreshness: admin write → card text changed in Chromium, browser clock (ms)')
    headers = [
        'pages', 'writes', 'p50', 'p95', 'p99', 'last page p99', 'write alone p50', 'p99',
        'WebSocket round trip p50', 'p99', 'ours÷write p50', 'p99', 'ours÷WebSocket p50', 'p99',
    ]  # fmt: skip
    lines = []
    for row in rows:
        every, write, websocket = row['every_page'], row['write_round_trip'], row['floors']['websocket']['round_trip']
        ratios = [times(row['ratios'][floor][key]) for floor in ('write', 'websocket') for key in ('p50', 'p99')]
        figures = [every['p50'], every['p95'], every['p99'], row['last_page']['p99']]
        floors = [write['p50'], write['p99'], websocket['p50'], websocket['p99']]
        lines.append([row['pages'], row['writes'], *figures, *floors, *ratios])
    print(table(headers, lines))
