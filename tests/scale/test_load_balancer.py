"""The README's nginx configuration in front of two processes: sticky sessions, NiceGUI's websocket, live SSE."""

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import socketio

from tests.scale.conftest import Cluster
from tests.scale.services import EventStream, Nginx
from tests.scale.test_two_processes import first_product, patch

BROWSERS = 12
pytestmark = pytest.mark.parametrize('cluster', [pytest.param('postgres', marks=pytest.mark.postgres)], indirect=True)


@pytest.fixture
def balancer(cluster: Cluster, tmp_path: Path) -> Iterator[Nginx]:
    nginx = Nginx(tmp_path, [server.port for server in cluster]).start()
    yield nginx
    nginx.stop()


async def test_each_browser_stays_on_one_process_and_its_websocket_connects_there(balancer: Nginx) -> None:
    """NiceGUI refuses a websocket for a page another process rendered: every connect must land where the page did."""
    origins = set()
    for _ in range(BROWSERS):
        async with httpx.AsyncClient(base_url=balancer.url, timeout=10) as browser:
            page = await browser.get('/')
            origin = (await browser.get('/healthz')).json()['origin']
            assert {(await browser.get('/healthz')).json()['origin'] for _ in range(3)} == {origin}
            await connect_websocket(balancer.url, page.text, browser.cookies)
            origins.add(origin)
    assert len(origins) == 2, 'fresh browsers should spread over both processes'


def test_a_write_reaches_an_event_stream_through_the_balancer_at_once(cluster: Cluster, balancer: Nginx) -> None:
    """nginx must pass each SSE event on as it comes, not buffer the stream."""
    a, _ = cluster
    product = first_product(a)
    stream = EventStream(f'{balancer.url}/api/cache-events?product={product["id"]}')
    try:
        stream.next(timeout=10)  # the `connected` frame: the stream is open through nginx
        for number in range(3):
            product = patch(a, product, name=f'Through nginx {number}')
            assert stream.next_matching(lambda e: e.event == 'product-updated', timeout=10).id
    finally:
        stream.close()


async def connect_websocket(url: str, html: str, cookies: httpx.Cookies) -> None:
    """Connects the page's socket.io websocket the way NiceGUI's JavaScript does (implicit handshake)."""
    client_id = re.search(r'[\'"]client_id[\'"]: ?[\'"]([0-9a-f-]+)', html)
    assert client_id, 'no client_id in the page'
    query = (
        f'client_id={client_id[1]}&tab_id=t-{client_id[1]}&document_id=d-1&implicit_handshake=true&next_message_id=0'
    )
    sio = socketio.AsyncClient(reconnection=False)
    cookie = '; '.join(f'{name}={value}' for name, value in cookies.items())
    await sio.connect(
        f'{url}/?{query}',
        socketio_path='/_nicegui_ws/socket.io',
        transports=['websocket'],
        headers={'Cookie': cookie},
        wait_timeout=10,
    )
    assert sio.connected
    await sio.disconnect()
