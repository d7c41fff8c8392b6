"""Shop pages, the public JSON catalog, the read cache and the live bridge."""

from typing import TYPE_CHECKING

from fastapi import FastAPI

from invalidation.bus import Bus

if TYPE_CHECKING:  # NiceGUI is imported by the modules `install` imports, not by importing the package
    from nicegui import App


def install(api: FastAPI, pages: 'App', bus: Bus) -> None:
    """Adds the public JSON catalog to `api` and the shop's pages to `pages` (NiceGUI's app), and connects the read
    cache and open pages to the bus."""
    from storefront import api as catalog_api
    from storefront import pages as shop_pages
    from storefront.live import bridge

    bridge.cache.clear()  # the cache is process-wide; `install` runs once per app start (tests start several)
    api.include_router(catalog_api.router)
    pages.include_router(shop_pages.router)
    bus.add_listener(bridge.on_event)
    pages.on_startup(bridge.start)
    pages.on_shutdown(bridge.stop)
