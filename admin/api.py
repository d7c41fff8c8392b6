"""The admin JSON API, over the same catalog write functions as the admin pages; bearer token required."""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import Field

from models import catalog
from models.errors import Conflict, Invalid, NotFound
from models.tables import ProductCreate, ProductPublic, ProductUpdate, StockChange, VariantPublic, VariantUpdate
from server.services import ServicesDep

_bearer = HTTPBearer(auto_error=False)


def require_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)], services: ServicesDep
) -> None:
    expected = services.settings.admin_token.encode()
    given = credentials.credentials.encode() if credentials else b''
    if not secrets.compare_digest(given, expected):
        raise HTTPException(401, 'a valid admin bearer token is required', headers={'WWW-Authenticate': 'Bearer'})


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {'description': 'body is not JSON'},
    401: {'description': 'missing or wrong token'},
    404: {'description': 'unknown id'},
    409: {'description': 'stale version; `current` holds the record as it is now'},
    413: {'description': 'body too large'},
    422: {'description': 'invalid value'},
}
router = APIRouter(prefix='/api/admin', tags=['admin'], dependencies=[Depends(require_token)], responses=ERRORS)


class ProductPatch(ProductUpdate):
    version: int


@router.post('/products', status_code=201)
def create_product(product_in: ProductCreate, services: ServicesDep) -> ProductPublic:
    with services.db.session() as session, catalog_errors():
        return catalog.create_product(session=session, product_in=product_in)


@router.patch('/products/{product_id}')
def update_product(product_id: int, patch: ProductPatch, services: ServicesDep) -> ProductPublic:
    changes = ProductUpdate.model_validate(patch.model_dump(exclude_unset=True, exclude={'version'}))
    with services.db.session() as session, catalog_errors():
        return catalog.update_product(session=session, product_id=product_id, version=patch.version, changes=changes)


class VariantPatch(VariantUpdate):
    version: int | None = Field(
        default=None, description="the product's version as read (409 if it changed since); omitted: last write wins"
    )


@router.patch('/variants/{variant_id}')
def update_variant(variant_id: int, patch: VariantPatch, services: ServicesDep) -> ProductPublic:
    """Changes a variant's SKU, name or price; answers with its whole product, as the product's PATCH does."""
    changes = VariantUpdate.model_validate(patch.model_dump(exclude_unset=True, exclude={'version'}))
    with services.db.session() as session, catalog_errors():
        return catalog.update_variant(session=session, variant_id=variant_id, version=patch.version, changes=changes)


@router.delete('/products/{product_id}', status_code=204)
def delete_product(product_id: int, services: ServicesDep, version: int | None = None) -> Response:
    with services.db.session() as session, catalog_errors():
        catalog.delete_product(session=session, product_id=product_id, version=version)
    return Response(status_code=204)


@router.post('/variants/{variant_id}/stock')
def change_stock(variant_id: int, change: StockChange, services: ServicesDep) -> VariantPublic:
    if (change.delta is None) == (change.set is None):
        raise HTTPException(
            422, [{'loc': ['body'], 'msg': 'give exactly one of "delta" or "set"', 'type': 'value_error'}]
        )
    with services.db.session() as session, catalog_errors():
        if change.set is not None:
            variant = catalog.set_stock(
                session=session, variant_id=variant_id, quantity=change.set, reason=change.reason
            )
        else:
            assert change.delta is not None
            variant = catalog.adjust_stock(
                session=session, variant_id=variant_id, delta=change.delta, reason=change.reason
            )
    return VariantPublic.model_validate(variant, from_attributes=True)


@router.post('/global-update', status_code=202)
async def broadcast_global_update(services: ServicesDep) -> dict[str, str]:
    """Tells every shop and subscriber to refetch everything it shows."""
    await services.bus.global_update('admin')
    return {'status': 'queued'}


@contextmanager
def catalog_errors() -> Iterator[None]:
    """Catalog refusals as HTTP answers: unknown → 404, stale → 409 with the current record, invalid → 422."""
    try:
        yield
    except NotFound as error:
        raise HTTPException(404, str(error)) from None
    except Conflict as error:
        current = error.current.model_dump(mode='json') if error.current else None
        raise HTTPException(409, {'message': str(error), 'current': current}) from None
    except Invalid as error:
        raise HTTPException(
            422, [{'loc': ['body', error.field], 'msg': error.message, 'type': 'value_error'}]
        ) from None
