"""Settings for an app run in-process by NiceGUI's `user` fixture: they must be in place before it runs `main()`."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from models.settings import get_settings


@contextmanager
def app_settings(
    monkeypatch: pytest.MonkeyPatch, database: Path, *, demo_products: int, admin_user: str, password: str
) -> Iterator[None]:
    """A fresh SQLite file and known admin credentials; the cached `Settings` is rebuilt before and after."""
    monkeypatch.setenv('STOREFRONT_DATABASE_URL', f'sqlite:///{database}')
    monkeypatch.setenv('STOREFRONT_DEMO_PRODUCTS', str(demo_products))
    monkeypatch.setenv('STOREFRONT_ADMIN_USER', admin_user)
    monkeypatch.setenv('STOREFRONT_ADMIN_PASSWORD', password)
    get_settings.cache_clear()
    try:
        yield
    finally:
        get_settings.cache_clear()
