"""A lane of its own for the JSON API and the event stream, around the middleware NiceGUI puts before pages.

NiceGUI wraps each response in three `BaseHTTPMiddleware`s (request tracking, cache control, prefix
redirects), plus sessions and gzip. Each `BaseHTTPMiddleware` pipes a streaming body through an anyio memory
stream and a task of its own, for every chunk: py-spy put that at about half the server's CPU with 1,000
open event streams. And the request tracking creates a session, with a user storage NiceGUI never prunes,
for every request that comes without a cookie, as API clients do. The API and the stream need none of it
(no session, no redirect), so their requests go to a lean app holding only their routes, behind the
middleware given here: security headers, gzip, the body-size limit.

NiceGUI adds its middleware inside `ui.run()`, after anything `app.py` can add, so the lane is put in front
where Starlette assembles the stack: `build_middleware_stack`, which runs once, at the first request.
"""

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, FastAPI
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def serve_apart(
    app: FastAPI,
    prefixes: tuple[str, ...],
    routers: Sequence[APIRouter],
    *middleware: Middleware,
    exception_handlers: dict[Any, Any],
) -> None:
    """Answers requests whose path starts with one of `prefixes` from a lean app with `routers`, outside all of
    `app`'s middleware. `app` keeps the routers too, so their routes stay in its OpenAPI schema."""
    lean = FastAPI(
        openapi_url=None, docs_url=None, redoc_url=None, middleware=middleware, exception_handlers=exception_handlers
    )
    for router in routers:
        lean.include_router(router)
    lean.state = app.state
    build = app.build_middleware_stack

    def build_with_lane() -> ASGIApp:
        return Lane(build(), lean, prefixes)

    app.build_middleware_stack = build_with_lane  # type: ignore[method-assign]


class Lane:
    """Sends HTTP requests whose path starts with one of `prefixes` to `lean`, everything else to `main`."""

    def __init__(self, main: ASGIApp, lean: ASGIApp, prefixes: tuple[str, ...]) -> None:
        self.main = main
        self.lean = lean
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] == 'http' and scope['path'].startswith(self.prefixes):
            await self._finished(scope, receive, send)
        else:
            await self.main(scope, receive, send)

    async def _finished(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Runs `lean`, then ends a response it left open, as the middleware it skips would have.

        sse-starlette cancels its streams on shutdown without a last chunk; unended, uvicorn drops the
        connection and clients see a broken stream instead of a clean end."""
        state = {'started': False, 'ended': False}

        async def tracked(message: Message) -> None:
            if message['type'] == 'http.response.start':
                state['started'] = True
            elif message['type'] == 'http.response.body' and not message.get('more_body', False):
                state['ended'] = True
            await send(message)

        await self.lean(scope, receive, tracked)
        if state['started'] and not state['ended']:
            await send({'type': 'http.response.body', 'body': b'', 'more_body': False})
