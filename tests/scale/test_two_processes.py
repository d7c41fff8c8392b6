"""Two app processes on one database: events cross processes, a stream resumes anywhere, a writer's death loses
nothing."""

import json
import random
import subprocess
import sys
import time
from typing import Any

import pytest
from sqlalchemy import create_engine

from models.changelog import ChangeLog
from testkit.waiting import eventually
from tests.scale.conftest import Cluster
from tests.scale.services import EventStream
from tests.servers import AppServer


def test_an_admin_write_on_one_process_reaches_a_stream_on_the_other(cluster: Cluster) -> None:
    a, b = cluster
    product = first_product(a)
    stream = open_stream(b, product)
    try:
        changed = patch(a, product, name='Crossed Over')
        event = stream.next_matching(lambda e: e.event == 'product-updated')
        assert json.loads(event.data)['versions'] == {str(product['id']): changed['version']}
        assert b.client().get(f'/api/products/{product["id"]}').json()['name'] == 'Crossed Over'
    finally:
        stream.close()


def test_a_stream_read_on_one_process_resumes_on_the_other_without_gap_or_duplicate(cluster: Cluster) -> None:
    a, b = cluster
    product = first_product(a)
    first = open_stream(a, product)
    versions = []
    for number in range(6):
        product = patch(a, product, name=f'Resumed {number}')
        versions.append(product['version'])
    try:
        read = [first.next_matching(is_product_event) for _ in range(3)]
    finally:
        first.close()
    assert [version_of(e) for e in read] == versions[:3]

    second = EventStream(f'{b.url}/api/cache-events?product={product["id"]}', {'Last-Event-ID': read[-1].id})
    try:
        rest = [second.next_matching(is_product_event) for _ in range(3)]
        product = patch(b, product, name='Live after replay')
        live = second.next_matching(is_product_event)
    finally:
        second.close()
    assert [version_of(e) for e in rest] == versions[3:]
    ids = [stream_order(e.id) for e in [*read, *rest, live]]
    assert ids == sorted(set(ids))  # one id space on both processes: increasing, no duplicate
    assert version_of(live) == product['version']


def test_a_writer_killed_right_after_its_commit_loses_nothing(cluster: Cluster) -> None:
    """The event is the database's, not the writer's: B hears of A's last write though A died at once."""
    a, b = cluster
    product = first_product(a)
    stream = open_stream(b, product)
    try:
        changed = patch(a, product, name='Written, then the writer died')
        a.kill()  # kill -9, before A's own tailer may even have read its commit
        killed = time.monotonic()
        event = stream.next_matching(lambda e: e.event == 'product-updated', timeout=2)
        assert time.monotonic() - killed < 2
        assert json.loads(event.data)['versions'] == {str(product['id']): changed['version']}
    finally:
        stream.close()


def test_a_writer_killed_at_a_random_point_leaves_every_committed_transaction_delivered(cluster: Cluster) -> None:
    """Another program commits renames in a loop and is killed with SIGKILL at a random moment, mid-transaction or
    not: B's stream must deliver exactly the transactions the database committed, within 2 s of the death."""
    a, b = cluster
    product = first_product(a)
    stream = open_stream(b, product)
    url = database_url(a)
    try:
        writer = subprocess.Popen([sys.executable, '-c', RENAMER, url, str(product['id'])], stdout=subprocess.PIPE)
        assert writer.stdout is not None and writer.stdout.readline() == b'writing\n'
        time.sleep(random.uniform(0.05, 0.5))  # the fault's moment, not a synchronisation: nothing waits on it
        writer.kill()
        writer.wait(10)
        head = log_head(url)
        seen = [stream.next_matching(is_product_event, timeout=2)]
        while stream_order(seen[-1].id) < head:
            seen.append(stream.next_matching(is_product_event, timeout=2))
        positions = [stream_order(event.id) for event in seen]
        assert positions == sorted(set(positions)) and positions[-1] == head
        if url.startswith('postgresql'):  # SQLite cannot tell another program's transactions apart
            assert len(seen) == int(b.client().get(f'/api/products/{product["id"]}').json()['name'].split()[-1])
        with pytest.raises(AssertionError):
            stream.next_matching(is_product_event, timeout=0.5)  # and nothing more: no duplicate
    finally:
        stream.close()


RENAMER = """
import sys
from sqlalchemy import create_engine, text
engine = create_engine(sys.argv[1])
rename = text('UPDATE product SET name = :name WHERE id = :id')
print('writing', flush=True)
for n in range(1, 100_000):
    with engine.begin() as connection:
        connection.execute(rename, {'name': f'Renamed {n}', 'id': int(sys.argv[2])})
"""


def log_head(url: str) -> int:
    engine = create_engine(url)
    try:
        return ChangeLog(engine).head()
    finally:
        engine.dispose()


def database_url(server: AppServer) -> str:
    return server.env['STOREFRONT_DATABASE_URL']


def open_stream(server: AppServer, product: dict[str, Any]) -> EventStream:
    """An SSE stream on `server` for one product, returned once the server has subscribed it to the bus."""
    before = server.client().get('/healthz').json()['subscribers']
    stream = EventStream(f'{server.url}/api/cache-events?product={product["id"]}')
    eventually(lambda: server.client().get('/healthz').json()['subscribers'] > before, what='stream subscribed')
    return stream


def first_product(server: AppServer) -> dict[str, Any]:
    return dict(server.client().get('/api/products').json()['items'][0])


def patch(server: AppServer, product: dict[str, Any], **changes: Any) -> dict[str, Any]:
    with server.admin() as admin:
        response = admin.patch(f'/api/admin/products/{product["id"]}', json={'version': product['version'], **changes})
    response.raise_for_status()
    return dict(response.json())


def is_product_event(event: Any) -> bool:
    return bool(event.event == 'product-updated')


def stream_order(event_id: str) -> int:
    """Ids are `<log>-<position>`: the same log, and so the same order, on every process."""
    return int(event_id.rpartition('-')[2])


def version_of(event: Any) -> int:
    return int(next(iter(json.loads(event.data)['versions'].values())))
