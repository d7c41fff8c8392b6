"""The engine: SQLite in WAL mode with foreign keys, its folder created on first use; every statement counted."""

from pathlib import Path

from prometheus_client import REGISTRY
from sqlalchemy import text

from models.db import create_db_engine


def test_sqlite_creates_its_folder_and_uses_wal(tmp_path: Path) -> None:
    engine = create_db_engine(f'sqlite:///{tmp_path}/data/nested/storefront.db')
    try:
        with engine.connect() as connection:
            assert connection.execute(text('PRAGMA journal_mode')).scalar() == 'wal'
            assert connection.execute(text('PRAGMA foreign_keys')).scalar() == 1
            assert connection.execute(text("SELECT lower('ÜBER')")).scalar() == 'über'
        assert (tmp_path / 'data' / 'nested' / 'storefront.db').exists()
    finally:
        engine.dispose()


def test_statements_are_counted(tmp_path: Path) -> None:
    engine = create_db_engine(f'sqlite:///{tmp_path}/count.db')
    before = queries_counted()
    try:
        with engine.connect() as connection:
            for _ in range(3):
                connection.execute(text('SELECT 1'))
    finally:
        engine.dispose()
    assert queries_counted() - before >= 3


def queries_counted() -> float:
    return REGISTRY.get_sample_value('storefront_db_queries_total') or 0.0
