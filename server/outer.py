"""The outer app: the JSON APIs, the event stream and the operator endpoints, with NiceGUI's pages mounted in it.

NiceGUI wraps each response of its own app in three `BaseHTTPMiddleware`s (request tracking, cache control,
prefix redirects), plus sessions. Each `BaseHTTPMiddleware` pipes a streaming body through an anyio memory stream
and a task of its own, for every chunk: py-spy put that at about half the server's CPU with 1,000 open event
streams. And the request tracking creates a session, with a user storage NiceGUI never prunes, for every request
that comes without a cookie, as API clients do. So the API lives in an app around NiceGUI's (`ui.run_with`): its
routes never pass that middleware, and what every response needs (security headers, gzip, the body-size limit)
is middleware of the outer app, which wraps the pages too.
"""

import uvicorn
from fastapi import FastAPI, HTTPException
from fastapi.exceptions import RequestValidationError
from nicegui import ui
from starlette.datastructures import URLPath
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send

from invalidation import sse
from server import ops
from server.errors import validation_errors
from server.limits import BodySizeLimit
from server.nicegui_fixes import announce_address
from server.security import SecurityHeaders
from server.services import Services
from server.shutdown import EndOpenResponses

API_PATHS = ('/api/', '/healthz', '/metrics')


def install(app: FastAPI, services: Services) -> None:
    """Adds the stream and operator routes, the error handlers and the middleware of every response to `app`."""
    app.state.services = services
    app.include_router(ops.router)
    app.include_router(sse.router)
    app.add_exception_handler(RequestValidationError, validation_errors)
    app.add_middleware(BodySizeLimit)
    app.add_middleware(GZipMiddleware)
    app.add_middleware(SecurityHeaders)  # added after the two above, so outside them: 413s get the headers too
    app.add_middleware(EndOpenResponses)


def serve(app: FastAPI, *, host: str, port: int, title: str, favicon: str, storage_secret: str) -> None:
    """Mounts NiceGUI's pages in `app` behind its own routes and serves it as `ui.run()` would, until SIGTERM."""
    app.router.routes.append(ClaimedPaths(API_PATHS))
    ui.run_with(app, title=title, favicon=favicon, storage_secret=storage_secret, gzip_middleware_factory=None)
    announce_address(host, port)
    uvicorn.run(app, host=host, port=port, log_level='warning', ws='wsproto')


class ClaimedPaths(BaseRoute):
    """Requests under `prefixes` that no route of the outer app fully matches stay the outer app's: a 405 from the
    route that answers another method, else a JSON 404, as its router would give them. Without it NiceGUI, mounted
    at `/` after these routes, would take them and answer with its HTML 404 page (and a session)."""

    def __init__(self, prefixes: tuple[str, ...]) -> None:
        self.prefixes = prefixes

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        claimed = scope['type'] == 'http' and scope['path'].startswith(self.prefixes)
        return (Match.FULL if claimed else Match.NONE), {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        for route in scope['router'].routes:
            match, child_scope = route.matches(scope)
            if match == Match.PARTIAL:
                scope.update(child_scope)
                await route.handle(scope, receive, send)  # raises its 405, with `Allow`
                return
        raise HTTPException(404)

    def url_path_for(self, name: str, /, **path_params: object) -> URLPath:
        raise NoMatchFound(name, path_params)
