"""The admin's orders over JSON: the list, one order, and cancelling (which puts the stock back); bearer token."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query

from admin.api import require_token
from models.errors import AlreadyCancelled, NotFound
from models.order_tables import OrderPage, OrderPublic, OrderStatus
from models.orders import cancel_order, get_order, list_orders
from server.services import ServicesDep

ERRORS: dict[int | str, dict[str, Any]] = {401: {'description': 'missing or wrong token'}}
router = APIRouter(prefix='/api/admin/orders', tags=['admin'], dependencies=[Depends(require_token)], responses=ERRORS)


@router.get('', responses={422: {'description': 'invalid page, page size or status'}})
def orders(
    services: ServicesDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
    status: OrderStatus | None = None,
) -> OrderPage:
    """Newest first, optionally only `placed` or only `cancelled` ones."""
    with services.db.session() as session:
        return list_orders(session, page=page, page_size=page_size, status=status)


@router.get('/{order_id}', responses={404: {'description': 'unknown order'}})
def order(order_id: int, services: ServicesDep) -> OrderPublic:
    with services.db.session() as session:
        try:
            return get_order(session, order_id)
        except NotFound as error:
            raise HTTPException(404, str(error)) from None


@router.post(
    '/{order_id}/cancel',
    responses={404: {'description': 'unknown order'}, 409: {'description': 'the order is already cancelled'}},
)
def cancel(order_id: int, services: ServicesDep) -> OrderPublic:
    """Cancels the order and puts its stock back, in one transaction."""
    with services.db.session() as session:
        try:
            return cancel_order(session=session, order_id=order_id)
        except NotFound as error:
            raise HTTPException(404, str(error)) from None
        except AlreadyCancelled as error:
            raise HTTPException(409, {'message': str(error)}) from None
