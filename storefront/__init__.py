"""Shop pages, the public JSON catalog, the read cache and the live bridge."""

from fastapi import FastAPI

from invalidation.bus import Bus


def install(app: FastAPI, bus: Bus) -> None:
    """Adds the shop's routes to `app` and connects the shop to the bus."""
    from storefront import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
