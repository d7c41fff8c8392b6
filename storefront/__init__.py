"""Shop pages, the public JSON catalog, the read cache and the live bridge."""

from fastapi import FastAPI

from invalidation.bus import Bus


def install(app: FastAPI, bus: Bus) -> None:
    """Adds the shop's routes to `app` and connects the read cache and open pages to the bus."""
    from nicegui import app as nicegui_app

    from storefront import api, pages
    from storefront.live import bridge

    bridge.cache.clear()  # the cache is process-wide; `install` runs once per app start (tests start several)
    app.include_router(api.router)
    app.include_router(pages.router)
    bus.add_listener(bridge.on_event)
    nicegui_app.on_startup(bridge.start)
    nicegui_app.on_shutdown(bridge.stop)
