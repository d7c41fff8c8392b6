"""Graceful shutdown: SIGTERM ends every open event stream cleanly, after every event committed before it,
and the process exits 0 promptly."""

import signal
import threading
import time

import httpx

from tests.conftest import ServerFactory
from tests.servers import AppServer
from tests.sse_client import Frame, open_stream

STREAMS = 3
WRITES = 30


class Reader(threading.Thread):
    """Reads one stream to its end; `ending` says how it ended: 'clean' (the server closed it) or the error."""

    def __init__(self, server: AppServer) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.frames: list[Frame] = []
        self.ending = ''
        self.subscribed = threading.Event()

    def run(self) -> None:
        try:
            with open_stream(self.server.url, timeout=30) as stream:
                self.subscribed.set()
                while True:
                    self.frames.append(stream.next_event())
        except EOFError:
            self.ending = 'clean'
        except httpx.HTTPError as error:
            self.ending = repr(error)


def test_sigterm_ends_streams_cleanly_after_every_committed_event(server_factory: ServerFactory) -> None:
    server = server_factory({'STOREFRONT_DEMO_PRODUCTS': '3'})
    readers = [Reader(server) for _ in range(STREAMS)]
    for reader in readers:
        reader.start()
        assert reader.subscribed.wait(10)
    versions = []
    with server.admin() as admin:
        version = admin.get('/api/products/1').json()['version']
        for number in range(WRITES):
            response = admin.patch('/api/admin/products/1', json={'version': version, 'name': f'Last words {number}'})
            assert response.status_code == 200, response.text
            version = response.json()['version']
            versions.append(version)
    started = time.monotonic()
    exit_status = server.stop(signal.SIGTERM, timeout=20)
    stopped_in = time.monotonic() - started
    for reader in readers:
        reader.join(10)
        assert reader.ending == 'clean', reader.ending
        assert [frame.payload['versions']['1'] for frame in reader.frames] == versions, 'an event was lost'
    assert exit_status == 0
    assert stopped_in < 10
    print(f'\nSIGTERM → exit 0 in {stopped_in:.2f} s with {STREAMS} open streams')


def test_regression_sigterm_exit_status_is_0_not_minus_15(server_factory: ServerFactory) -> None:
    """uvicorn re-raises SIGTERM after its graceful shutdown, which killed the process (status -15);
    app.py now ends that re-raised signal with exit status 0."""
    server = server_factory({'STOREFRONT_DEMO_PRODUCTS': '0'})
    assert server.stop(signal.SIGTERM, timeout=20) == 0
