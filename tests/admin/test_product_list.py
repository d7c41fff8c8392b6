import pytest
from nicegui import ui
from nicegui.testing import User

from testkit.waiting import eventually_async
from tests.admin.conftest import signed_in


def rows(user: User) -> list[dict[str, object]]:
    table = user.find(ui.table).elements.pop()
    assert isinstance(table, ui.table)
    return table.rows


@pytest.mark.parametrize('demo_products', [120])
async def test_products_come_in_pages_of_fifty_and_filter_on_the_server(user: User) -> None:
    await signed_in(user)
    await user.should_see('120 products', retries=30)
    assert len(rows(user)) == 50
    pages = user.find(ui.pagination).elements.pop()
    assert isinstance(pages, ui.pagination) and pages.max == 3
    pages.value = 3
    await eventually_async(lambda: len(rows(user)) == 20)

    user.find(marker='category-filter').click()
    user.find('Coffee').click()
    expected = (await user.http_client.get('/api/products', params={'category': 'coffee'})).json()['total']
    await user.should_see(f'{expected} products', retries=30)
    assert pages.value == 1
    assert {row['category'] for row in rows(user)} == {'Coffee'}

    name = str(rows(user)[-1]['name'])
    user.find(marker='search').type(name)
    await eventually_async(
        lambda: len(rows(user)) < 50 and all(name.lower() in str(row['name']).lower() for row in rows(user))
    )
    assert rows(user)
