"""Two app processes on PostgreSQL and one Redis stream: events cross processes, and a stream resumes anywhere."""

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import ServerFactory
from tests.scale.conftest import Cluster, start_cluster
from tests.scale.services import EventStream, PrivateRedis, wait_until
from tests.servers import AppServer

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


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


@pytest.fixture
def restartable_cluster(server_factory: ServerFactory, private_redis: PrivateRedis) -> Iterator[Cluster]:
    yield from start_cluster(server_factory, private_redis.url)


def test_redis_restarted_mid_run(restartable_cluster: Cluster, private_redis: PrivateRedis) -> None:
    """While Redis is down writes commit and /healthz says degraded; afterwards every process gets what was
    written during the outage (as the event or as a resync) and every new event, without an app restart."""
    a, b = restartable_cluster
    product = first_product(a)
    streams = [open_stream(server, product) for server in (a, b)]
    try:
        private_redis.stop()
        for server in (a, b):
            wait_until(lambda server=server: stream_state(server) == 'degraded', what=f'{server.url} degraded')
        product = patch(a, product, name='Written during the outage')
        assert b.client().get(f'/api/products/{product["id"]}').json()['version'] == product['version']

        private_redis.start()
        for server in (a, b):
            wait_until(lambda server=server: stream_state(server) == 'ok', what=f'{server.url} healthy again')
        for stream in streams:
            caught_up = stream.next_matching(lambda e: e.event in {'product-updated', 'global-update'})
            assert caught_up.event == 'global-update' or version_of(caught_up) == product['version']

        product = patch(b, product, name='Written after the outage')
        for stream in streams:  # the outage write may still arrive itself, after the resync: skip it
            stream.next_matching(lambda e: is_product_event(e) and version_of(e) == product['version'])
    finally:
        for stream in streams:
            stream.close()


def open_stream(server: AppServer, product: dict[str, Any]) -> EventStream:
    """An SSE stream on `server` for one product, returned once the server has subscribed it to the bus."""
    before = server.client().get('/healthz').json()['subscribers']
    stream = EventStream(f'{server.url}/api/cache-events?product={product["id"]}')
    wait_until(lambda: server.client().get('/healthz').json()['subscribers'] > before, what='stream subscribed')
    return stream


def first_product(server: AppServer) -> dict[str, Any]:
    return dict(server.client().get('/api/products').json()['items'][0])


def patch(server: AppServer, product: dict[str, Any], **changes: Any) -> dict[str, Any]:
    with server.admin() as admin:
        response = admin.patch(f'/api/admin/products/{product["id"]}', json={'version': product['version'], **changes})
    response.raise_for_status()
    return dict(response.json())


def stream_state(server: AppServer) -> str:
    try:
        return str(server.client().get('/healthz').json()['stream'])
    except httpx.HTTPError:
        return 'unreachable'


def is_product_event(event: Any) -> bool:
    return bool(event.event == 'product-updated')


def stream_order(event_id: str) -> tuple[int, int]:
    ms, seq = event_id.split('-')
    return int(ms), int(seq)


def version_of(event: Any) -> int:
    return int(next(iter(json.loads(event.data)['versions'].values())))
