"""Checkout under an order storm: buyers order as fast as the server takes them while shoppers watch.

A fresh app gets one product with two variants. `storm` holds STOCK units, which BUYERS concurrent buyers (in a
process of their own) order one unit at a time through `POST /api/checkout` until it is sold out; `probe` is
bought one unit at a time by the benchmark itself, meanwhile. SHOPPERS simulated shoppers hold the product
page open; it shows each variant's stock ("97 in stock"), so every order of either variant updates every one
of them. Per probe order: the time from just before its POST to the moment the last shopper (and the median
one) shows the probe's new stock, i.e. write → last shopper during the storm. Then: the orders per second the
storm sustained (from its first request to its last sale), and oversells: units the 201 answers sold beyond
what the stock held, which must be 0 (and the stock left must be the initial stock minus what they sold).
"""

import asyncio
import multiprocessing
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from bench.harness import RESULTS, App, percentiles, save, start_record, table
from bench.shoppers import Crowd

SHOPPERS, QUICK_SHOPPERS = 200, 10
STOCK, QUICK_STOCK = 3_000, 300
BUYERS = 16
PROBE_STOCK = 100_000
STORM_SECONDS = 120.0  # a cap: the storm normally ends when the stock is sold
ARRIVAL_TIMEOUT = 30.0
CUSTOMER = {'name': 'Bench Buyer', 'email': 'buyer@example.com', 'address': '1 Load Street'}


def run(quick: bool = False, folder: Path = RESULTS) -> dict[str, Any]:
    record = start_record('checkout', quick)
    shoppers, stock = (QUICK_SHOPPERS, QUICK_STOCK) if quick else (SHOPPERS, STOCK)
    record.update(shoppers=shoppers, stock=stock, buyers=BUYERS)
    record['result'] = result = asyncio.run(measure(shoppers, stock))
    save(record, folder)
    last, median = result['last'], result['median_shopper']
    print(
        table(
            ['shoppers', 'orders/s', 'last p50 ms', 'last p99 ms', 'median p50 ms', 'oversells', 'probes'],
            [[shoppers, result['orders_per_second'], last['p50'], last['p99'], median['p50'], result['oversells'],
              last['n']]],
        )
    )  # fmt: skip
    return record


async def measure(shoppers: int, stock: int) -> dict[str, Any]:
    with App(products=20) as app:
        async with app.admin() as admin:
            product = await storm_product(admin, stock)
        storm, probe = (variant['id'] for variant in product['variants'])
        crowd = Crowd(app.url, f'/product/{product["slug"]}')
        await crowd.open(shoppers)
        try:
            results: Any = multiprocessing.get_context('spawn').Queue()
            buyers = multiprocessing.get_context('spawn').Process(target=buy, args=(app.url, storm, results))
            lasts, medians, missed = [], [], 0
            async with httpx.AsyncClient(base_url=app.url, timeout=60) as http:
                buyers.start()
                left = PROBE_STOCK
                while buyers.is_alive():
                    left -= 1
                    crowd.expect(f'{left} in stock')
                    started = time.time() * 1000
                    response = await http.post('/api/checkout', json=order_of(probe))
                    response.raise_for_status()
                    arrivals = sorted(await crowd.wait(ARRIVAL_TIMEOUT))
                    missed += len(crowd.shoppers) - len(arrivals)
                    if arrivals:
                        lasts.append(arrivals[-1] - started)
                        medians.append(arrivals[len(arrivals) // 2] - started)
                storm_result = results.get(timeout=60)
                buyers.join(30)
                after = (await http.get(f'/api/products/{product["id"]}')).json()['variants'][0]['stock_on_hand']
        finally:
            await crowd.close()
    sold = storm_result['statuses'].get('201', 0)
    return {
        **storm_result,
        'orders_per_second': sold / storm_result['seconds'] if storm_result['seconds'] else None,
        'stock_after': after,
        'oversells': max(0, sold - stock) + max(0, -after),
        'consistent': sold == stock - after,
        'last': percentiles(lasts),
        'median_shopper': percentiles(medians),
        'missed_deliveries': missed,
        'failed_opens': crowd.failed_opens,
        'reconnects': crowd.reconnects,
        'reloads': crowd.reloads,
    }


async def storm_product(admin: httpx.AsyncClient, stock: int) -> dict[str, Any]:
    variants = [
        {'sku': 'STORM-1', 'name': 'Storm', 'price': 1_999, 'stock_on_hand': stock},
        {'sku': 'PROBE-1', 'name': 'Probe', 'price': 999, 'stock_on_hand': PROBE_STOCK},
    ]
    body = {'name': 'Storm Kettle', 'category': 'kitchen', 'variants': variants}
    response = await admin.post('/api/admin/products', json=body)
    response.raise_for_status()
    return dict(response.json())


def order_of(variant_id: int) -> dict[str, Any]:
    return {'lines': [{'variant_id': variant_id, 'quantity': 1}], 'customer': CUSTOMER}


def buy(url: str, variant_id: int, results: Any) -> None:
    """The buyers' process: BUYERS threads order one unit each, again and again, until the variant is sold out
    (a 409) or STORM_SECONDS passed; reports the answers' statuses and the seconds to the last sale."""
    statuses: Counter[str] = Counter()
    lock = threading.Lock()
    started = time.monotonic()
    last_sale = started
    deadline = started + STORM_SECONDS

    def buyer() -> None:
        nonlocal last_sale
        with httpx.Client(base_url=url, timeout=60) as client:
            while time.monotonic() < deadline:
                status = client.post('/api/checkout', json=order_of(variant_id)).status_code
                with lock:
                    statuses[str(status)] += 1
                    if status == 201:
                        last_sale = time.monotonic()
                if status == 409:
                    return

    threads = [threading.Thread(target=buyer) for _ in range(BUYERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put({'statuses': dict(statuses), 'seconds': last_sale - started})
