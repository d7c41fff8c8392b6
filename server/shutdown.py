"""Ends a response that was left open, so a client sees a clean end rather than a dropped connection."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class EndOpenResponses:
    """sse-starlette cancels its streams on shutdown without a last chunk; unended, uvicorn drops the connection
    and clients see a broken stream. NiceGUI's `BaseHTTPMiddleware`s ended such a response; the stream no longer
    passes them, so this plain ASGI middleware does (its cooperative `shutdown_event` would need the stream's
    generator to watch it besides its queue and keep-alive)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http':
            await self.app(scope, receive, send)
            return
        started = ended = False

        async def tracked(message: Message) -> None:
            nonlocal started, ended
            if message['type'] == 'http.response.start':
                started = True
            elif message['type'] == 'http.response.body' and not message.get('more_body', False):
                ended = True
            await send(message)

        await self.app(scope, receive, tracked)
        if started and not ended:
            await send({'type': 'http.response.body', 'body': b'', 'more_body': False})
