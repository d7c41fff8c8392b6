"""The engine and sessions: SQLite (WAL) by default, PostgreSQL or anything SQLAlchemy speaks by URL."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from prometheus_client import Counter
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

DB_QUERIES = Counter('storefront_db_queries', 'SQL statements sent to the database')


class Database:
    """The process's one engine and its sessions; `app.py` builds it, everything else opens sessions from it."""

    def __init__(self, url: str, origin: str | None = None) -> None:
        self.engine = create_db_engine(url, origin)
        self._sessions = sessionmaker(self.engine, class_=Session, expire_on_commit=False)

    def on_commit(self, callback: Callable[[], None]) -> None:
        """`callback` runs (in the committing thread) after each commit of a session from `session()`."""
        event.listen(self._sessions, 'after_commit', lambda _session: callback())

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def create_db_engine(url: str, origin: str | None = None) -> Engine:
    """An engine for `url`; on PostgreSQL `origin` becomes the connections' `application_name`, which the change
    log records as the writer of each transaction (psql's is `psql`)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == 'sqlite':
        if parsed.database and parsed.database != ':memory:':
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={'check_same_thread': False, 'timeout': 30})
        event.listen(engine, 'connect', _sqlite_pragmas)
    else:
        connect_args = {'application_name': origin[:63]} if origin else {}
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args=connect_args)
    event.listen(engine, 'before_cursor_execute', _count_query)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets shoppers read while the admin writes; foreign keys are off in SQLite unless asked for.

    SQLite's own `lower()` folds ASCII only; Python's replaces it, so sorting by name in SQL matches the
    in-memory listing (`ProductQuery.sort_key`) for names like 'Über'.
    """
    dbapi_connection.create_function('lower', 1, _lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute('PRAGMA journal_mode=WAL')
    cursor.execute('PRAGMA synchronous=NORMAL')
    cursor.execute('PRAGMA foreign_keys=ON')
    cursor.execute('PRAGMA busy_timeout=30000')
    cursor.close()


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _count_query(*_args: Any) -> None:
    DB_QUERIES.inc()
