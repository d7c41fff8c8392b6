"""Access to the machine's PostgreSQL for tests: a private schema per test, skipped when PostgreSQL is absent."""

import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

POSTGRES_ADMIN_URL = 'postgresql+psycopg://postgres@127.0.0.1:5432/test'


def sqlite_url(folder: Path) -> str:
    return f'sqlite:///{folder / "storefront.db"}'


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A URL whose search_path is a new schema, dropped afterwards with everything in it."""
    if not reachable('127.0.0.1', 5432):
        pytest.skip('PostgreSQL is not reachable at 127.0.0.1:5432')
    schema = f'test_{secrets.token_hex(6)}'
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level='AUTOCOMMIT')
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA {schema}'))
    try:
        yield f'{POSTGRES_ADMIN_URL}?options=-csearch_path%3D{schema}'
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA {schema} CASCADE'))
        admin.dispose()
