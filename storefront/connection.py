"""The connection banner and catching up after the socket comes back.

While the socket is down, NiceGUI keeps the page on the server and queues its updates; when the browser
reconnects within `RECONNECT_SECONDS` the queue is replayed. On every reconnect the page also resyncs its
view against the read cache, so it converges even if something was lost in between, and then sends every
element's state once more, after NiceGUI's replay (`server.nicegui_fixes.resend_after_replay`). The banner
itself is plain browser-side DOM: the server cannot tell a browser it is offline.
"""

import logging
from collections.abc import Awaitable, Callable

from nicegui import Client, ui

from server.nicegui_fixes import resend_after_replay

log = logging.getLogger(__name__)
RECONNECT_SECONDS = 10.0

BANNER = """
<div id="connection-banner" role="status" hidden
     style="position:fixed;top:0;left:0;right:0;z-index:7000;padding:6px;text-align:center;
            background:#f59e0b;color:#111;font-weight:600">
  Connection lost — reconnecting… Prices and stock shown may be out of date.
</div>
"""
WATCH_SOCKET = """
if (!window.bannerWatchesSocket) {
  window.bannerWatchesSocket = true;
  const banner = document.getElementById("connection-banner");
  window.socket.on("disconnect", () => { banner.hidden = false; console.debug("reconnecting"); });
  window.socket.on("connect", () => { banner.hidden = true; console.debug("connected"); });
}
"""


def watch_connection(client: Client, resync: Callable[[], Awaitable[None]]) -> None:
    """Shows the banner while `client`'s socket is down and calls `resync` when it is back."""
    ui.add_body_html(BANNER)
    connections = 0

    async def connected() -> None:
        nonlocal connections
        connections += 1
        log.debug('shop page %s connected', client.id)
        client.run_javascript(WATCH_SOCKET)
        if connections > 1:
            await resync()
            await resend_after_replay(client)

    client.on_connect(connected)
    client.on_disconnect(lambda: log.debug('shop page %s reconnecting', client.id))
