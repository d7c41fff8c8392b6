"""The fan-out floor on NiceGUI's transport: python-socketio alone, set up the way NiceGUI sets it up.

`python -m bench.floors.socketio_bare PORT MESSAGE_BYTES`. The same `socketio.AsyncServer(async_mode='asgi',
cors_allowed_origins='*')` with orjson for JSON (`nicegui/nicegui.py`), at the path NiceGUI mounts it on, served
by uvicorn with wsproto (`server/outer.py`). `GET /` is a page that only carries a fresh `client_id`, as a shop
page would, so `bench.shoppers` connects to it unchanged; each connection joins the room of its client id. Each
rename emits one `update` of MESSAGE_BYTES bytes (our card update's size, measured on the app) to every room,
one emit after the other from one task, with a message id per client as NiceGUI's outbox numbers them. No
elements, outbox or history: the least NiceGUI's transport does per shopper per write.
"""

import asyncio
import sys
import uuid
from typing import Any
from urllib.parse import parse_qs

import orjson
import socketio
import uvicorn
from starlette.types import Receive, Send

from bench.floors.http import Catalog, not_found

PAGE = "<!DOCTYPE html><html><body><script>const config = {{'client_id': '{client_id}'}};</script></body></html>"


class Transport:
    def __init__(self, message_bytes: int) -> None:
        self.message_bytes = message_bytes
        self.sio = socketio.AsyncServer(async_mode='asgi', cors_allowed_origins='*', json=OrjsonJSON)
        self.rooms: dict[str, int] = {}  # client id → the next message id
        self.catalog = Catalog(self.renamed)
        self._tasks: set[asyncio.Task[None]] = set()
        self.sio.on('connect', self.connect)
        self.sio.on('disconnect', self.disconnect)
        self.sio.on('ack', self.ack)

    async def connect(self, sid: str, environ: dict[str, Any], _auth: Any = None) -> None:
        client_id = parse_qs(environ.get('QUERY_STRING', '')).get('client_id', [sid])[0]
        await self.sio.enter_room(sid, client_id)
        await self.sio.save_session(sid, {'client_id': client_id})
        self.rooms.setdefault(client_id, 0)

    async def disconnect(self, sid: str, *_reason: Any) -> None:
        session = await self.sio.get_session(sid)
        self.rooms.pop(session['client_id'], None)

    async def ack(self, _sid: str, _data: Any) -> None:
        """nicegui.js acks every 3 s so NiceGUI can prune its history; there is none here."""

    async def page(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope['type'] != 'http':
            return
        if scope['path'] == '/' and scope['method'] == 'GET':
            html = PAGE.format(client_id=uuid.uuid4()).encode()
            await send({'type': 'http.response.start', 'status': 200, 'headers': [(b'content-type', b'text/html')]})
            await send({'type': 'http.response.body', 'body': html})
        elif not await self.catalog.route(scope, receive, send):
            await not_found(send)

    def renamed(self, name: str) -> None:
        task = asyncio.create_task(self.broadcast(name))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def broadcast(self, name: str) -> None:
        padding = 'x' * max(0, self.message_bytes - len(encoded(update(name, '', 0))))
        for client_id in list(self.rooms):
            message_id = self.rooms.get(client_id)
            if message_id is None:  # gone while this loop ran
                continue
            self.rooms[client_id] = message_id + 1
            await self.sio.emit('update', update(name, padding, message_id), room=client_id)


def update(name: str, padding: str, message_id: int) -> dict[str, Any]:
    """An `update` as NiceGUI's outbox sends it: element id → element dict (a card showing `name`), then `_id`."""
    card = {'id': 5, 'tag': 'product-card', 'class': [], 'style': {}, 'props': {'name': name, 'pad': padding}}
    return {'5': card, '_id': message_id}


def encoded(data: dict[str, Any]) -> str:
    """The Socket.IO packet as a shopper receives it (`bench.shoppers` counts these bytes)."""
    return '2' + OrjsonJSON.dumps(['update', data])


class OrjsonJSON:
    """What `nicegui.json` hands python-socketio: orjson behind the `json` module's `dumps`/`loads`."""

    @staticmethod
    def dumps(obj: Any, *_args: Any, **_kwargs: Any) -> str:
        return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS).decode()

    @staticmethod
    def loads(text: str | bytes) -> Any:
        return orjson.loads(text)


if __name__ == '__main__':
    port, message_bytes = int(sys.argv[1]), int(sys.argv[2])
    transport = Transport(message_bytes)
    app = socketio.ASGIApp(transport.sio, other_asgi_app=transport.page, socketio_path='/_nicegui_ws/socket.io')
    uvicorn.run(app, host='127.0.0.1', port=port, log_level='warning', ws='wsproto', lifespan='off')
