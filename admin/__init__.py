"""Sign-in, admin pages and the admin JSON API."""

from typing import TYPE_CHECKING

from fastapi import FastAPI

if TYPE_CHECKING:  # NiceGUI is imported by the modules `install` imports, not by importing the package
    from nicegui import App

    from server.services import Services


def install(api: FastAPI, pages: 'App', services: 'Services') -> None:
    """Adds the admin JSON API to `api`, and the sign-in and admin pages with their guard to `pages` (NiceGUI's
    app), and the admin feed's listener to the bus."""
    from admin import api as admin_api
    from admin import login, orders_api, orders_pages
    from admin import pages as admin_pages
    from admin.auth import AuthMiddleware

    services.bus.add_listener(services.feed)
    pages.add_middleware(AuthMiddleware)
    api.include_router(admin_api.router)
    api.include_router(orders_api.router)
    pages.include_router(login.router)
    pages.include_router(admin_pages.router)
    pages.include_router(orders_pages.router)
