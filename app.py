"""Wires the shop together: settings → database → bus → routers → `ui.run()`."""

import logging
import os
import signal
import socket
import sys
from datetime import timedelta

from fastapi.exceptions import RequestValidationError
from nicegui import app, helpers, ui
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware

import admin
import storefront
from admin import api as admin_api
from admin.limits import BodySizeLimit
from admin.security import SecurityHeaders
from invalidation import gc_policy, lane, ops, sse
from invalidation.bus import Bus
from invalidation.tailer import Retention
from models import schema
from models.changelog import record_transactions
from models.db import db
from models.seed import seed_if_empty
from models.settings import get_settings
from storefront import api as shop_api


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
    app.state.bus = bus
    app.title = 'Live Storefront API'
    app.include_router(ops.router)
    app.include_router(sse.router)
    storefront.install(app, bus)
    admin.install(app, bus)
    lane.serve_apart(
        app,
        ('/api/', '/healthz', '/metrics'),
        [ops.router, sse.router, shop_api.router, admin_api.router],
        Middleware(SecurityHeaders),
        Middleware(GZipMiddleware),
        Middleware(BodySizeLimit),
        exception_handlers={RequestValidationError: admin_api.validation_errors},
    )
    app.on_startup(bus.connect)
    app.on_shutdown(bus.disconnect)
    if settings.env == 'development' and not os.environ.get('STOREFRONT_ADMIN_TOKEN'):
        print(f'Admin API token for this run: {settings.admin_token}', flush=True)
    if not helpers.is_user_simulation():  # process-wide settings: only in a process of its own, not in a test run
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # uvicorn re-raises SIGTERM after its graceful stop
        app.on_startup(lambda: gc_policy.start(bus))
    ui.run(
        host=settings.host,
        port=settings.port,
        reload=False,
        show=False,
        title='Live Storefront',
        storage_secret=settings.storage_secret,
        fastapi_docs=True,
        favicon='🛍️',
    )


if __name__ in {'__main__', '__mp_main__'}:
    main()
