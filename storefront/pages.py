"""Shop pages (placeholder until the live shop lands): a list of product cards."""

from nicegui import APIRouter, run, ui

from models.db import db
from models.filters import ProductQuery
from models.queries import list_products
from models.tables import ProductPage

router = APIRouter()


@router.page('/', title='Live Storefront')
async def shop() -> None:
    page: ProductPage = await run.io_bound(_first_page)  # type: ignore[assignment]
    ui.label('Live Storefront').classes('text-2xl font-bold')
    ui.label(f'{page.total} products').mark('result-count')
    with ui.row().classes('flex-wrap gap-4'):
        for product in page.items:
            with ui.card().props(f'data-product-id={product.id}').classes('w-64'):
                ui.label(product.name).classes('font-semibold')
                ui.label(_money(product.price_from))


def _first_page() -> ProductPage:
    with db.session() as session:
        return list_products(session, ProductQuery())


def _money(cents: int | None) -> str:
    return '—' if cents is None else f'€{cents / 100:,.2f}'
