"""Where NiceGUI does not do what the shop needs, the one place that works around it.

Each workaround was checked against `CHECKED_AGAINST`. A test pins the upstream behaviour behind each one and
fails once NiceGUI changes it, which is when the workaround can go: `tests/server/test_nicegui_fixes.py`, and for
the replay order `tests/reliability/test_rewind.py`.
"""

import asyncio
import os
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from nicegui import Client, core, run

CHECKED_AGAINST = '3.18.0'
REPLAY_SECONDS = 10.0  # how long a reconnected page waits for the browser to confirm NiceGUI's replay

P = ParamSpec('P')
R = TypeVar('R')


async def io_bound(function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """`run.io_bound` that raises `CancelledError` while the app stops.

    NiceGUI 3 returns `None` in place of the result then (NiceGUI 4.0 is to raise, as this does), which a caller
    would take for a result."""
    result = await run.io_bound(function, *args, **kwargs)
    if result is None and core.app.is_stopping:
        raise asyncio.CancelledError
    return result  # type: ignore[return-value]  # None here is the function's own result


def resend_on_reconnect(client: Client) -> None:
    """Makes every reconnect of `client` after the first end with `resend_after_replay`."""
    connections = 0

    async def connected() -> None:
        nonlocal connections
        connections += 1
        if connections > 1:
            await resend_after_replay(client)

    client.on_connect(connected)


async def resend_after_replay(client: Client) -> None:
    """Sends every element of `client` again, behind what NiceGUI replays on a reconnect.

    NiceGUI 3.18 sends the element updates queued while the socket was down before the history it replays
    (`Outbox.try_rewind` puts the history in front of `messages`, `Outbox.loop` sends `updates` first), so an
    older snapshot from the history can overwrite a newer state in the browser (issue 8,
    tests/reliability/test_rewind.py). An awaited JavaScript call queues behind that replay: once the browser
    answers it has applied all of it, and the current states sent now arrive last. Inputs keep what the person
    typed (NiceGUI marks their value as preserved).
    """
    try:
        await client.run_javascript('null', timeout=REPLAY_SECONDS)
    except TimeoutError:
        return  # the socket dropped again; the next reconnect does this again
    for element in list(client.elements.values()):
        element.update()


def announce_address(host: str, port: int) -> None:
    """Sets what `ui.run()` sets and `ui.run_with()` does not, for an app served by `uvicorn.run`: NiceGUI's
    welcome line and `app.urls` read these variables."""
    os.environ.update(NICEGUI_HOST=host, NICEGUI_PORT=str(port), NICEGUI_PROTOCOL='http')
