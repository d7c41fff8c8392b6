"""The shopper's pages: the live shop `/` and the live product page `/product/{slug}`, each with the live cart."""

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request
from nicegui import APIRouter, ui

from server.services import Services
from storefront.cache import Catalog
from storefront.cart import CartDrawer
from storefront.connection import RECONNECT_SECONDS, watch_connection
from storefront.live import count_page
from storefront.product_view import ProductView
from storefront.shop import ShopView
from storefront.view_state import query_from_params

router = APIRouter()

STYLE = """
.product-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: 1rem; }
.product-card.flash-a { animation: flash-a 1.5s ease-out; }
.product-card.flash-b { animation: flash-b 1.5s ease-out; }
@keyframes flash-a { from { background-color: #fde68a; } to { background-color: white; } }
@keyframes flash-b { from { background-color: #fde68a; } to { background-color: white; } }
"""


@router.page('/', title='Live Storefront', reconnect_timeout=RECONNECT_SECONDS)
async def shop(request: Request) -> None:
    services = Services.current()
    catalog = await services.catalog.products()
    with frame(catalog):
        view = ShopView(query_from_params(request.query_params), catalog, services.catalog, services.listings)
    services.live.updated.subscribe(view.on_update)
    watch_connection(ui.context.client, view.resync)
    count_page(ui.context.client)


@router.page('/product/{slug}', title='Live Storefront', reconnect_timeout=RECONNECT_SECONDS)
async def product(slug: str) -> None:
    services = Services.current()
    found = await services.catalog.by_slug(slug)
    with frame(await services.catalog.products()):
        view = ProductView(slug, found)
    services.live.updated.subscribe(view.on_update)

    async def resync() -> None:
        view.catch_up(await services.catalog.products())

    watch_connection(ui.context.client, resync)
    count_page(ui.context.client)


@contextmanager
def frame(catalog: Catalog) -> Iterator[CartDrawer]:
    """The chrome every shop page shares: header, styles, the live cart, a centred column for the content."""
    services = Services.current()
    ui.add_css(STYLE)
    with ui.header().classes('items-center bg-primary') as header:
        ui.link('Live Storefront', '/').classes('text-white text-xl font-bold no-underline')
        ui.space()
    cart = CartDrawer(catalog, services.catalog.products, header)
    services.live.updated.subscribe(cart.on_update)
    with ui.column().classes('w-full max-w-6xl mx-auto p-4 gap-4'):
        yield cart
