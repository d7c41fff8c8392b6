"""Sign-in, admin pages and the admin JSON API."""

from fastapi import FastAPI

from invalidation.bus import Bus


def install(app: FastAPI, bus: Bus) -> None:
    """Adds the admin's routes and guards to `app`."""
    from admin import api
    from admin.limits import BodySizeLimit

    app.add_middleware(BodySizeLimit)
    app.include_router(api.router)
