import pytest
from nicegui import ui
from nicegui.testing import User

from tests.admin.conftest import create_product, fetch_product, signed_in


async def test_every_product_field_error_shows_its_message_and_saves_nothing(user: User) -> None:
    product = await create_product(user)
    await signed_in(user)
    await user.open(f'/admin/products/{product["id"]}')
    user.find(marker='name').clear()
    user.find(marker='slug').clear().type('Not A Slug')
    user.find(marker='description').type('x' * 5_001)
    user.find(marker='save-product').click()
    await user.should_see(content='required', marker='name')
    await user.should_see(content='lower-case letters, digits and single hyphens', marker='slug')
    await user.should_see(content='at most 5000 characters', marker='description')
    assert await fetch_product(user, product['id']) == product


async def test_every_variant_field_error_shows_its_message_and_saves_nothing(user: User) -> None:
    product = await create_product(user)
    await signed_in(user)
    await user.open(f'/admin/products/{product["id"]}')
    with user.scope(marker='variant-row'):
        user.find(marker='variant-sku').clear().type('bad sku!')
        user.find(marker='variant-name').clear()
        user.find(marker='variant-price').clear().type('12.345')
        user.find(marker='save-variant').click()
        await user.should_see(content='starting with a letter or digit', marker='variant-sku')
        await user.should_see(content='required', marker='variant-name')
        await user.should_see(content='at most two decimals', marker='variant-price')
    user.find(marker='add-variant').click()
    with user.scope(marker='new-variant'):
        await user.should_see(content='required', marker='variant-sku')
        await user.should_see(content='enter an amount like 12.50', marker='variant-price')
    assert await fetch_product(user, product['id']) == product


@pytest.mark.parametrize(('marker', 'text'), [('name', 'Delete \x7f here'), ('description', 'Next \x85 line')])
async def test_a_control_character_the_model_refuses_is_refused_next_to_its_field(
    user: User, marker: str, text: str
) -> None:
    """Regression: the form let U+007F and U+0085 through; the model refused them on save, and nobody was told."""
    product = await create_product(user)
    await signed_in(user)
    await user.open(f'/admin/products/{product["id"]}')
    user.find(marker=marker).clear().type(text)
    user.find(marker='save-product').click()
    await user.should_see(content='must not contain control characters', marker=marker)
    assert await fetch_product(user, product['id']) == product


async def test_refusals_only_the_database_knows_appear_next_to_their_field(user: User) -> None:
    await create_product(user, name='Other', sku='TAKEN-1', slug='taken-slug')
    product = await create_product(user)
    await signed_in(user)
    await user.open(f'/admin/products/{product["id"]}')
    user.find(marker='slug').clear().type('taken-slug')
    user.find(marker='save-product').click()
    await user.should_see(content='already taken', marker='slug', retries=30)
    with user.scope(marker='new-variant'):
        user.find(marker='variant-sku').type('TAKEN-1')
        user.find(marker='variant-name').type('Large')
        user.find(marker='variant-price').type('3.00')
    user.find(marker='add-variant').click()
    with user.scope(marker='new-variant'):
        await user.should_see(content='already used by another variant', marker='variant-sku', retries=30)
    assert await fetch_product(user, product['id']) == product


async def test_new_product_form_validates_everything_and_creates_nothing(user: User) -> None:
    await signed_in(user)
    before = (await user.http_client.get('/api/products')).json()['total']
    await user.open('/admin/products/new')
    user.find(marker='create-product').click()
    await user.should_see(content='required', marker='name')
    await user.should_see(content='required', marker='category')
    await user.should_see(content='required', marker='variant-sku')
    await user.should_see(content='enter an amount like 12.50', marker='variant-price')
    assert (await user.http_client.get('/api/products')).json()['total'] == before


async def test_new_product_form_refuses_what_the_model_refuses_next_to_each_field(user: User) -> None:
    await signed_in(user)
    before = (await user.http_client.get('/api/products')).json()['total']
    await user.open('/admin/products/new')
    user.find(marker='name').type('Delete \x7f here')
    user.find(marker='description').type('Next \x85 line')
    user.find(marker='category').click()
    user.find('Coffee').click()
    user.find(marker='variant-sku').type('S' * 65)
    user.find(marker='variant-name').type('Standard')
    user.find(marker='variant-price').type('1.00')
    user.find(marker='create-product').click()
    await user.should_see(content='must not contain control characters', marker='name')
    await user.should_see(content='must not contain control characters', marker='description')
    await user.should_see(content='at most 64 characters', marker='variant-sku')
    assert (await user.http_client.get('/api/products')).json()['total'] == before


async def test_creating_a_product_with_a_variant(user: User) -> None:
    await signed_in(user)
    await user.open('/admin/products/new')
    user.find(marker='name').type('Cold Brew Kit')
    user.find(marker='category').click()
    user.find('Coffee').click()
    user.find(marker='variant-sku').type('CBK-1')
    user.find(marker='variant-name').type('Kit')
    user.find(marker='variant-price').type('19.90')
    user.find(marker='variant-initial-stock').type('7')
    user.find(marker='create-product').click()
    await user.should_see(marker='receipt', retries=30)
    found = (await user.http_client.get('/api/products', params={'q': 'cold brew kit'})).json()['items']
    assert [(p['name'], p['slug'], p['variants'][0]['price'], p['variants'][0]['stock_on_hand']) for p in found] == [
        ('Cold Brew Kit', 'cold-brew-kit', 1990, 7)
    ]


async def test_stock_adjustment_needs_a_reason_and_is_logged(user: User) -> None:
    product = await create_product(user)
    await signed_in(user)
    await user.open(f'/admin/products/{product["id"]}')
    user.find(marker='stock-variant').click()
    await user.should_see(marker='stock-dialog', retries=30)
    user.find(marker='stock-quantity').type('3')
    user.find(marker='stock-apply').click()
    await user.should_see(content='required', marker='stock-reason')
    assert (await fetch_product(user, product['id']))['variants'][0]['stock_on_hand'] == 4
    user.find(marker='stock-reason').type('delivery')
    user.find(marker='stock-apply').click()
    await user.should_see('7 in stock', retries=30)
    await user.should_see(marker='receipt')
    assert (await fetch_product(user, product['id']))['variants'][0]['stock_on_hand'] == 7


async def test_second_of_two_concurrent_saves_gets_the_conflict_and_first_save_wins(
    user: User, second_user: User
) -> None:
    product = await create_product(user, name='Original')
    first = await signed_in(user)
    second = await signed_in(second_user)
    await first.open(f'/admin/products/{product["id"]}')
    await second.open(f'/admin/products/{product["id"]}')

    first.find(marker='name').clear().type('First edit')
    first.find(marker='save-product').click()
    await first.should_see(marker='receipt', retries=30)
    await second.should_see('This product was just changed elsewhere', retries=30)

    second.find(marker='name').clear().type('Second edit')
    second.find(marker='save-product').click()
    await second.should_see('Not saved: someone else changed this product', retries=30)
    await second.should_see("name: 'Original' → 'First edit'")
    saved = await fetch_product(user, product['id'])
    assert saved['name'] == 'First edit'
    assert saved['version'] == product['version'] + 1

    second.find('Reapply my edits on top').click()
    await second.should_see(marker='receipt', retries=30)
    assert (await fetch_product(user, product['id']))['name'] == 'Second edit'


async def test_delete_asks_first(user: User) -> None:
    product = await create_product(user)
    await signed_in(user)
    await user.open(f'/admin/products/{product["id"]}')
    user.find(marker='delete-product').click()
    await user.should_see(marker='confirm-dialog')
    user.find(marker='confirm-no').click()
    assert (await user.http_client.get(f'/api/products/{product["id"]}')).status_code == 200
    user.find(marker='delete-product').click()
    user.find(marker='confirm-yes').click()
    await user.should_see(marker='product-count', retries=30)
    assert (await user.http_client.get(f'/api/products/{product["id"]}')).status_code == 404


async def test_refresh_all_shops_sends_a_global_update(user: User) -> None:
    await signed_in(user)
    user.find(marker='refresh-all').click()
    await user.should_see(content='global-update (admin)', marker='event-row', retries=30)
    assert isinstance(user.find(marker='event-log').elements.pop(), ui.column)
