"""Shop pages, the public JSON catalog and checkout, the read cache and the live bridge."""

from typing import TYPE_CHECKING

from fastapi import FastAPI

if TYPE_CHECKING:  # NiceGUI is imported by the modules `install` imports, not by importing the package
    from nicegui import App

    from server.services import Services


def install(api: FastAPI, pages: 'App', services: 'Services') -> None:
    """Adds the public JSON catalog and checkout to `api` and the shop's pages to `pages` (NiceGUI's app), and
    connects the read cache and open pages to the bus."""
    from storefront import api as catalog_api
    from storefront import checkout_api, checkout_pages
    from storefront import pages as shop_pages

    api.include_router(catalog_api.router)
    api.include_router(checkout_api.router)
    pages.include_router(shop_pages.router)
    pages.include_router(checkout_pages.router)
    services.bus.add_listener(services.live.on_event)
    pages.on_startup(services.live.start)
    pages.on_shutdown(services.live.stop)
