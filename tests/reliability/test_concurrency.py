"""No lost updates: racing stock changes from threads and processes all count, and the movement log adds up;
racing edits of one product have exactly one winner and clean 409s for everyone else."""

import multiprocessing
import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlmodel import Session

from models.db import create_db_engine
from models.schema import upgrade
from tests.conftest import ServerFactory
from tests.factories import make_product, variant_in
from tests.reliability.consistency import assert_consistent
from tests.reliability.workers import adjust_in_database, adjust_over_http
from tests.servers import AppServer

WORKERS = 4
CALLS = 12


@pytest.fixture(scope='module')
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    factory = ServerFactory(tmp_path_factory.mktemp('concurrency'))
    yield factory({'STOREFRONT_DEMO_PRODUCTS': '4'})
    factory.close(failed=False)


def deltas(seed: int) -> list[int]:
    """Mostly additions, some removals that may hit zero and be refused: both outcomes must stay exact."""
    rng = random.Random(seed)
    return [rng.choice([1, 2, 3, -1, -2, -5]) for _ in range(CALLS)]


def new_variant(server: AppServer, stock: int = 10) -> tuple[int, int]:
    with server.admin() as admin:
        body = {
            'name': f'Raced {random.randrange(10**9)}',
            'category': 'coffee',
            'variants': [
                {'sku': f'RACE-{random.randrange(10**9)}', 'name': 'Std', 'price': 100, 'stock_on_hand': stock}
            ],
        }
        product = admin.post('/api/admin/products', json=body).json()
    return product['id'], product['variants'][0]['id']


def stock_of(server: AppServer, product_id: int) -> int:
    stock: int = httpx.get(f'{server.url}/api/products/{product_id}').json()['variants'][0]['stock_on_hand']
    return stock


@pytest.mark.parametrize('how', ['threads', 'processes'])
def test_racing_stock_changes_over_the_api_are_all_counted(server: AppServer, how: str) -> None:
    product_id, variant_id = new_variant(server)
    jobs = [(server.url, server.token, variant_id, deltas(seed)) for seed in range(WORKERS)]
    if how == 'threads':
        with ThreadPoolExecutor(WORKERS) as pool:
            acknowledged = list(pool.map(lambda job: adjust_over_http(*job), jobs))
    else:
        with multiprocessing.get_context('spawn').Pool(WORKERS) as pool:
            acknowledged = pool.starmap(adjust_over_http, jobs)
    assert stock_of(server, product_id) == 10 + sum(map(sum, acknowledged))
    assert sum(map(len, acknowledged)) > WORKERS * CALLS // 2, 'most changes should have been accepted'
    assert_consistent(server.env['STOREFRONT_DATABASE_URL'])


def test_racing_stock_changes_from_processes_on_one_database(database_url: str) -> None:
    """`catalog.adjust_stock` from several processes on one SQLite file or PostgreSQL schema, no app in between."""
    engine = create_db_engine(database_url)
    upgrade(engine)
    with Session(engine, expire_on_commit=False) as session:
        variant_id = make_product(session, variants=[variant_in(stock=10)]).variants[0].id
    engine.dispose()
    jobs = [(database_url, variant_id, deltas(seed)) for seed in range(WORKERS)]
    with multiprocessing.get_context('spawn').Pool(WORKERS) as pool:
        committed = pool.starmap(adjust_in_database, jobs)
    stock = assert_consistent(database_url)
    assert stock[variant_id] == 10 + sum(map(sum, committed))
    assert sum(map(len, committed)) > WORKERS * CALLS // 2


def test_racing_edits_of_one_product_have_one_winner_and_clean_409s(server: AppServer) -> None:
    product_id, _ = new_variant(server)
    version = httpx.get(f'{server.url}/api/products/{product_id}').json()['version']

    def edit(number: int) -> httpx.Response:
        with server.admin() as admin:
            return admin.patch(f'/api/admin/products/{product_id}', json={'version': version, 'name': f'Edit {number}'})

    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(edit, range(8)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * 7, [r.text for r in responses]
    winner: dict[str, Any] = next(r.json() for r in responses if r.status_code == 200)
    assert winner['version'] == version + 1
    for loser in (r for r in responses if r.status_code == 409):
        detail = loser.json()['detail']
        assert detail['current'] == winner
        assert detail['message'].startswith(f'stale version {version}:')
    assert httpx.get(f'{server.url}/api/products/{product_id}').json() == winner
