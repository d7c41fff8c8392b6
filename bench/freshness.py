"""Freshness: admin API write → the card's text changed in real Chromium shop pages, on the browser's clock.

Each page watches the first listed product's name with a MutationObserver that notes, per text, the
browser's `performance.timeOrigin + performance.now()` (epoch milliseconds, like `Date.now()`, on the same
host clock). The start is `time.time()` just before the PATCH is sent, so a sample covers the HTTP request,
the commit, the bus, the cache reload, the page's decision, the websocket message and the DOM update. The
baseline is the PATCH's own round trip, measured in the same run.
"""

import asyncio
import time
from pathlib import Path
from typing import Any

from playwright.async_api import Page, async_playwright

from bench.harness import RESULTS, App, Writer, first_listed, percentiles, save, start_record, table
from testkit.browser import CHROMIUM, CHROMIUM_ARGS, OBSERVE_NAME

PAGES = (1, 5)
WRITES, QUICK_WRITES = 100, 15
PRODUCTS = 120
SEEN_TIMEOUT_MS = 10_000


def run(quick: bool = False, folder: Path = RESULTS) -> dict[str, Any]:
    record = start_record('freshness', quick)
    record['writes'] = QUICK_WRITES if quick else WRITES
    record['products'] = PRODUCTS
    record['rows'] = [asyncio.run(measure(pages, record['writes'])) for pages in PAGES]
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
    headers = ['pages', 'writes', 'p50', 'p95', 'p99', 'last page p99', 'write alone p50', 'p50 xwrite', 'max']
    lines = []
    for row in rows:
        every, base = row['every_page'], row['write_round_trip']
        ratio = f'{every["p50"] / base["p50"]:.1f}x' if base['p50'] else '-'
        lines.append(
            [
                row['pages'],
                row['writes'],
                every['p50'],
                every['p95'],
                every['p99'],
                row['last_page']['p99'],
                base['p50'],
                ratio,
                every['max'],
            ]
        )
    print(table(headers, lines))
