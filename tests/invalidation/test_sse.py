"""`GET /api/cache-events` against a real server: delivery, filters, replay, resync, limits, cleanup."""

import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from testkit.waiting import eventually
from tests.conftest import ServerFactory
from tests.servers import ROOT, AppServer
from tests.sse_client import open_stream


@pytest.fixture(scope='module')
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    factory = ServerFactory(tmp_path_factory.mktemp('sse'))
    yield factory({'STOREFRONT_DEMO_PRODUCTS': '6'})
    factory.close(failed=False)


def rename(server: AppServer, product_id: int, name: str) -> dict:
    with server.admin() as admin:
        version = admin.get(f'/api/products/{product_id}').json()['version']
        response = admin.patch(f'/api/admin/products/{product_id}', json={'version': version, 'name': name})
        assert response.status_code == 200, response.text
        return response.json()


def restock(server: AppServer, product_id: int, delta: int) -> None:
    with server.admin() as admin:
        variant_id = admin.get(f'/api/products/{product_id}').json()['variants'][0]['id']
        response = admin.post(f'/api/admin/variants/{variant_id}/stock', json={'delta': delta, 'reason': 'test'})
        assert response.status_code == 200, response.text


def test_a_committed_admin_write_reaches_the_stream_with_ids_and_versions_only(shop: AppServer) -> None:
    with open_stream(shop.url) as stream:
        product = rename(shop, 1, 'Renamed Over SSE')
        event = stream.next_event()
    assert event.event == 'product-updated' and event.id
    payload = event.payload
    assert payload['product_ids'] == [1] and payload['versions'] == {'1': product['version']}
    assert set(payload) == {'type', 'product_ids', 'variant_ids', 'versions', 'committed_at', 'origin'}
    assert 'Renamed' not in event.data


def test_the_first_frame_carries_the_retry_hint(shop: AppServer) -> None:
    with httpx.Client(base_url=shop.url, timeout=5) as client, client.stream('GET', '/api/cache-events') as response:
        head = next(response.iter_text())
    assert 'retry: 2000' in head and response.headers['content-type'].startswith('text/event-stream')


def test_streams_skip_the_page_middleware_but_keep_the_security_headers(shop: AppServer) -> None:
    """Served by the outer app (server/outer.py), outside NiceGUI, whose session middleware would set a cookie."""
    with open_stream(shop.url) as stream:
        headers = stream.response.headers
        assert 'set-cookie' not in headers
        assert headers['x-content-type-options'] == 'nosniff'
        assert headers['content-type'].startswith('text/event-stream')
    assert 'set-cookie' in httpx.get(f'{shop.url}/', timeout=10).headers  # a page does get one


def test_product_and_type_filters_pass_only_matching_events(shop: AppServer) -> None:
    with (
        open_stream(shop.url, [('product', '2')]) as only_two,
        open_stream(shop.url, [('type', 'stock-changed')]) as stock,
    ):
        rename(shop, 3, 'Not For Product Two')
        rename(shop, 2, 'For Product Two')
        restock(shop, 4, 2)
        assert only_two.next_event().payload['product_ids'] == [2]
        stock_event = stock.next_event()
        assert (stock_event.event, stock_event.payload['product_ids']) == ('stock-changed', [4])


def test_global_updates_pass_every_filter(shop: AppServer) -> None:
    with open_stream(shop.url, [('product', '5'), ('type', 'stock-changed')]) as stream:
        with shop.admin() as admin:
            assert admin.post('/api/admin/global-update').status_code == 202
        event = stream.next_event()
    assert (event.event, event.payload.get('reason')) == ('global-update', 'admin')


@pytest.mark.parametrize('how', ['header', 'query'])
def test_last_event_id_replays_what_was_missed_then_goes_live(shop: AppServer, how: str) -> None:
    with open_stream(shop.url, [('product', '6')]) as stream:
        for number in range(3):
            rename(shop, 6, f'Replay {how} {number}')
        first, second, third = stream.events(3)
    resume = (
        {'headers': {'Last-Event-ID': first.id}}
        if how == 'header'
        else {'params': [('product', '6'), ('last_event_id', first.id)]}
    )
    params = resume.get('params', [('product', '6')])
    with open_stream(shop.url, params, resume.get('headers')) as resumed:  # type: ignore[arg-type]
        assert [e.id for e in resumed.events(2)] == [second.id, third.id]
        rename(shop, 6, f'Live after replay {how}')
        live = resumed.next_event()
    assert live.payload['product_ids'] == [6] and live.id not in {first.id, second.id, third.id}


@pytest.mark.parametrize('last_id', ['not-an-id', 'ffffffff-12', '0', '\u00e9\u00e9'])
def test_unknown_or_malformed_last_event_id_gets_a_resync_not_an_error(shop: AppServer, last_id: str) -> None:
    with open_stream(shop.url, [('last_event_id', last_id)]) as stream:
        event = stream.next_event()
    assert (event.event, event.payload['reason']) == ('global-update', 'resync')


@pytest.mark.parametrize(
    ('params', 'headers', 'message'),
    [
        ([('type', 'price-changed')], {}, 'unknown event type'),
        ([('product', 'abc')], {}, 'product ids'),
        ([('product', str(n)) for n in range(1001)], {}, 'at most 1000 filters'),
        ([], {'Last-Event-ID': 'x' * 257}, 'longer than 256'),
    ],
)
def test_invalid_requests_are_refused_with_400_and_a_message(
    shop: AppServer, params: list[tuple[str, str]], headers: dict[str, str], message: str
) -> None:
    response = httpx.get(f'{shop.url}/api/cache-events', params=params, headers=headers, timeout=10)
    assert response.status_code == 400 and message in response.json()['detail']


def test_hostile_sizes_are_refused_quickly(shop: AppServer) -> None:
    started = time.monotonic()
    huge_header = raw_status(shop, '/api/cache-events', f'Last-Event-ID: {"x" * 1_000_000}\r\n')
    many_filters = raw_status(shop, '/api/cache-events?' + '&'.join(['product=1'] * 10_000))
    assert huge_header in {400, 413, 431} and many_filters in {400, 414}
    assert time.monotonic() - started < 5


def raw_status(server: AppServer, target: str, extra_headers: str = '') -> int:
    """The status line of a request too large for httpx to send."""
    with socket.create_connection(('127.0.0.1', server.port), timeout=5) as connection:
        request = f'GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra_headers}Connection: close\r\n\r\n'
        connection.sendall(request.encode())
        return int(connection.recv(64).split()[1])


def test_metrics_count_events_read_from_the_log_and_open_streams(shop: AppServer) -> None:
    with open_stream(shop.url) as stream:
        rename(shop, 1, 'Counted')
        stream.next_event()
        metrics = httpx.get(f'{shop.url}/metrics').text
    assert 'storefront_events_received_total{type="product-updated"}' in metrics
    assert 'storefront_log_lag_seconds' in metrics
    assert 'storefront_sse_streams 1.0' in metrics
    assert 'storefront_publish_to_send_seconds_count' in metrics


PING_FRAME = b': ping\r\n\r\n'


def test_an_idle_stream_gets_exactly_the_ping_frame_once_per_interval(server_factory: ServerFactory) -> None:
    """Byte for byte, and counted: sse-starlette before 3.4.9 sent thousands of pings a second with `ping=0`."""
    seconds, window = 0.2, 2.0
    server = server_factory({'STOREFRONT_SSE_PING_SECONDS': str(seconds), 'STOREFRONT_DEMO_PRODUCTS': '0'})
    received = b''
    with httpx.stream('GET', f'{server.url}/api/cache-events', timeout=5) as response:
        chunks = response.iter_raw()
        while b'connected' not in received:
            received += next(chunks)
        opened, received = time.monotonic(), received[received.index(b'connected') :]
        while time.monotonic() - opened < window:  # a measuring window, not synchronisation
            received += next(chunks)
    frames = received.split(b'\r\n\r\n')[1:-1]  # after the `connected` comment; the last one may be partial
    assert set(frames) == {PING_FRAME.removesuffix(b'\r\n\r\n')}
    assert window / seconds / 2 <= len(frames) <= window / seconds * 2, f'{len(frames)} pings in {window} s'


def test_a_filtered_stream_that_events_pass_by_still_pings(server_factory: ServerFactory) -> None:
    """Only what a stream sends counts as activity: events it filters out keep no proxy from timing it out.
    (Before the keep-alive looked at what streams send, each passing event re-armed the idle timer.)"""
    server = server_factory({'STOREFRONT_SSE_PING_SECONDS': '1', 'STOREFRONT_DEMO_PRODUCTS': '2'})
    stop = threading.Event()

    def keep_changing_product_2() -> None:
        with server.admin() as admin:
            variant_id = admin.get('/api/products/2').json()['variants'][0]['id']
            while not stop.is_set():
                assert admin.post(f'/api/admin/variants/{variant_id}/stock', json={'delta': 1}).status_code == 200
                stop.wait(0.1)  # the writes' pace, ten times the ping rate

    with open_stream(server.url, [('product', '1')], timeout=5) as stream:
        writer = threading.Thread(target=keep_changing_product_2)
        writer.start()
        try:
            frame = stream.next_frame()
        finally:
            stop.set()
            writer.join(10)
    assert not frame.data and frame.comments == ['ping'], frame


def test_streams_past_the_cap_get_503_until_one_closes(server_factory: ServerFactory) -> None:
    server = server_factory({'STOREFRONT_MAX_SSE_STREAMS': '2', 'STOREFRONT_DEMO_PRODUCTS': '0'})
    with open_stream(server.url):
        with open_stream(server.url):
            refused = httpx.get(f'{server.url}/api/cache-events', timeout=5)
            assert refused.status_code == 503 and refused.headers['retry-after']
        eventually(lambda: httpx.get(f'{server.url}/healthz').json()['subscribers'] == 1)
        with open_stream(server.url):
            pass


@pytest.mark.slow
def test_a_thousand_connect_disconnect_cycles_leave_no_subscriber_and_no_growth(shop: AppServer) -> None:
    assert shop.process is not None
    process = psutil.Process(shop.process.pid)

    def cycles(count: int) -> None:
        with httpx.Client(base_url=shop.url, timeout=5) as client:
            for _ in range(count):
                with client.stream('GET', '/api/cache-events') as response:
                    next(response.iter_text())

    cycles(200)  # warm-up: allocator pools, caches
    eventually(lambda: httpx.get(f'{shop.url}/healthz').json()['subscribers'] == 0)
    baseline = process.memory_info().rss
    cycles(1000)
    eventually(lambda: httpx.get(f'{shop.url}/healthz').json()['subscribers'] == 0)
    growth = process.memory_info().rss - baseline
    print(f'\nRSS growth over 1,000 SSE cycles: {growth / 1e6:.2f} MB')
    assert growth < 8_000_000


def test_write_to_event_latency(shop: AppServer) -> None:
    """Admin API write → event at an SSE client; the figure goes into the issue's closing note."""
    latencies = []
    with open_stream(shop.url, [('product', '3')]) as stream, shop.admin() as admin:
        version = admin.get('/api/products/3').json()['version']
        for number in range(50):
            started = time.perf_counter()
            response = admin.patch('/api/admin/products/3', json={'version': version, 'name': f'Timed {number}'})
            version = stream.next_event().payload['versions']['3']
            latencies.append((time.perf_counter() - started) * 1000)
            assert response.json()['version'] == version
    cuts = statistics.quantiles(latencies, n=20)
    print(f'\nadmin PATCH sent → SSE event received: p50 {cuts[9]:.1f} ms, p95 {cuts[18]:.1f} ms')
    assert cuts[9] < 2000


def test_the_tail_command_prints_the_live_stream(shop: AppServer, tmp_path: Path) -> None:
    log = tmp_path / 'tail.err'
    with log.open('w') as errors:
        tail = subprocess.Popen(
            [sys.executable, '-m', 'invalidation.tail', shop.url, '--product', '2', '--count', '1'],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        try:
            eventually(lambda: 'storefront_sse_streams 1.0' in httpx.get(f'{shop.url}/metrics').text)
            rename(shop, 2, 'Seen By Tail')
            output, _ = tail.communicate(timeout=15)
        finally:
            tail.kill()
    assert 'product-updated' in output and 'products=2' in output
