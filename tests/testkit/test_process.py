import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from testkit.process import AppProcess, PortTaken


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port some other process listens on."""
    with socket.socket() as holder:
        holder.bind(('127.0.0.1', 0))
        holder.listen()
        yield int(holder.getsockname()[1])


def test_the_app_answers_on_its_port_and_stops_with_exit_status_0(tmp_path: Path) -> None:
    """Under pytest, too: the child does not inherit `PYTEST_CURRENT_TEST`, which would make NiceGUI fail."""
    app = AppProcess(tmp_path, {'STOREFRONT_DEMO_PRODUCTS': '2'}).start()
    try:
        assert httpx.get(f'{app.url}/api/products').json()['total'] == 2
        assert (tmp_path / 'storefront.db').exists()
    finally:
        assert app.stop(signal.SIGTERM) == 0
    assert 'NiceGUI ready to go' in app.log()


def test_a_free_port_taken_before_the_app_bound_it_is_replaced(tmp_path: Path, taken_port: int) -> None:
    app = AppProcess(tmp_path)
    app.port = taken_port  # as if another process bound the probed port meanwhile
    app.start()
    try:
        assert app.port != taken_port
        assert httpx.get(f'{app.url}/healthz').status_code == 200
    finally:
        app.stop()


def test_a_port_asked_for_is_never_replaced(tmp_path: Path, taken_port: int) -> None:
    with pytest.raises(PortTaken, match='address already in use'):
        AppProcess(tmp_path, port=taken_port).start()


def test_an_app_that_cannot_start_raises_with_its_log(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match='during start'):
        AppProcess(tmp_path, {'STOREFRONT_DATABASE_URL': 'nosuchdialect://'}).start()
