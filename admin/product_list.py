"""The product list: search, category filter, sort, and server-side pages of 50, so thousands of products stay quick.

It reloads its page shortly after bus events, so stock and prices stay current while it is open.
"""

from datetime import UTC

from nicegui import ui

from admin.calls import call
from admin.feed import current_feed
from admin.money import price_range
from models.filters import QUERY_MAX, ProductQuery
from models.queries import list_products
from models.tables import Category, ProductPage, ProductPublic

PAGE_SIZE = 50
SORTS = {'name': 'Name', 'price': 'Price, low to high', '-price': 'Price, high to low', 'newest': 'Newest first'}
RELOAD_SECONDS = 1.0
COLUMNS = [
    {'name': 'name', 'label': 'Name', 'field': 'name', 'align': 'left'},
    {'name': 'category', 'label': 'Category', 'field': 'category', 'align': 'left'},
    {'name': 'price', 'label': 'Price', 'field': 'price', 'align': 'right'},
    {'name': 'stock', 'label': 'Stock', 'field': 'stock', 'align': 'right'},
    {'name': 'enabled', 'label': 'Enabled', 'field': 'enabled', 'align': 'center'},
    {'name': 'updated', 'label': 'Last update (UTC)', 'field': 'updated', 'align': 'left'},
]
NAME_CELL = r"""
<q-td :props="props"><a :href="'/admin/products/' + props.row.id" class="text-primary">{{ props.value }}</a></q-td>
"""


class ProductList:
    def __init__(self, categories: list[Category]) -> None:
        self.page = 1
        self.stale = False
        with ui.row().classes('items-end gap-4 w-full'):
            self.search = ui.input('Search name, description, SKU', on_change=self.first_page)
            self.search.props(f'clearable debounce=300 maxlength={QUERY_MAX}').classes('w-80').mark('search')
            options = {'': 'All categories', **{category.slug: category.name for category in categories}}
            self.category = ui.select(options, value='', label='Category', on_change=self.first_page)
            self.category.classes('w-56').mark('category-filter')
            self.sort = ui.select(SORTS, value='name', label='Sort by', on_change=self.first_page).mark('sort')
            self.sort.classes('w-48')
            ui.space()
            self.count = ui.label().mark('product-count')
        self.table = ui.table(columns=COLUMNS, rows=[], row_key='id').classes('w-full').mark('products')
        self.table.add_slot('body-cell-name', NAME_CELL)
        self.pages = ui.pagination(1, 1, direction_links=True, on_change=self.turn).mark('pages')
        current_feed().received.subscribe(self.mark_stale)
        ui.timer(RELOAD_SECONDS, self.reload_if_stale)

    async def first_page(self) -> None:
        self.page = 1
        await self.load()

    async def turn(self) -> None:
        if self.pages.value != self.page:
            self.page = self.pages.value
            await self.load()

    def mark_stale(self) -> None:
        self.stale = True

    async def reload_if_stale(self) -> None:
        if self.stale:
            self.stale = False
            await self.load()

    async def load(self) -> None:
        query = ProductQuery(
            q=self.search.value or '',
            category=self.category.value or None,
            sort=self.sort.value,
            page=self.page,
            page_size=PAGE_SIZE,
            include_disabled=True,
        )
        result: ProductPage = await call(list_products, query=query)
        self.table.rows = [_row(product) for product in result.items]
        self.count.set_text(f'{result.total} products')
        self.pages.max = max(1, -(-result.total // PAGE_SIZE))
        self.pages.value = self.page


def _row(product: ProductPublic) -> dict[str, object]:
    return {
        'id': product.id,
        'name': product.name,
        'category': product.category_name,
        'price': price_range(product.price_from, product.price_to),
        'stock': product.stock,
        'enabled': 'yes' if product.enabled else 'no',
        'updated': product.updated_at.astimezone(UTC).strftime('%Y-%m-%d %H:%M'),
    }
