"""`python -m bench changelog`: what the change log costs a write, and how soon another program's write arrives.

Three measurements, each beside its floor in the same run, on SQLite and on PostgreSQL:
1. **The write's own latency**: a rename through the catalog functions (one transaction), on two databases
   with the same data, one at migration 0001 (no log: the floor) and one at head (triggers, and this app's
   SQLite transaction tag), in alternating blocks so that drift hits both alike.
2. **Racing commits** (PostgreSQL): four threads each changing the stock of its own variant as fast as they
   can; the log's positions are handed out at COMMIT under one advisory lock, so this is what that lock costs.
3. **Another program's write → an SSE client** of the running app: an UPDATE on a connection of its own (no
   app code, as psql or the sqlite3 shell would write), timed from its COMMIT returning to the event's arrival.
   Beside it, the app's own write (an admin API PATCH) on the same stream: this process is woken by
   its own commits at once, another program's only by NOTIFY (PostgreSQL) or `PRAGMA data_version` (SQLite).
"""

import contextlib
import json
import queue
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from httpx_sse import connect_sse
from sqlalchemy import Engine, text
from sqlmodel import Session

from bench.harness import RESULTS, TOKEN, App, percentiles, save, start_record, table
from models import catalog
from models.changelog import record_transactions
from models.db import create_db_engine
from models.queries import get_product
from models.schema import upgrade
from models.seed import seed_if_empty
from models.tables import ProductUpdate, Variant

POSTGRES = 'postgresql+psycopg://postgres@127.0.0.1:5432/test'


def run(quick: bool = False, folder: Path = RESULTS) -> dict[str, Any]:
    record = start_record('changelog', quick)
    writes, blocks = (40, 2) if quick else (200, 5)
    record['write'] = {}
    record['racing'] = {}
    record['outside'] = {}
    for dialect in ('sqlite', 'postgresql'):
        with databases(dialect) as (floor_url, log_url):
            record['write'][dialect] = write_latency(floor_url, log_url, writes, blocks)
            if dialect == 'postgresql':
                record['racing'] = racing_commits(floor_url, log_url, 50 if quick else 300)
            record['outside'][dialect] = outside_writes(log_url, 10 if quick else 60)
    print_tables(record)
    save(record, folder)
    return record


@contextlib.contextmanager
def databases(dialect: str) -> Iterator[tuple[str, str]]:
    """Two empty databases of `dialect` (SQLite files, or PostgreSQL schemas dropped afterwards)."""
    if dialect == 'sqlite':
        with tempfile.TemporaryDirectory(prefix='bench-changelog-') as folder:
            yield f'sqlite:///{folder}/floor.db', f'sqlite:///{folder}/log.db'
        return
    admin = create_db_engine(POSTGRES)
    schemas = [f'bench_changelog_{name}_{int(time.time())}' for name in ('floor', 'log')]
    with admin.begin() as connection:
        for schema in schemas:
            connection.execute(text(f'CREATE SCHEMA {schema}'))
    try:
        yield tuple(f'{POSTGRES}?options=-csearch_path%3D{schema}' for schema in schemas)  # type: ignore[misc]
    finally:
        with admin.begin() as connection:
            for schema in schemas:
                connection.execute(text(f'DROP SCHEMA {schema} CASCADE'))
        admin.dispose()


def prepared(url: str, revision: str) -> Engine:
    engine = create_db_engine(url, 'bench')
    upgrade(engine, revision)
    if revision == 'head':
        record_transactions(engine, 'bench')
    with Session(engine) as session:
        seed_if_empty(session, 30)
    return engine


def write_latency(floor_url: str, log_url: str, writes: int, blocks: int) -> dict[str, Any]:
    engines = {'floor': prepared(floor_url, '0001'), 'log': prepared(log_url, 'head')}
    samples: dict[str, list[float]] = {'floor': [], 'log': []}
    try:
        for _block in range(blocks):
            for name, engine in engines.items():
                samples[name] += renames(engine, writes // blocks)
    finally:
        for engine in engines.values():
            engine.dispose()
    result: dict[str, Any] = {name: percentiles(values) for name, values in samples.items()}
    result['added_p50_ms'] = result['log']['p50'] - result['floor']['p50']
    return result


def renames(engine: Engine, count: int) -> list[float]:
    """Milliseconds per rename of the first product, one transaction each, as the admin API makes it."""
    times = []
    with Session(engine, expire_on_commit=False) as session:
        product = get_product(session, 1)
        for number in range(count):
            started = time.perf_counter()
            product = catalog.update_product(
                session=session, product_id=1, version=product.version, changes=ProductUpdate(name=f'Renamed {number}')
            )
            times.append((time.perf_counter() - started) * 1000)
    return times


def racing_commits(floor_url: str, log_url: str, per_thread: int) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, url, revision in (('floor', floor_url, '0001'), ('log', log_url, 'head')):
        engine = prepared(url, revision)
        try:
            with Session(engine) as session:
                variants = [variant.id for variant in session.query(Variant).limit(4)]
            started = time.perf_counter()
            threads = [threading.Thread(target=restock, args=(engine, v, per_thread)) for v in variants]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            result[name] = {'commits_per_second': len(variants) * per_thread / (time.perf_counter() - started)}
        finally:
            engine.dispose()
    result['ratio'] = result['log']['commits_per_second'] / result['floor']['commits_per_second']
    return result


def restock(engine: Engine, variant_id: int | None, count: int) -> None:
    assert variant_id is not None
    with Session(engine) as session:
        for _ in range(count):
            catalog.adjust_stock(session=session, variant_id=variant_id, delta=1, reason='bench')


def outside_writes(url: str, count: int) -> dict[str, Any]:
    """Another program's UPDATE, and the app's own PATCH as the floor, each to an event on an SSE stream."""
    with App(products=30, env={'STOREFRONT_DATABASE_URL': url}) as app:
        events = Listener(app.url)
        try:
            outside = [timed(events, partial(outside_update, url, n)) for n in range(count)]
            own = [timed(events, partial(own_patch, app.url, n)) for n in range(count)]
        finally:
            events.close()
    return {'outside': percentiles(outside), 'own': percentiles(own)}


def timed(events: 'Listener', write: Callable[[], float | None]) -> float:
    """Milliseconds from the commit to the event's arrival, on this machine's clock: another program knows when its
    COMMIT returned; for the app's own write, the log's `committed_at` stands in (the admin API answers after
    the event may already have gone out)."""
    events.drain()
    committed = write()
    arrived, committed_at = events.next()
    return (arrived - (committed or committed_at)) * 1000


def outside_update(url: str, number: int) -> float:
    """Renames product 2 on a connection of its own; returns when its COMMIT returned (epoch seconds)."""
    statement = f"UPDATE product SET name = 'Outside {number}' WHERE id = 2"
    if url.startswith('sqlite'):
        database = sqlite3.connect(url.removeprefix('sqlite:///'))
        with database:
            database.execute(statement)
        committed = time.time()
        database.close()
        return committed
    import psycopg

    conninfo = url.replace('postgresql+psycopg', 'postgresql')
    with psycopg.connect(conninfo, autocommit=True, application_name='bench-outside') as connection:
        connection.execute(statement)
        return time.time()


def own_patch(base_url: str, number: int) -> None:
    """Renames product 3 through the admin API."""
    headers = {'Authorization': f'Bearer {TOKEN}'}
    product = httpx.get(f'{base_url}/api/products/3').json()
    response = httpx.patch(
        f'{base_url}/api/admin/products/3',
        json={'version': product['version'], 'name': f'Own {number}'},
        headers=headers,
    )
    response.raise_for_status()


class Listener:
    """One SSE stream read on a thread; each event's arrival time goes into a queue."""

    def __init__(self, base_url: str) -> None:
        self.arrivals: queue.Queue[tuple[float, float]] = queue.Queue()  # (arrival, committed_at), epoch s
        self._client = httpx.Client(timeout=httpx.Timeout(10, read=None))
        self._connected = threading.Event()
        self._thread = threading.Thread(target=self._read, args=(base_url,), daemon=True)
        self._thread.start()
        assert self._connected.wait(10), 'the stream did not connect'

    def drain(self) -> None:
        while not self.arrivals.empty():
            self.arrivals.get_nowait()

    def next(self) -> tuple[float, float]:
        return self.arrivals.get(timeout=10)

    def close(self) -> None:
        self._client.close()

    def _read(self, base_url: str) -> None:
        with contextlib.suppress(httpx.HTTPError, RuntimeError):
            with connect_sse(self._client, 'GET', f'{base_url}/api/cache-events') as source:
                for event in source.iter_sse():
                    if event.data:
                        committed_at = datetime.fromisoformat(json.loads(event.data)['committed_at'])
                        self.arrivals.put((time.time(), committed_at.timestamp()))
                    else:
                        self._connected.set()


def print_tables(record: dict[str, Any]) -> None:
    print("\nThe write's own latency (ms), a rename in one transaction, without and with the change log:")
    rows = []
    for dialect, result in record['write'].items():
        for name in ('floor', 'log'):
            rows.append([dialect, name, result[name]['p50'], result[name]['p95'], result[name]['p99']])
        rows.append([dialect, 'log - floor (p50)', result['added_p50_ms'], None, None])
    print(table(['database', 'run', 'p50', 'p95', 'p99'], rows))
    racing = record['racing']
    if racing:
        print('\nRacing commits on PostgreSQL (4 threads, own variant each), commits per second:')
        print(
            table(
                ['floor', 'log', 'log ÷ floor'],
                [[racing['floor']['commits_per_second'], racing['log']['commits_per_second'], racing['ratio']]],
            )
        )
    print('\nCommit → the event on an SSE client of the app (ms):')
    rows = []
    for dialect, result in record['outside'].items():
        for name, label in (('outside', 'another program'), ('own', "the app's admin API")):
            rows.append([dialect, label, result[name]['p50'], result[name]['p95'], result[name]['p99']])
    print(table(['database', 'writer', 'p50', 'p95', 'p99'], rows))
