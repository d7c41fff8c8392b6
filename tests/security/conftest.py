"""The in-process app for NiceGUI's `user` fixture: its own SQLite file per test, known admin credentials."""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from nicegui.testing import User

from models.settings import get_settings

ADMIN_USER = 'guard'
PASSWORD = 'a long and secret passphrase'


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv('STOREFRONT_DATABASE_URL', f'sqlite:///{tmp_path / "security.db"}')
    monkeypatch.setenv('STOREFRONT_DEMO_PRODUCTS', '2')
    monkeypatch.setenv('STOREFRONT_ADMIN_USER', ADMIN_USER)
    monkeypatch.setenv('STOREFRONT_ADMIN_PASSWORD', PASSWORD)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
async def user(app_env: None, user: User) -> AsyncIterator[User]:
    yield user
