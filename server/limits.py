"""Refuses request bodies over a limit with 413 before they are read into memory."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 1_000_000


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http':
            await self.app(scope, receive, send)
            return
        length = dict(scope['headers']).get(b'content-length')
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await _too_large(send, self.max_bytes)
            return
        received = 0
        too_large = False

        async def counting_receive() -> Message:
            """Past the limit the app sees a disconnect (an exception here would become FastAPI's 400)."""
            nonlocal received, too_large
            message = await receive()
            received += len(message.get('body', b''))
            if received > self.max_bytes:
                too_large = True
                return {'type': 'http.disconnect'}
            return message

        async def guarded_send(message: Message) -> None:
            if not too_large:
                await send(message)

        await self.app(scope, counting_receive, guarded_send)
        if too_large:
            await _too_large(send, self.max_bytes)


async def _too_large(send: Send, limit: int) -> None:
    body = f'{{"detail":"request body larger than {limit} bytes"}}'.encode()
    await send(
        {
            'type': 'http.response.start',
            'status': 413,
            'headers': [(b'content-type', b'application/json'), (b'content-length', str(len(body)).encode())],
        }
    )
    await send({'type': 'http.response.body', 'body': body})
