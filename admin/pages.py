"""The admin pages: `/admin` (products), `/admin/products/new`, `/admin/products/{id}`; all behind sign-in."""

from nicegui import APIRouter, ui

from admin.calls import call
from admin.editor import Editor
from admin.new_product import NewProduct
from admin.product_list import ProductList
from admin.receipt import receipt
from admin.theme import frame
from models.errors import NotFound
from models.queries import get_product, list_categories

router = APIRouter(prefix='/admin')


@router.page('')
async def products_page(deleted: int | None = None, since: int = 0) -> None:
    categories = await call(list_categories)
    with frame('Products'):
        if deleted is not None:
            receipt(f'Product #{deleted} deleted', product_id=deleted, since=since)
        with ui.row():
            ui.button('New product', icon='add', on_click=lambda: ui.navigate.to('/admin/products/new'))
        await ProductList(categories).load()


@router.page('/products/new')
async def new_product_page() -> None:
    categories = await call(list_categories)
    with frame('New product'):
        NewProduct(categories)


@router.page('/products/{product_id}')
async def product_page(product_id: int, since: int | None = None) -> None:
    try:
        product = await call(get_product, product_id=product_id)
    except NotFound:
        with frame('Product not found'):
            ui.label(f'There is no product #{product_id}.')
            ui.link('Back to the products', '/admin')
        return
    categories = await call(list_categories)
    with frame(f'Product #{product.id}'):
        editor = Editor(product, categories)
        if since is not None:
            editor.show_receipt('Product created', since, None)
