"""The live product page: what it shows as the catalog changes under it, without a reload."""

from nicegui.testing import User

from tests.admin.conftest import create_product, token_headers


async def test_a_page_opened_before_its_product_exists_shows_it_once_it_does(user: User) -> None:
    """Regression: the page kept "no longer available" for good when it was opened (or linked to) before the
    product was created, or before this process had heard of it: it only ever followed a product it had found."""
    await user.open('/product/travel-mug')
    await user.should_see('This product is no longer available.')
    await create_product(user, name='Travel Mug', slug='travel-mug')
    await user.should_see(marker='product-name', content='Travel Mug', retries=50)
    await user.should_not_see('This product is no longer available.')


async def test_a_disabled_product_leaves_and_comes_back(user: User) -> None:
    product = await create_product(user, name='Travel Mug', slug='travel-mug')
    await user.open('/product/travel-mug')
    await user.should_see(marker='product-name', content='Travel Mug')
    path = f'/api/admin/products/{product["id"]}'
    hidden = await user.http_client.patch(path, json={'version': 1, 'enabled': False}, headers=token_headers())
    await user.should_see('This product is no longer available.', retries=50)
    await user.http_client.patch(
        path, json={'version': hidden.json()['version'], 'enabled': True}, headers=token_headers()
    )
    await user.should_see(marker='product-name', content='Travel Mug', retries=50)
