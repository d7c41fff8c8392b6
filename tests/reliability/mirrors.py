"""Clients that rebuild what the server shows, to compare it with the database once writes stop.

`SseMirror` is an `/api/cache-events` subscriber doing what the contract asks of one: it refetches the
products an event names, and everything on a `global-update` (resync, overflow, admin). It can drop its
stream and resume with its `Last-Event-ID`. `ShopMirror` is a shop tab without a browser (see FACTS.md):
it reads the page's element tree from the HTML, applies NiceGUI's `update` messages, and reads the cards
off the grid; it can drop its socket and reconnect the way NiceGUI's JavaScript does.
"""

import asyncio
import contextlib
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

import httpx
import socketio

Product = dict[str, Any]
CLIENT_ID = re.compile(r"'client_id': '([0-9a-f-]+)'")
COUNT = re.compile(r'^\d+ products?$')


async def database(http: httpx.AsyncClient, params: dict[str, Any] | None = None) -> list[Product]:
    """What the public catalog holds (the truth every mirror must reach)."""
    response = await http.get('/api/products', params={'page_size': 200, **(params or {})})
    response.raise_for_status()
    items: list[Product] = response.json()['items']
    return items


class SseMirror:
    def __init__(self, http: httpx.AsyncClient, product_filter: list[int] | None = None) -> None:
        self.http = http
        self.product_filter = product_filter
        self.state: dict[int, Product] = {}
        self.last_id: str | None = None
        self.reasons: list[str] = []
        self._task: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()

    @property
    def online(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        """Subscribes (or resumes after `last_id`); a fresh mirror then loads the whole catalog."""
        self._subscribed = asyncio.Event()
        self._task = asyncio.create_task(self._read())
        await asyncio.wait_for(self._subscribed.wait(), 10)
        if self.last_id is None:
            await self._reload_all()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def expected(self, truth: list[Product]) -> dict[int, Product]:
        return {p['id']: p for p in truth if self.product_filter is None or p['id'] in self.product_filter}

    async def _read(self) -> None:
        headers = {'Last-Event-ID': self.last_id} if self.last_id else {}
        params = [('product', str(i)) for i in self.product_filter or []]
        async with self.http.stream('GET', '/api/cache-events', params=params, headers=headers) as response:
            response.raise_for_status()
            frame: dict[str, str] = {}
            async for line in response.aiter_lines():
                if line.startswith(':') and 'connected' in line:
                    self._subscribed.set()
                elif line:
                    name, _, value = line.partition(':')
                    frame[name] = value.removeprefix(' ')
                elif 'data' in frame:
                    await self._apply(json.loads(frame['data']))
                    self.last_id = frame.get('id', self.last_id)
                    frame = {}

    async def _apply(self, payload: dict[str, Any]) -> None:
        if payload['type'] == 'global-update':
            self.reasons.append(payload.get('reason', ''))
            await self._reload_all()
            return
        for product_id in payload['product_ids']:
            response = await self.http.get(f'/api/products/{product_id}')
            if response.status_code == 404:
                self.state.pop(product_id, None)
            else:
                response.raise_for_status()
                self.state[product_id] = response.json()

    async def _reload_all(self) -> None:
        self.state = self.expected(await database(self.http))


class ShopMirror(socketio.AsyncClient):  # type: ignore[misc]
    """One shop tab on `/?<filters>`: its cards as (id, name, price text, stock text), and its count text.

    It does what NiceGUI's `static/nicegui.js` (3.18) does with the socket, line by line where it matters:
    every message that carries an `_id` (whatever its type) is dropped if older than the next expected one and
    otherwise advances it (nicegui.js:552-558); `update` sets or deletes elements (502-540); `run_javascript`
    answers a `request_id` with a `javascript_response` (332-341; the mirror runs no JavaScript, it answers
    `None`, and reloads when the code asks for it); `try_reconnect` and a refused implicit handshake reload the
    page (483-493); an `ack` every 3 s lets the server prune its history (362-370, 395); a reconnect asks for
    the messages from `nextMessageId` on (429-432).
    """

    ACK_SECONDS = 3.0  # nicegui.js:395 `setInterval(() => ack(), 3000)`

    def __init__(self, base_url: str, filters: dict[str, Any]) -> None:
        super().__init__(reconnection=False)
        self.base_url = base_url
        self.filters = filters
        self.elements: dict[str, dict[str, Any]] = {}
        self.client_id = ''
        self.next_message_id = 0
        self.acked_message_id = -1
        self.reloads = 0
        self.reload_asked = False
        self.deaf = False  # while True, arriving messages are lost on the way (a dying connection)
        self.lost: list[tuple[str, dict[str, Any]]] = []
        self.received: list[tuple[str, dict[str, Any]]] = []  # applied messages since the last `open`
        self._acks: asyncio.Task[None] | None = None
        for kind in ('update', 'run_javascript', 'load_js_components', 'open', 'download', 'notify', 'try_reconnect'):
            self.on(kind, self._handler(kind))
        self.on('connect_error', self._refused)

    async def open(self) -> None:
        """GETs the page (a new NiceGUI client) and connects its socket."""
        async with httpx.AsyncClient(base_url=self.base_url, timeout=20) as http:
            response = await http.get('/', params=self.filters)
        response.raise_for_status()
        found = CLIENT_ID.search(response.text)
        assert found, 'no client_id in the shop page'
        self.client_id = found[1]
        raw = response.text.split('parseElements(String.raw`', 1)[1].split('`)', 1)[0]
        self.elements = json.loads(raw)
        self.next_message_id = 0
        self.acked_message_id = -1
        self.received = []
        await self.resume()

    async def resume(self) -> None:
        """Connects (again) as the same tab, asking for every message after the last one received."""
        query = urlencode(
            {
                'client_id': self.client_id,
                'tab_id': f't-{self.client_id}',
                'document_id': f'd-{self.client_id}',
                'implicit_handshake': 'true',
                'next_message_id': self.next_message_id,
            }
        )
        try:
            await self.connect(
                f'{self.base_url}/?{query}',
                socketio_path='/_nicegui_ws/socket.io',
                transports=['websocket'],
                wait_timeout=20,
            )
        except socketio.exceptions.ConnectionError:
            if not self.reload_asked:  # see `_refused`
                raise
            return
        if self._acks is None or self._acks.done():
            self._acks = asyncio.create_task(self._acknowledge())

    async def disconnect(self) -> None:
        self.deaf = False  # the next connection is a new one
        if self._acks is not None:
            self._acks.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._acks
            self._acks = None
        await super().disconnect()

    def view(self) -> tuple[list[tuple[int, str, str, str]], str]:
        grid = next(e for e in self.elements.values() if e and 'product-grid' in e.get('class', []))
        cards = [self.elements[str(child)] for child in grid.get('children', [])]
        count = next(e.get('text', '') for e in self.elements.values() if e and COUNT.match(e.get('text') or ''))
        return [self._card(card) for card in cards], count

    def _card(self, card: dict[str, Any]) -> tuple[int, str, str, str]:
        props = card['props']
        if 'name' in props:  # a card that is one element with its texts as props (a Vue component of its own)
            return int(props['data-product-id']), props['name'], props['price'], props['stock']
        name, _category, row = (self.elements[str(child)] for child in card['children'])
        price, stock = (self.elements[str(child)] for child in row['children'])
        return int(card['props']['data-product-id']), name['text'], price['text'], stock['text']

    def _handler(self, kind: str) -> Callable[..., Awaitable[None]]:
        async def handle(data: dict[str, Any] | None = None) -> None:
            await self._receive(kind, data or {})

        return handle

    async def _receive(self, kind: str, data: dict[str, Any]) -> None:
        if self.deaf:
            self.lost.append((kind, data))
            return
        if not self._seen(data):
            return
        self.received.append((kind, data))
        if kind == 'update':
            self._update(data)
        elif kind == 'run_javascript':
            if 'window.location.reload' in data.get('code', ''):  # e.g. the server lost this tab's history
                self.reload_asked = True
            if data.get('request_id'):
                await self.emit(
                    'javascript_response',
                    {'request_id': data['request_id'], 'client_id': self.client_id, 'result': None},
                )
        elif kind == 'try_reconnect':
            self.reload_asked = True

    def _update(self, data: dict[str, Any]) -> None:
        for element_id, element in data.items():
            if element_id == '_id':
                continue
            if element is None:
                self.elements.pop(element_id, None)
            else:
                self.elements[element_id] = element

    def _refused(self, data: Any = None) -> None:
        """nicegui.js:483-486: the server no longer knows this tab (e.g. deleted after its reconnect timeout)."""
        if isinstance(data, dict) and data.get('message') == 'Implicit handshake failed':
            self.reload_asked = True

    async def settle(self) -> None:
        """Does what the browser would: reconnects a dropped tab, and loads the page anew when asked to."""
        if self.deaf:  # socket.io notices the dead connection (no pong) and reconnects
            await self.disconnect()
        if self.reload_asked:
            self.reload_asked = False
            self.reloads += 1
            await self.disconnect()
            await self.open()
        elif not self.connected:
            await self.resume()

    def _seen(self, data: dict[str, Any]) -> bool:
        """nicegui.js:554-557: a message older than the next expected one was applied already (a rewind resends it)."""
        if '_id' not in data:
            return True
        if int(data['_id']) < self.next_message_id:
            return False
        self.next_message_id = int(data['_id']) + 1
        return True

    async def _acknowledge(self) -> None:
        """nicegui.js:362-370: tells the server every 3 s up to which message it may forget its history."""
        while True:
            await asyncio.sleep(self.ACK_SECONDS)  # the browser's timer, not synchronisation
            if self.connected and self.acked_message_id < self.next_message_id:
                await self.emit('ack', {'client_id': self.client_id, 'next_message_id': self.next_message_id})
                self.acked_message_id = self.next_message_id


def expected_view(products: list[Product], total: int) -> tuple[list[tuple[int, str, str, str]], str]:
    """What a shop page must show for one page of the public listing (the SQL path)."""
    return [(p['id'], p['name'], price_text(p), stock_text(p)) for p in products], (
        f'{total} product' if total == 1 else f'{total} products'
    )


def money(cents: int) -> str:
    return f'€{cents // 100:,}.{cents % 100:02d}'


def price_text(product: Product) -> str:
    prices = [v['price'] for v in product['variants']]
    if not prices:
        return 'no price yet'
    low, high = min(prices), max(prices)
    return money(low) if low == high else f'{money(low)} \u2013 {money(high)}'


def stock_text(product: Product) -> str:
    stock = sum(v['stock_on_hand'] for v in product['variants'])
    if stock <= 0:
        return 'sold out'
    return f'only {stock} left' if stock <= 5 else 'in stock'
