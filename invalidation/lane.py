"""A lane of its own for the event stream, around the middleware stack NiceGUI puts in front of every request.

NiceGUI wraps each response in three `BaseHTTPMiddleware`s (request tracking, cache control, prefix
redirects), plus sessions and gzip. Each `BaseHTTPMiddleware` pipes a streaming body through an anyio memory
stream and a task of its own, for every chunk: py-spy put that at about half the server's CPU with 1,000
open streams. An event stream needs none of it — no
session, no redirect, no compression — so its requests go to a lean app holding only the stream's router,
behind the middleware given here (the security headers).

NiceGUI adds its middleware inside `ui.run()`, after anything `app.py` can add, so the lane is put in front
where Starlette assembles the stack: `build_middleware_stack`, which runs once, at the first request.
"""

from fastapi import APIRouter, FastAPI
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def serve_apart(app: FastAPI, router: APIRouter, *middleware: Middleware) -> None:
    """Answers requests for `router`'s paths from a lean app outside all of `app`'s middleware.

    The router stays included in `app` too, so it is listed in `app`'s OpenAPI schema."""
    lean = FastAPI(openapi_url=None, docs_url=None, redoc_url=None, middleware=list(middleware))
    lean.include_router(router)
    lean.state = app.state
    paths = frozenset(_paths(router.routes))
    build = app.build_middleware_stack

    def build_with_lane() -> ASGIApp:
        return Lane(build(), lean, paths)

    app.build_middleware_stack = build_with_lane  # type: ignore[method-assign]


class Lane:
    """Sends HTTP requests for `paths` to `lean`, everything else to `main`."""

    def __init__(self, main: ASGIApp, lean: ASGIApp, paths: frozenset[str]) -> None:
        self.main = main
        self.lean = lean
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] == 'http' and scope['path'] in self.paths:
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


def _paths(routes: list[BaseRoute]) -> list[str]:
    return [route.path for route in routes if isinstance(route, Route)]
