"""Simulated shoppers: the shop page fetched over HTTP, then NiceGUI's websocket held open like a browser tab.

A shopper GETs the page, reads its `client_id` from the HTML and connects python-socketio to
`/_nicegui_ws/socket.io` with the implicit handshake the page's JavaScript would do (see FACTS.md). Element
updates then arrive as `update` messages: a dict of element id → element dict; a product card carries what it
shows in its props. This holds hundreds of shoppers on a 2-core machine, where hundreds of Chromium tabs would
not fit.

On the socket a shopper does what NiceGUI's `static/nicegui.js` (3.18) does, so the server keeps exactly the
state it keeps for a browser: it tracks the `_id` of every message and drops older ones, sends an `ack` every
3 s so the server can prune its message history, answers `run_javascript` requests, reconnects after a drop
asking for the messages it missed, and loads the page anew when the server asks for a reload.
"""

import asyncio
import contextlib
import random
import re
import time
from http.cookiejar import DefaultCookiePolicy
from typing import Any

import httpx
import socketio

CLIENT_ID = re.compile(r'[\'"]client_id[\'"]: ?[\'"]([0-9a-f-]+)')
CONNECT_CONCURRENCY = 8
OPEN_TIMEOUT = 20.0
ACK_SECONDS = 3.0  # nicegui.js: `setInterval(() => ack(), 3000)`
RECONNECT_DELAY = 1.0  # socket.io's first reconnection delay
MESSAGE_TYPES = ('update', 'run_javascript', 'load_js_components', 'open', 'download', 'notify', 'try_reconnect')


class Shopper(socketio.AsyncClient):
    """One shop tab; counts the bytes of every Socket.IO message it receives (JSON payloads, as sent)."""

    def __init__(self, crowd: 'Crowd') -> None:
        super().__init__(reconnection=False)  # reconnects itself, with the query nicegui.js would send
        self.crowd = crowd
        self.received_bytes = 0
        self.packets: list[str] | None = None  # every message as received, once set to a list
        self.client_id = ''
        self.next_message_id = 0
        self.acked_message_id = -1
        self.closing = False
        self._url = ''
        self._path = '/'
        self._tasks: set[asyncio.Task[None]] = set()
        for kind in MESSAGE_TYPES:
            self.on(kind, self._handler(kind))
        self.on('disconnect', self._dropped)

    async def open(self, http: httpx.AsyncClient, path: str) -> None:
        """Loads the page (a new NiceGUI client) and connects its socket."""
        self._url, self._path = str(http.base_url).rstrip('/'), path
        response = await http.get(path)
        response.raise_for_status()
        self.received_bytes += len(response.content)
        found = CLIENT_ID.search(response.text)
        if not found:
            raise RuntimeError('no client_id in the shop page')
        self.client_id = found[1]
        self.next_message_id, self.acked_message_id = 0, -1
        await self._connect()
        self._start(self._acknowledge())

    async def close(self) -> None:
        self.closing = True
        for task in self._tasks:
            task.cancel()
        await self.disconnect()

    async def _connect(self) -> None:
        query = (
            f'client_id={self.client_id}&tab_id=t-{self.client_id}&document_id=d-{self.client_id}'
            f'&implicit_handshake=true&next_message_id={self.next_message_id}'
        )
        await self.connect(
            f'{self._url}/?{query}',
            socketio_path='/_nicegui_ws/socket.io',
            transports=['websocket'],
            wait_timeout=30,
        )

    async def _handle_eio_message(self, data: str | bytes) -> None:
        self.received_bytes += len(data) if isinstance(data, bytes) else len(data.encode())
        if self.packets is not None:
            self.packets.append(data if isinstance(data, str) else data.decode(errors='replace'))
        await super()._handle_eio_message(data)

    def _handler(self, kind: str) -> Any:
        async def handle(data: dict[str, Any]) -> None:
            if not self._in_order(data):
                return
            if kind == 'update':
                self.crowd.saw(self, data)
            elif kind == 'run_javascript':
                await self._run_javascript(data)
            elif kind == 'try_reconnect':
                self._start(self._reload())

        return handle

    def _in_order(self, data: dict[str, Any]) -> bool:
        """nicegui.js: a message older than the next expected one was handled already (a rewind resends it)."""
        message_id = data.pop('_id', None) if isinstance(data, dict) else None
        if message_id is None:
            return True
        if message_id < self.next_message_id:
            return False
        self.next_message_id = message_id + 1
        return True

    async def _run_javascript(self, data: dict[str, Any]) -> None:
        if 'location.reload' in data.get('code', ''):  # the server lost this tab's history
            self._start(self._reload())
        elif request_id := data.get('request_id'):  # no JavaScript runs here: the answer is `null`
            await self.emit('javascript_response', {'request_id': request_id, 'client_id': self.client_id})

    async def _acknowledge(self) -> None:
        await asyncio.sleep(random.uniform(0, ACK_SECONDS))  # browser tabs' timers are not in step
        while True:
            if self.connected and self.acked_message_id < self.next_message_id:
                await self.emit('ack', {'client_id': self.client_id, 'next_message_id': self.next_message_id})
                self.acked_message_id = self.next_message_id
            await asyncio.sleep(ACK_SECONDS)

    async def _dropped(self, *_reason: Any) -> None:
        if not self.closing:
            self.crowd.reconnects += 1
            self._start(self._reconnect())

    async def _reconnect(self) -> None:
        """socket.io's automatic reconnection, with `next_message_id` kept current (nicegui.js does that too)."""
        while not self.closing and not self.connected:
            await asyncio.sleep(RECONNECT_DELAY)
            with contextlib.suppress(socketio.exceptions.ConnectionError):
                await self._connect()

    async def _reload(self) -> None:
        self.crowd.reloads += 1
        self.closing = True
        await self.disconnect()
        self.closing = False
        async with browser(self._url) as http:
            await self.open(http, self._path)

    def _start(self, coroutine: Any) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


class Crowd:
    """Many shoppers on one page URL; `expect(name)` then `wait()` gives each one's arrival time of that name."""

    def __init__(self, url: str, path: str = '/') -> None:
        self.url = url
        self.path = path
        self.shoppers: list[Shopper] = []
        self.failed_opens = 0
        self.reconnects = 0
        self.reloads = 0
        self._name: str | None = None
        self._arrivals: dict[int, float] = {}
        self._all_arrived = asyncio.Event()

    async def open(self, count: int) -> None:
        """Opens `count` tabs, a few at a time (like shoppers arriving, not a connection storm)."""
        gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
        async with browser(self.url) as http:

            async def one() -> None:
                async with gate:
                    shopper = Shopper(self)
                    try:  # a connect that hangs must not hold the gate forever; it is counted instead
                        await asyncio.wait_for(shopper.open(http, self.path), OPEN_TIMEOUT)
                    except (TimeoutError, OSError, socketio.exceptions.ConnectionError, httpx.HTTPError):
                        self.failed_opens += 1
                        await shopper.close()
                        return
                    self.shoppers.append(shopper)

            await asyncio.gather(*(one() for _ in range(count)))

    async def close(self) -> None:
        await asyncio.gather(*(shopper.close() for shopper in self.shoppers), return_exceptions=True)
        self.shoppers = []

    def expect(self, name: str) -> None:
        self._name = name
        self._arrivals = {}
        self._all_arrived = asyncio.Event()

    async def wait(self, timeout: float) -> list[float]:
        """Epoch milliseconds at which each shopper received the expected name (fewer if some timed out)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._all_arrived.wait(), timeout)
        return list(self._arrivals.values())

    @property
    def received_bytes(self) -> int:
        return sum(shopper.received_bytes for shopper in self.shoppers)

    def saw(self, shopper: Shopper, data: dict[str, Any]) -> None:
        if self._name is None or id(shopper) in self._arrivals:
            return
        if any(shows(element, self._name) for element in data.values()):
            self._arrivals[id(shopper)] = time.time() * 1000
            if len(self._arrivals) == len(self.shoppers):
                self._all_arrived.set()


def browser(url: str) -> httpx.AsyncClient:
    """HTTP for page loads that keeps no cookies: every shopper is a browser of its own, with its own session."""
    http = httpx.AsyncClient(base_url=url, timeout=120, limits=httpx.Limits(max_connections=CONNECT_CONCURRENCY))
    http.cookies.jar.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    return http


def shows(element: Any, name: str) -> bool:
    """Whether an element of an `update` message is a product card showing `name` (or, on the bare NiceGUI page
    of `bench.floors.nicegui_bare`, a label)."""
    return isinstance(element, dict) and name in (element.get('props', {}).get('name'), element.get('text'))
