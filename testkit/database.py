"""A database of its own for one test storefront: a SQLite file in its folder, or a new schema on a PostgreSQL
server, dropped with everything in it when the storefront closes."""

import secrets
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from models.db import Database
from models.schema import upgrade

SCHEMA_PREFIX = 'storefront_test_'


class TestDatabase:
    """Created empty and upgraded to the newest schema; `url` is what the app is given."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    def __init__(self, folder: Path, server_url: str | None = None) -> None:
        self.server_url = server_url
        self.schema: str | None = None
        if server_url is None:
            self.url = f'sqlite:///{folder / "storefront.db"}'
        elif make_url(server_url).get_backend_name() == 'postgresql':
            self.schema = f'{SCHEMA_PREFIX}{secrets.token_hex(6)}'
            self._admin(f'CREATE SCHEMA {self.schema}')
            separator = '&' if '?' in server_url else '?'
            self.url = f'{server_url}{separator}options={quote(f"-csearch_path={self.schema}")}'
        else:
            raise ValueError(f'a PostgreSQL server URL is needed (SQLite is the default), not {server_url!r}')
        self.db = Database(self.url, origin='storefront-testing')
        upgrade(self.db.engine)

    def drop(self) -> None:
        self.db.dispose()
        if self.schema:
            self._admin(f'DROP SCHEMA IF EXISTS {self.schema} CASCADE')

    def _admin(self, statement: str) -> None:
        assert self.server_url is not None
        engine = create_engine(self.server_url, isolation_level='AUTOCOMMIT')
        try:
            with engine.connect() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()
