"""A live storefront for tests: `python app.py` on a free port, with a database of its own holding a known catalog.

`start()` prepares the database (schema, catalog) before the app starts, so the first page already shows the
catalog; `reset()` brings a running storefront back to it; `close()` leaves nothing behind: no process, no
folder or SQLite file, no PostgreSQL schema.
"""

import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

import httpx
from httpx_sse import connect_sse
from sqlalchemy import text

from models.changelog import ChangeLog
from testkit.catalog import CatalogSource
from testkit.client import AdminClient
from testkit.database import TestDatabase
from testkit.process import AppProcess
from testkit.waiting import eventually

RESET_SECONDS = 30


class Storefront:
    def __init__(self, catalog: CatalogSource, database_server: str | None = None) -> None:
        self.catalog = catalog
        self.database_server = database_server
        self.token = f'storefront-testing-{secrets.token_urlsafe(24)}'
        self.folder = Path(tempfile.mkdtemp(prefix='storefront-'))
        self._database: TestDatabase | None = None
        self._process: AppProcess | None = None
        self._admin: AdminClient | None = None

    def start(self) -> Self:
        try:
            self._database = TestDatabase(self.folder, self.database_server)
            with self._database.db.session() as session:
                self.catalog.load(session)
            env = {
                'STOREFRONT_DATABASE_URL': self._database.url,
                'STOREFRONT_DEMO_PRODUCTS': '0',  # the catalog is in already
                'STOREFRONT_ENV': 'development',
                'STOREFRONT_ADMIN_TOKEN': self.token,
                'STOREFRONT_STORAGE_SECRET': secrets.token_urlsafe(32),
            }
            self._process = AppProcess(self.folder, env, name='storefront').start()
        except BaseException:
            self.close()
            raise
        self._admin = AdminClient(self.url, self.token)
        return self

    @property
    def url(self) -> str:
        return self._running.url

    @property
    def pid(self) -> int:
        assert self._running.process is not None
        return self._running.process.pid

    @property
    def admin(self) -> AdminClient:
        assert self._admin is not None, 'the storefront is not started'
        return self._admin

    @property
    def database_url(self) -> str:
        assert self._database is not None, 'the storefront is not started'
        return self._database.url

    def log(self) -> str:
        return self._process.log() if self._process else ''

    def reset(self) -> None:
        """Back to the catalog it started with: no orders, every product as loaded (under new ids). Returns once
        the app has read the change, so a page opened next shows the catalog as loaded."""
        assert self._database is not None, 'the storefront is not started'
        with self._database.db.session() as session, self._app_caught_up():
            connection = session.connection()
            connection.execute(text('DELETE FROM customer_order'))  # their lines cascade
            connection.execute(text('DELETE FROM product'))  # variants and stock movements cascade
            session.commit()
            self.catalog.load(session)

    def close(self) -> None:
        if self._admin:
            self._admin.close()
        if self._process:
            self._process.stop()
        if self._database:
            self._database.drop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def _running(self) -> AppProcess:
        assert self._process is not None, 'the storefront is not started'
        return self._process

    @contextmanager
    def _app_caught_up(self) -> Iterator[None]:
        """Waits, after the body's writes, until the app's bus has handed the last of them to its listeners (the
        read cache among them): a live event on a stream subscribed before the writes proves it, where a replayed
        one would only prove the log has it."""
        assert self._database is not None
        log = ChangeLog(self._database.db.engine)
        before = log.head()
        with httpx.Client(base_url=self.url, timeout=httpx.Timeout(10, read=RESET_SECONDS)) as client:
            subscribers = client.get('/healthz').json()['subscribers']
            with connect_sse(client, 'GET', '/api/cache-events') as events:
                eventually(lambda: client.get('/healthz').json()['subscribers'] > subscribers, RESET_SECONDS)
                yield
                head = log.head()
                if head == before:
                    return
                for event in events.iter_sse():
                    if event.id and int(event.id.rpartition('-')[2]) >= head:
                        return
