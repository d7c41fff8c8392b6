"""Guarantee 6 under a storm: shoppers race over the API of two app processes on one database (PostgreSQL, and
one SQLite file). Stock never goes below zero or oversells, an order is all of its lines or none, and however
orders and cancellations interleave, every variant's stock is the sum of its movements."""

import itertools
import random
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
from sqlalchemy import Engine, create_engine, text

from tests.factories import checkout_body, product_body
from tests.scale.conftest import Cluster
from tests.servers import AppServer

SHOPPERS = 40  # requests in flight at once, spread over both processes
Job = Callable[[httpx.Client, httpx.Client], httpx.Response]  # (public client, admin client) → answer


def test_200_checkouts_racing_for_10_units_make_exactly_10_orders(cluster: Cluster) -> None:
    (variant,) = stocked(cluster[0], 10)
    answers = storm(cluster, [lambda shop, _admin: shop.post('/api/checkout', json=checkout_body((variant, 1)))] * 200)
    statuses = [answer.status_code for answer in answers]
    assert (statuses.count(201), statuses.count(409)) == (10, 190), sorted(set(statuses))
    assert all(answer.json()['detail']['lines'][0]['requested'] == 1 for answer in answers if answer.status_code == 409)
    with database(cluster[0]) as engine:
        assert on_hand(engine, variant) == 0
        movements = movements_of(engine, variant)
    assert sorted(delta for delta, _after, _reason in movements) == [-1] * 10 + [10]
    assert sorted(after for _delta, after, _reason in movements) == list(range(11)), (
        'each unit sold once, never below zero'
    )
    numbers = {answer.json()['number'] for answer in answers if answer.status_code == 201}
    assert {reason for _delta, _after, reason in movements} - {'initial stock'} == {f'order {n}' for n in numbers}


def test_mixed_carts_are_never_half_applied(cluster: Cluster) -> None:
    x, y, z = stocked(cluster[0], 10, 10, 4)
    carts = [[(x, 1), (y, 1)], [(x, 2)], [(y, 1), (z, 1)], [(x, 1), (y, 1), (z, 1)], [(z, 2), (x, 1)]]
    answers = storm(
        cluster,
        [lambda shop, _admin, cart=cart: shop.post('/api/checkout', json=checkout_body(*cart)) for cart in carts * 30],
    )
    placed = [answer.json() for answer in answers if answer.status_code == 201]
    assert {answer.status_code for answer in answers} == {201, 409} and placed
    with database(cluster[0]) as engine:
        for variant, initial in ((x, 10), (y, 10), (z, 4)):
            sold = sum(line['quantity'] for order in placed for line in order['lines'] if line['variant_id'] == variant)
            assert on_hand(engine, variant) == initial - sold >= 0
            logged = {reason: -delta for delta, _after, reason in movements_of(engine, variant) if delta < 0}
            expected = {
                f'order {o["number"]}': line['quantity']
                for o in placed
                for line in o['lines']
                if line['variant_id'] == variant
            }
            assert logged == expected, 'every line of every placed order moved its stock, nothing else did'


def test_cancellations_racing_with_orders_keep_stock_the_sum_of_its_movements(cluster: Cluster) -> None:
    (variant,) = stocked(cluster[0], 20)
    earlier = [
        cluster[0].client().post('/api/checkout', json=checkout_body((variant, 2))).json()['id'] for _ in range(5)
    ]
    cancels: list[Job] = [
        lambda _shop, admin, order=order: admin.post(f'/api/admin/orders/{order}/cancel') for order in earlier * 2
    ]
    orders: list[Job] = [
        lambda shop, _admin, n=n: shop.post('/api/checkout', json=checkout_body((variant, 1 + n % 3)))
        for n in range(60)
    ]
    jobs = cancels + orders
    random.Random(15).shuffle(jobs)
    answers = storm(cluster, jobs)
    cancelled = [answer for answer in answers if answer.request.url.path.endswith('/cancel')]
    assert sorted(answer.status_code for answer in cancelled) == [200] * 5 + [409] * 5, 'each order cancelled once'
    with database(cluster[0]) as engine:
        stock = on_hand(engine, variant)
        assert stock == sum(delta for delta, _after, _reason in movements_of(engine, variant)) >= 0
        with engine.connect() as connection:
            placed = connection.execute(
                text(
                    'SELECT coalesce(sum(line.quantity), 0) FROM order_line AS line JOIN customer_order AS o'
                    " ON o.id = line.order_id WHERE o.status = 'placed' AND line.variant_id = :id"
                ),
                {'id': variant},
            ).scalar_one()
        assert stock == 20 - placed


def stocked(server: AppServer, *counts: int) -> list[int]:
    """One new product with a variant per count, that many on hand; the variants' ids."""
    body = product_body('coffee')
    sku = body['variants'][0]['sku']
    body['variants'] = [
        {**body['variants'][0], 'sku': f'{sku}-{n}', 'stock_on_hand': count} for n, count in enumerate(counts)
    ]
    with server.admin() as admin:
        response = admin.post('/api/admin/products', json=body)
    assert response.status_code == 201, response.text
    return [variant['id'] for variant in response.json()['variants']]


def storm(cluster: Cluster, jobs: list[Job]) -> list[httpx.Response]:
    """Runs the jobs SHOPPERS at a time, alternately on each process's public and admin clients; answers in job
    order."""
    clients = [(server.client(timeout=60), server.admin(timeout=60)) for server in cluster]
    try:
        assigned = list(zip(jobs, itertools.cycle(clients), strict=False))
        with ThreadPoolExecutor(SHOPPERS) as pool:
            return list(pool.map(lambda pair: pair[0](*pair[1]), assigned))
    finally:
        for pair in clients:
            for client in pair:
                client.close()


@contextmanager
def database(server: AppServer) -> Iterator[Engine]:
    engine = create_engine(server.env['STOREFRONT_DATABASE_URL'])
    try:
        yield engine
    finally:
        engine.dispose()


def on_hand(engine: Engine, variant: int) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(text('SELECT stock_on_hand FROM variant WHERE id = :id'), {'id': variant}).scalar_one()
        )


def movements_of(engine: Engine, variant: int) -> list[tuple[int, int, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text('SELECT delta, stock_after, reason FROM stockmovement WHERE variant_id = :id'), {'id': variant}
        )
        return [(row.delta, row.stock_after, row.reason) for row in rows]
