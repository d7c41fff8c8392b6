"""The shopper's JSON API: `POST /api/checkout` places an order, `GET /api/orders/{token}` reads it back.

The same functions as the checkout and order pages. An order is read by its token alone, which only its
shopper was given; the answers are marked `no-store`, so no cache keeps a customer's address.
"""

from typing import Any

from fastapi import APIRouter, HTTPException, Response
from pydantic import BaseModel

from models.errors import Invalid, NotFound, OutOfStock
from models.order_tables import OrderCreate, OrderPublic
from models.orders import order_by_token, place_order
from server.services import ServicesDep

router = APIRouter(prefix='/api', tags=['orders'])
PRIVATE = {'Cache-Control': 'no-store'}


class ShortLine(BaseModel):
    variant_id: int
    requested: int
    available: int


class OutOfStockDetail(BaseModel):
    message: str
    lines: list[ShortLine]


class OutOfStockAnswer(BaseModel):
    detail: OutOfStockDetail


CHECKOUT_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {'description': 'body is not JSON'},
    409: {
        'model': OutOfStockAnswer,
        'description': 'some lines fall short (`available` is what is left); nothing changed',
    },
    413: {'description': 'body too large'},
    422: {'description': 'invalid body, or a line names an unknown variant'},
}


@router.post('/checkout', status_code=201, responses=CHECKOUT_ERRORS)
def checkout(order_in: OrderCreate, response: Response, services: ServicesDep) -> OrderPublic:
    """Places an unpaid order: every line's stock is taken, or none is. Duplicate lines are added up."""
    response.headers.update(PRIVATE)
    with services.db.session() as session:
        try:
            return place_order(session=session, order_in=order_in)
        except OutOfStock as error:
            lines = [
                ShortLine(variant_id=s.variant_id, requested=s.requested, available=s.available) for s in error.lines
            ]
            detail = OutOfStockDetail(message=str(error), lines=lines)
            raise HTTPException(409, detail.model_dump(), headers=PRIVATE) from None
        except Invalid as error:
            problem = {'loc': ['body', error.field], 'msg': error.message, 'type': 'value_error'}
            raise HTTPException(422, [problem]) from None


@router.get('/orders/{token}', responses={404: {'description': 'no order has this token'}})
def order(token: str, response: Response, services: ServicesDep) -> OrderPublic:
    response.headers.update(PRIVATE)
    with services.db.session() as session:
        try:
            return order_by_token(session, token)
        except NotFound as error:
            raise HTTPException(404, str(error), headers=PRIVATE) from None
