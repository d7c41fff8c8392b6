"""The in-process app for NiceGUI's `user` fixture: its own SQLite file per test, known admin credentials."""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from nicegui.testing import User

from tests.in_process import app_settings

ADMIN_USER = 'guard'
PASSWORD = 'a long and secret passphrase'


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    with app_settings(monkeypatch, tmp_path / 'security.db', demo_products=2, admin_user=ADMIN_USER, password=PASSWORD):
        yield


@pytest.fixture
async def user(app_env: None, user: User) -> AsyncIterator[User]:
    yield user
