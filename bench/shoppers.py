"""Simulated shoppers: the shop page fetched over HTTP, then NiceGUI's websocket held open like a browser tab.

A shopper GETs the page, reads its `client_id` from the HTML and connects python-socketio to
`/_nicegui_ws/socket.io` with the implicit handshake the page's JavaScript would do (see FACTS.md). Element
updates then arrive as `update` messages: a dict of element id → element dict, whose `text` is what a card
shows. This holds hundreds of shoppers on a 2-core machine, where hundreds of Chromium tabs would not fit.
"""

import asyncio
import re
import time
from typing import Any

import httpx
import socketio

CLIENT_ID = re.compile(r'[\'"]client_id[\'"]: ?[\'"]([0-9a-f-]+)')
CONNECT_CONCURRENCY = 8
OPEN_TIMEOUT = 20.0


class Shopper(socketio.AsyncClient):
    """One shop tab; counts the bytes of every Socket.IO message it receives (JSON payloads, as sent)."""

    def __init__(self, crowd: 'Crowd') -> None:
        super().__init__(reconnection=False)
        self.crowd = crowd
        self.received_bytes = 0
        self.on('update', self._update)

    async def open(self, http: httpx.AsyncClient, path: str) -> None:
        response = await http.get(path)
        response.raise_for_status()
        self.received_bytes += len(response.content)
        found = CLIENT_ID.search(response.text)
        if not found:
            raise RuntimeError('no client_id in the shop page')
        client_id = found[1]
        query = f'client_id={client_id}&tab_id=t-{client_id}&document_id=d-{client_id}'
        await self.connect(
            f'{http.base_url}/?{query}&implicit_handshake=true&next_message_id=0',
            socketio_path='/_nicegui_ws/socket.io',
            transports=['websocket'],
            wait_timeout=30,
        )

    async def _handle_eio_message(self, data: str | bytes) -> None:
        self.received_bytes += len(data) if isinstance(data, bytes) else len(data.encode())
        await super()._handle_eio_message(data)

    async def _update(self, data: dict[str, Any]) -> None:
        self.crowd.saw(self, data)


class Crowd:
    """Many shoppers on one page URL; `expect(text)` then `wait()` gives each one's arrival time of that text."""

    def __init__(self, url: str, path: str = '/') -> None:
        self.url = url
        self.path = path
        self.shoppers: list[Shopper] = []
        self.failed_opens = 0
        self._text: str | None = None
        self._arrivals: dict[int, float] = {}
        self._all_arrived = asyncio.Event()

    async def open(self, count: int) -> None:
        """Opens `count` tabs, a few at a time (like shoppers arriving, not a connection storm)."""
        gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
        limits = httpx.Limits(max_connections=CONNECT_CONCURRENCY)
        async with httpx.AsyncClient(base_url=self.url, timeout=120, limits=limits) as http:

            async def one() -> None:
                async with gate:
                    shopper = Shopper(self)
                    try:  # a connect that hangs must not hold the gate forever; it is counted instead
                        await asyncio.wait_for(shopper.open(http, self.path), OPEN_TIMEOUT)
                    except (TimeoutError, OSError, socketio.exceptions.ConnectionError, httpx.HTTPError):
                        self.failed_opens += 1
                        await shopper.disconnect()
                        return
                    self.shoppers.append(shopper)

            await asyncio.gather(*(one() for _ in range(count)))

    async def close(self) -> None:
        await asyncio.gather(*(shopper.disconnect() for shopper in self.shoppers), return_exceptions=True)
        self.shoppers = []

    def expect(self, text: str) -> None:
        self._text = text
        self._arrivals = {}
        self._all_arrived = asyncio.Event()

    async def wait(self, timeout: float) -> list[float]:
        """Epoch milliseconds at which each shopper received the expected text (fewer if some timed out)."""
        try:
            await asyncio.wait_for(self._all_arrived.wait(), timeout)
        except TimeoutError:
            pass
        return list(self._arrivals.values())

    @property
    def received_bytes(self) -> int:
        return sum(shopper.received_bytes for shopper in self.shoppers)

    def saw(self, shopper: Shopper, data: dict[str, Any]) -> None:
        if self._text is None or id(shopper) in self._arrivals:
            return
        if any(isinstance(element, dict) and element.get('text') == self._text for element in data.values()):
            self._arrivals[id(shopper)] = time.time() * 1000
            if len(self._arrivals) == len(self.shoppers):
                self._all_arrived.set()
