"""Wires the shop together: settings → database → bus → the outer app and NiceGUI's → `server.outer.serve()`."""

import logging
import os
import signal
import socket
import sys
from datetime import timedelta

from fastapi import FastAPI
from nicegui import app as nicegui_app
from nicegui import helpers, ui

import admin
import storefront
from admin.feed import Feed
from admin.throttle import LoginThrottle
from invalidation.bus import Bus
from invalidation.deliveries import Deliveries
from invalidation.sse import Streams
from invalidation.tailer import Retention
from models import schema
from models.changelog import record_transactions
from models.db import Database
from models.seed import seed_if_empty
from models.settings import Settings, get_settings
from server import gc_policy, outer
from server.services import Services
from storefront.cache import CatalogCache
from storefront.listing import Listings
from storefront.live import LiveBridge

TITLE = 'Live Storefront'
FAVICON = '🛍️'


def main() -> None:
    settings = get_settings()
    logging.basicConfig(level=logging.INFO, format='%(asctime)s %(levelname)s %(name)s: %(message)s')
    services = build_services(settings, origin=f'{socket.gethostname()}:{os.getpid()}')
    with services.db.session() as session:
        seed_if_empty(session, settings.demo_products)
    simulated = helpers.is_user_simulation()
    # NiceGUI's `user` fixture drives NiceGUI's own app in-process and sees no app around it: there, it is both
    api = nicegui_app if simulated else FastAPI(title=f'{TITLE} API')
    nicegui_app.state.services = services
    outer.install(api, services)
    storefront.install(api, nicegui_app, services)
    admin.install(api, nicegui_app, services)
    nicegui_app.on_startup(services.bus.connect)
    nicegui_app.on_shutdown(services.bus.disconnect)
    nicegui_app.on_shutdown(services.db.dispose)
    if settings.env == 'development' and not os.environ.get('STOREFRONT_ADMIN_TOKEN'):
        print(f'Admin API token for this run: {settings.admin_token}', flush=True)
    if simulated:
        ui.run(title=TITLE, favicon=FAVICON, storage_secret=settings.storage_secret, reload=False)  # settings only
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # uvicorn re-raises SIGTERM after its graceful stop
    nicegui_app.on_startup(lambda: gc_policy.start(services.bus))  # process-wide: only in a process of its own
    secret = settings.storage_secret
    outer.serve(api, host=settings.host, port=settings.port, title=TITLE, favicon=FAVICON, storage_secret=secret)


def build_services(settings: Settings, *, origin: str) -> Services:
    """The database (its schema brought up to date, its change log recording), the bus on it, and what the shop
    and the admin keep in memory."""
    db = Database(settings.database_url, origin)
    schema.upgrade(db.engine)
    record_transactions(db.engine, origin)
    retention = Retention(settings.log_retention_count, timedelta(hours=settings.log_retention_hours))
    bus = Bus(db.engine, origin=origin, retention=retention, queue_size=settings.subscriber_queue_size)
    db.on_commit(bus.tailer.wake)
    catalog, deliveries = CatalogCache(db), Deliveries()
    return Services(
        settings=settings,
        db=db,
        bus=bus,
        streams=Streams(),
        catalog=catalog,
        listings=Listings(),
        live=LiveBridge(catalog, deliveries, window_seconds=settings.update_window_ms / 1000),
        deliveries=deliveries,
        feed=Feed(),
        login_throttle=LoginThrottle(),
    )


if __name__ in {'__main__', '__mp_main__'}:
    main()
