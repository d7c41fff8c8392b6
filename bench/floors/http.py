"""What the Python floors share: the one product a benchmark renames, and bare ASGI answers (no framework).

`Catalog.route` answers `/healthz`, `GET /api/products` and `PATCH /api/admin/products/{id}` the way the app's
API does, as far as `bench.harness.Writer` and `first_listed` read them, and hands each new name to `renamed`.
"""

import json
from collections.abc import Callable
from typing import Any

from starlette.types import Receive, Send

PRODUCT_ID = 1
JSON_HEADERS = [(b'content-type', b'application/json')]


class Catalog:
    """One product; every rename bumps its version and calls `renamed(name)` before the answer is sent."""

    def __init__(self, renamed: Callable[[str], None]) -> None:
        self.name = 'Floor product'
        self.version = 1
        self.renamed = renamed

    async def route(self, scope: dict[str, Any], receive: Receive, send: Send) -> bool:
        """Answers the request if it is one of the catalog's; False if it is not."""
        method, path = scope['method'], scope['path']
        if path == '/healthz':
            await answer(send, {'status': 'ok'})
        elif method == 'GET' and path == '/api/products':
            item = {'id': PRODUCT_ID, 'name': self.name, 'version': self.version}
            await answer(send, {'items': [item], 'total': 1, 'page': 1, 'page_size': 24})
        elif method == 'PATCH' and path == f'/api/admin/products/{PRODUCT_ID}':
            change = json.loads(await body(receive))
            self.name, self.version = change['name'], self.version + 1
            self.renamed(self.name)
            await answer(send, {'id': PRODUCT_ID, 'name': self.name, 'version': self.version})
        else:
            return False
        return True


async def body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get('body', b''))
        if not message.get('more_body'):
            return b''.join(chunks)


async def answer(send: Send, content: object, status: int = 200) -> None:
    await send({'type': 'http.response.start', 'status': status, 'headers': JSON_HEADERS})
    await send({'type': 'http.response.body', 'body': json.dumps(content).encode()})


async def not_found(send: Send) -> None:
    await answer(send, {'detail': 'Not Found'}, 404)
