"""Who may see the admin pages: the signed-in flag in `app.storage.user`, checked by a middleware on `/admin…`."""

import secrets
from urllib.parse import quote

from nicegui import app
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from server.services import Services

HOME = '/admin'


class AuthMiddleware:
    """Redirects every `/admin` page request without a signed-in session to `/login?redirect_to=<path>`.

    A plain ASGI middleware rather than `BaseHTTPMiddleware`, so it never wraps the shop's streams.
    NiceGUI's session and request-tracking middlewares run outside it (they are added later, by `ui.run`).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] == 'http' and is_admin_page(scope['path']) and not signed_in():
            target = Request(scope).url.path
            await RedirectResponse(f'/login?redirect_to={quote(target)}')(scope, receive, send)
            return
        await self.app(scope, receive, send)


def is_admin_page(path: str) -> bool:
    return path == HOME or path.startswith(f'{HOME}/')


def signed_in() -> bool:
    return bool(app.storage.user.get('authenticated', False))


def credentials_match(user: str, password: str) -> bool:
    """Constant-time comparison of both values, always both, so timing tells nothing about which was wrong."""
    settings = Services.current().settings
    user_ok = secrets.compare_digest(user.encode(), settings.admin_user.encode())
    password_ok = secrets.compare_digest(password.encode(), settings.admin_password.encode())
    return user_ok & password_ok


def safe_target(redirect_to: str | None) -> str:
    """Only ever sends a signed-in admin to an admin page of this site (no open redirect)."""
    if redirect_to and is_admin_page(redirect_to.split('?', 1)[0]) and '\\' not in redirect_to:
        return redirect_to
    return HOME
