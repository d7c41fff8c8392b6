"""Sign-in, admin pages and the admin JSON API."""

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError

from invalidation.bus import Bus


def install(app: FastAPI, bus: Bus) -> None:
    """Adds the admin's routes, its sign-in guard and its bus listener to `app`."""
    from admin import api, login, pages
    from admin.auth import AuthMiddleware
    from admin.feed import Feed
    from admin.limits import BodySizeLimit
    from admin.security import SecurityHeaders
    from admin.throttle import LoginThrottle

    feed = Feed()
    bus.add_listener(feed)
    app.state.admin_feed = feed
    app.state.login_throttle = LoginThrottle()
    app.add_middleware(BodySizeLimit)
    app.add_middleware(AuthMiddleware)
    app.add_middleware(SecurityHeaders)  # added last, so it is outermost: redirects and 413s get the headers too
    app.add_exception_handler(RequestValidationError, api.validation_errors)
    app.include_router(api.router)
    app.include_router(login.router)
    app.include_router(pages.router)
