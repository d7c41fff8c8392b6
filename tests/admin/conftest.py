"""NiceGUI `user` fixture tests of the admin: `app.py`'s `main()` runs in-process on a fresh SQLite file per test."""

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from nicegui import core
from nicegui.testing import User

from tests.in_process import app_settings

ADMIN_USER = 'staff'
PASSWORD = 'correct horse battery'


@pytest.fixture
def demo_products() -> int:
    """How many demo products the app seeds; a test may override it with `parametrize`."""
    return 3


@pytest.fixture
def admin_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, demo_products: int) -> Iterator[None]:
    """Settings for the in-process app; they must be in place before the `user` fixture runs `main()`."""
    with app_settings(
        monkeypatch, tmp_path / 'admin.db', demo_products=demo_products, admin_user=ADMIN_USER, password=PASSWORD
    ):
        yield


@pytest.fixture
async def user(admin_env: None, user: User) -> AsyncIterator[User]:
    yield user


@pytest.fixture
async def second_user(user: User) -> AsyncIterator[User]:
    """Another browser session on the same app. Unlike NiceGUI's `create_user`, it does not run the app's
    startup a second time (that would connect the bus twice)."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url='http://test') as client:
        yield User(client)


async def sign_in(user: User, password: str = PASSWORD, *, path: str = '/login') -> None:
    await user.open(path)
    user.find(marker='login-user').type(ADMIN_USER)
    user.find(marker='login-password').type(password)
    user.find(marker='login-submit').click()


async def signed_in(user: User) -> User:
    await sign_in(user)
    await user.should_see(marker='sign-out', retries=30)
    return user


def token_headers() -> dict[str, str]:
    return {'Authorization': f'Bearer {os.environ["STOREFRONT_ADMIN_TOKEN"]}'}


async def create_product(user: User, name: str = 'Travel Mug', sku: str = 'MUG-1', **fields: Any) -> dict[str, Any]:
    """A product through the admin JSON API (a real request to the in-process app)."""
    body = {
        'name': name,
        'category': 'coffee',
        'variants': [{'sku': sku, 'name': 'Standard', 'price': 1250, 'stock_on_hand': 4}],
        **fields,
    }
    response = await user.http_client.post('/api/admin/products', json=body, headers=token_headers())
    assert response.status_code == 201, response.text
    product: dict[str, Any] = response.json()
    return product


async def fetch_product(user: User, product_id: int) -> dict[str, Any]:
    response = await user.http_client.get(f'/api/products/{product_id}')
    assert response.status_code == 200, response.text
    product: dict[str, Any] = response.json()
    return product
