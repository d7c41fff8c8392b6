"""Each workaround in `server.nicegui_fixes` against the NiceGUI behaviour it works around. A test named
`test_upstream_…` pins that behaviour: when it fails after an upgrade, NiceGUI changed, and the workaround can go."""

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator

import nicegui
import pytest
from nicegui import core, run
from nicegui.app.app import State

from server import nicegui_fixes


@pytest.fixture
def stopping() -> Iterator[None]:
    """The app in the state NiceGUI gives it between shutdown starting and the last handler ending."""
    state = core.app._state
    core.app._state = State.STOPPING
    yield
    core.app._state = state


def test_the_fixes_were_checked_against_the_nicegui_in_use() -> None:
    assert nicegui.__version__ == nicegui_fixes.CHECKED_AGAINST


@pytest.mark.usefixtures('stopping')
async def test_upstream_io_bound_returns_none_instead_of_the_result_while_the_app_stops() -> None:
    assert await run.io_bound(lambda: 'result') is None


@pytest.mark.usefixtures('stopping')
async def test_io_bound_is_cancelled_while_the_app_stops() -> None:
    with pytest.raises(asyncio.CancelledError):
        await nicegui_fixes.io_bound(lambda: 'result')


async def test_io_bound_returns_results_none_included() -> None:
    assert await nicegui_fixes.io_bound(lambda: 'result') == 'result'
    assert await nicegui_fixes.io_bound(lambda: None) is None


def test_upstream_run_with_leaves_the_address_to_the_server_that_serves_it() -> None:
    """`ui.run()` sets NICEGUI_HOST and NICEGUI_PORT for the process; `ui.run_with()` does not, so the welcome line
    and `app.urls` would not know where the app listens. In a process of its own: `ui.run_with` is once per process."""
    probe = (
        'import os; from fastapi import FastAPI; from nicegui import ui; ui.run_with(FastAPI());'
        'print(os.environ.get("NICEGUI_HOST"), os.environ.get("NICEGUI_PORT"))'
    )
    environment = {'PATH': '/usr/bin:/bin'}
    done = subprocess.run([sys.executable, '-c', probe], capture_output=True, text=True, env=environment, timeout=60)
    assert done.stdout.split() == ['None', 'None'], done.stderr


def test_announce_address_sets_what_ui_run_would(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ('NICEGUI_HOST', 'NICEGUI_PORT', 'NICEGUI_PROTOCOL'):
        monkeypatch.setenv(name, '')  # restored after the test
    nicegui_fixes.announce_address('127.0.0.1', 8123)
    assert (os.environ['NICEGUI_HOST'], os.environ['NICEGUI_PORT'], os.environ['NICEGUI_PROTOCOL']) == (
        '127.0.0.1',
        '8123',
        'http',
    )
