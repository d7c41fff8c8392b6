"""The public JSON catalog: `GET /api/products` (the shop's filters) and `GET /api/products/{id}`."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from models.errors import NotFound
from models.filters import ProductQuery
from models.queries import get_product, list_products
from models.tables import ProductPage, ProductPublic
from server.services import ServicesDep

router = APIRouter(prefix='/api/products', tags=['catalog'])


@router.get('')
def products(query: Annotated[ProductQuery, Query()], services: ServicesDep) -> ProductPage:
    """Enabled products matching the filters; prices are in cents, `sort` is name, price, -price or newest."""
    with services.db.session() as session:
        return list_products(session, query.model_copy(update={'include_disabled': False}))


@router.get('/{product_id}', responses={404: {'description': 'no such product'}})
def product(product_id: int, services: ServicesDep) -> ProductPublic:
    with services.db.session() as session:
        try:
            found = get_product(session, product_id)
        except NotFound as error:
            raise HTTPException(404, str(error)) from None
    if not found.enabled:
        raise HTTPException(404, f'product {product_id} is not available')
    return found
