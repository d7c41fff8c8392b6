"""Writes by other programs reach open shop pages, no app code involved: the sqlite3 shell on the default set-up,
psql on PostgreSQL. One transaction is one event, so a change to twenty products lands on the page in one update.
"""

import json
import shutil
import subprocess
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import ServerFactory
from tests.e2e.test_shop import card, listing
from tests.scale.services import EventStream
from tests.servers import AppServer
from tests.services import postgres_schema

SQLITE3 = shutil.which('sqlite3')
PSQL = shutil.which('psql')
# every batch of DOM changes the browser makes to the grid, as the set of cards it touched
WATCH_BATCHES = """
window.batches = [];
new MutationObserver(mutations => {
  const cards = new Set();
  mutations.forEach(m => {
    const node = m.target.nodeType === Node.ELEMENT_NODE ? m.target : m.target.parentElement;
    const card = node.closest('[data-product-id]');
    if (card) cards.add(card.dataset.productId);
  });
  if (cards.size) window.batches.push([...cards]);
}).observe(document.querySelector('.product-grid'), {subtree: true, childList: true, characterData: true});
"""

needs_sqlite3 = pytest.mark.skipif(
    SQLITE3 is None, reason='the sqlite3 shell is not installed (apt-get install sqlite3)'
)


def sqlite3_shell(server: AppServer, sql: str) -> None:
    """Runs `sql` in the sqlite3 command-line shell on the server's database file, as an operator would."""
    database = server.env['STOREFRONT_DATABASE_URL'].removeprefix('sqlite:///')
    subprocess.run([SQLITE3 or 'sqlite3', '-bail', database, sql], check=True, timeout=30)


@needs_sqlite3
def test_one_transaction_over_twenty_products_lands_in_one_update(page: Page, shop_server: AppServer) -> None:
    shown = listing(shop_server, sort='name', page_size=24)[:20]
    page.goto(f'{shop_server.url}/?sort=name')
    expect(card(page, shown[-1]['id'])).to_be_visible()
    page.evaluate(WATCH_BATCHES)
    stream = EventStream(f'{shop_server.url}/api/cache-events')
    try:
        stream.next(timeout=10)  # the `connected` frame
        ids = ','.join(str(product['id']) for product in shown)
        sqlite3_shell(shop_server, f'UPDATE variant SET price = 99999 WHERE product_id IN ({ids})')
        event = stream.next_matching(lambda e: e.event == 'product-updated')
    finally:
        stream.close()
    assert sorted(json.loads(event.data)['product_ids']) == sorted(p['id'] for p in shown)
    for product in shown:
        expect(card(page, product['id'])).to_contain_text('999.99')
    batches: list[list[str]] = page.evaluate('window.batches')
    assert len(batches) == 1 and sorted(map(int, batches[0])) == sorted(p['id'] for p in shown), batches


@needs_sqlite3
def test_price_and_stock_written_in_the_sqlite3_shell_show_on_open_pages(page: Page, shop_server: AppServer) -> None:
    target: dict[str, Any] = listing(shop_server, sort='name')[0]
    page.goto(f'{shop_server.url}/?sort=name')
    expect(card(page, target['id'])).to_be_visible()

    sqlite3_shell(shop_server, f"UPDATE product SET name = 'Aaa, renamed in the shell' WHERE id = {target['id']}")
    expect(card(page, target['id'])).to_contain_text('Aaa, renamed in the shell')
    sqlite3_shell(
        shop_server,
        'BEGIN;'
        f' INSERT INTO stockmovement (variant_id, delta, stock_after, reason, created_at) SELECT id, -stock_on_hand,'
        f" 0, 'stocktake in the shell', datetime('now') FROM variant WHERE product_id = {target['id']};"
        f' UPDATE variant SET stock_on_hand = 0 WHERE product_id = {target["id"]};'
        ' COMMIT;',
    )
    expect(card(page, target['id'])).to_contain_text('sold out')


@pytest.mark.postgres
@pytest.mark.skipif(PSQL is None, reason='psql is not installed (apt-get install postgresql-client)')
def test_a_rename_in_psql_shows_on_open_pages(page: Page, server_factory: ServerFactory) -> None:
    with postgres_schema() as url:
        server = server_factory({'STOREFRONT_DATABASE_URL': url, 'STOREFRONT_DEMO_PRODUCTS': '10'})
        try:
            target = listing(server, sort='name')[0]
            page.goto(f'{server.url}/?sort=name')
            expect(card(page, target['id'])).to_be_visible()
            schema = url.rpartition('%3D')[2]
            statement = f"UPDATE {schema}.product SET name = 'Aaa, renamed in psql' WHERE id = {target['id']}"
            subprocess.run(
                [PSQL or 'psql', '-h', '127.0.0.1', '-U', 'postgres', '-d', 'test', '-c', statement],
                check=True,
                timeout=30,
                capture_output=True,
            )
            expect(card(page, target['id'])).to_contain_text('Aaa, renamed in psql')
        finally:
            server.stop()  # before the schema is dropped
