"""What one process shares: built once by `app.py`, handed to each package's `install`, kept on both apps' state.

Routes of the outer app take it as a FastAPI dependency (`ServicesDep`); NiceGUI pages and their handlers, which
FastAPI's dependencies do not reach, ask `Services.current()`. Nothing of ours is a module-level singleton, so an
app started a second time in one process (NiceGUI's `user` fixture does) starts with nothing left over.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from nicegui import app as nicegui_app

if TYPE_CHECKING:  # the parts import NiceGUI, SQLAlchemy and each other; this module only names them
    from admin.feed import Feed
    from admin.throttle import LoginThrottle
    from invalidation.bus import Bus
    from invalidation.deliveries import Deliveries
    from invalidation.sse import Streams
    from models.db import Database
    from models.settings import Settings
    from storefront.cache import CatalogCache
    from storefront.listing import Listings
    from storefront.live import LiveBridge


@dataclass(frozen=True, kw_only=True)
class Services:
    settings: 'Settings'
    db: 'Database'
    bus: 'Bus'
    streams: 'Streams'  # the open event streams' count, keep-alive and shared frames
    catalog: 'CatalogCache'  # the read cache
    listings: 'Listings'  # sorted query results per catalog snapshot
    live: 'LiveBridge'  # bus → read cache → open shop pages
    deliveries: 'Deliveries'  # pages rerendered per event, for the admin's receipts
    feed: 'Feed'  # the admin's view of the bus
    login_throttle: 'LoginThrottle'

    @staticmethod
    def current() -> 'Services':
        """The services of the running app, for NiceGUI pages and their handlers."""
        services: Services = nicegui_app.state.services
        return services


def requested(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(requested)]
