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
from invalidation.bus import Bus
from invalidation.tailer import Retention
from models import schema
from models.changelog import record_transactions
from models.db import db
from models.seed import seed_if_empty
from models.settings import get_settings
from server import gc_policy, outer

TITLE = 'Live Storefront'
FAVICON = '🛍️'


def main() -> None:
    settings = get_settings()
    logging.basicConfig(level=logging.INFO, format='%(asctime)s %(levelname)s %(name)s: %(message)s')
    origin = f'{socket.gethostname()}:{os.getpid()}'
    engine = db.configure(settings.database_url, origin)
    schema.upgrade(engine)
    record_transactions(engine, origin)
    retention = Retention(settings.log_retention_count, timedelta(hours=settings.log_retention_hours))
    bus = Bus(engine, origin=origin, retention=retention, queue_size=settings.subscriber_queue_size)
    db.on_commit(bus.tailer.wake)
    with db.session() as session:
        seed_if_empty(session, settings.demo_products)
    simulated = helpers.is_user_simulation()
    # NiceGUI's `user` fixture drives NiceGUI's own app in-process and sees no app around it: there, it is both
    api = nicegui_app if simulated else FastAPI(title=f'{TITLE} API')
    nicegui_app.state.bus = bus
    outer.install(api, bus)
    storefront.install(api, nicegui_app, bus)
    admin.install(api, nicegui_app, bus)
    nicegui_app.on_startup(bus.connect)
    nicegui_app.on_shutdown(bus.disconnect)
    if settings.env == 'development' and not os.environ.get('STOREFRONT_ADMIN_TOKEN'):
        print(f'Admin API token for this run: {settings.admin_token}', flush=True)
    if simulated:
        ui.run(title=TITLE, favicon=FAVICON, storage_secret=settings.storage_secret, reload=False)  # settings only
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # uvicorn re-raises SIGTERM after its graceful stop
    nicegui_app.on_startup(lambda: gc_policy.start(bus))  # process-wide: only in a process of its own
    secret = settings.storage_secret
    outer.serve(api, host=settings.host, port=settings.port, title=TITLE, favicon=FAVICON, storage_secret=secret)


if __name__ in {'__main__', '__mp_main__'}:
    main()
