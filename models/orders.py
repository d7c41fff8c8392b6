"""Placing and cancelling orders, and reading them back: keyword-only write functions, session first, one
transaction each.

Stock is taken with a conditional UPDATE (`... SET stock_on_hand = stock_on_hand - :quantity WHERE id = :id AND
stock_on_hand >= :quantity`): the database decides on the row as it is at that moment, under the row's write
lock, so no two orders can sell one unit, whatever the process, on SQLite and on PostgreSQL alike. An order is
all of its lines or none: the first line that falls short does not stop the others being tried (the shopper is
told of all of them), and then the whole transaction rolls back.

Each write bumps the variant's and its product's `version`, as every catalog stock change does, so an
optimistic catalog write based on the old row is refused instead of overwriting the new stock, and the stock
movement it records (reason `order <number>`) reaches the change log through the catalog's own triggers. Rows
are locked in one order, products then variants, each by id, so concurrent orders and cancellations never
deadlock each other; the catalog's product delete takes the variants first, and a write PostgreSQL aborts to
break that deadlock runs again (`_retried`).
"""

import itertools
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import bindparam, func, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col, select

from models.errors import AlreadyCancelled, Invalid, NotFound, OutOfStock, Shortfall
from models.order_tables import TOKEN_MAX, Order, OrderCreate, OrderLine, OrderPage, OrderPublic, OrderStatus
from models.tables import Product, UTCDateTime, Variant, possible_id, utcnow

DEADLOCK = '40P01'  # PostgreSQL's deadlock_detected
DEADLOCK_ATTEMPTS = 3
NUMBER_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'  # no 0/O or 1/I to misread over the phone
TOKEN_BYTES = 32
T = TypeVar('T')


def place_order(*, session: Session, order_in: OrderCreate) -> OrderPublic:
    """Takes every line's stock and records the order, or refuses with `OutOfStock` and changes nothing.

    Unknown variants are `Invalid`; a line whose product is disabled or gone falls short with nothing available.
    """
    return _retried(lambda: _place(session, order_in))


def _place(session: Session, order_in: OrderCreate) -> OrderPublic:
    wanted = {line.variant_id: line.quantity for line in order_in.lines}  # `OrderCreate` merged duplicates
    product_of = _products_of(session, list(wanted))
    customer, now = order_in.customer, utcnow()
    order = Order(
        number=_new_number(),
        token=secrets.token_urlsafe(TOKEN_BYTES),
        customer_name=customer.name,
        customer_email=customer.email,
        customer_address=customer.address,
        total=0,
        placed_at=now,
    )
    with _transaction(session):
        names, taken = _take(session, wanted, product_of, now)
        reason = f'order {order.number}'
        session.execute(_MOVE, [_movement(v, -wanted[v], row.stock_on_hand, reason, now) for v, row in taken.items()])
        order.lines = [
            OrderLine(
                variant_id=variant_id,
                sku=taken[variant_id].sku,
                product_name=names[product_of[variant_id]],
                variant_name=taken[variant_id].name,
                price=taken[variant_id].price,
                quantity=quantity,
            )
            for variant_id, quantity in wanted.items()
        ]
        order.total = sum(line.price * line.quantity for line in order.lines)
        session.add(order)
    return OrderPublic.of(order)


def cancel_order(*, session: Session, order_id: int) -> OrderPublic:
    """Marks the order cancelled and puts its stock back, in one transaction; a second cancel is refused.

    A line whose variant was deleted meanwhile has no stock to go back to and is left as it is.
    """
    return _retried(lambda: _cancel(session, order_id))


def _cancel(session: Session, order_id: int) -> OrderPublic:
    now = utcnow()
    with _transaction(session):
        cancelled = None
        if possible_id(order_id):
            cancelled = session.execute(_CANCEL, {'id': order_id, 'now': now}).first()
        if cancelled is None:
            raise _not_cancellable(session, order_id)
        lines = session.execute(_LINES, {'order_id': order_id}).all()
        for product_id in sorted({line.product_id for line in lines}):
            session.execute(_TOUCH, {'id': product_id, 'now': now})
        reason = f'order {cancelled.number} cancelled'
        movements = []
        for line in sorted(lines, key=lambda line: line.variant_id):
            row = session.execute(_PUT_BACK, {'id': line.variant_id, 'quantity': line.quantity}).first()
            if row is not None:
                movements.append(_movement(line.variant_id, line.quantity, row.stock_on_hand, reason, now))
        if movements:
            session.execute(_MOVE, movements)
    return get_order(session, order_id)


def get_order(session: Session, order_id: int) -> OrderPublic:
    order = None
    if possible_id(order_id):
        order = session.exec(
            select(Order).where(Order.id == order_id).options(_WITH_LINES).execution_options(**_FRESH)
        ).first()
    if order is None:
        raise NotFound('order', order_id)
    return OrderPublic.of(order)


def order_by_token(session: Session, token: str) -> OrderPublic:
    """The order behind an order page's link; an unknown token says nothing about which orders exist."""
    order = None
    if 0 < len(token) <= TOKEN_MAX:
        order = session.exec(
            select(Order).where(Order.token == token).options(_WITH_LINES).execution_options(**_FRESH)
        ).first()
    if order is None:
        raise NotFound('order', 'with this link')
    return OrderPublic.of(order)


def list_orders(
    session: Session, *, page: int = 1, page_size: int = 50, status: OrderStatus | None = None
) -> OrderPage:
    """Newest first."""
    statement = select(Order)
    if status is not None:
        statement = statement.where(Order.status == status)
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(
        statement.order_by(col(Order.placed_at).desc(), col(Order.id).desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
        .options(_WITH_LINES)
        .execution_options(**_FRESH)
    ).all()
    return OrderPage(items=[OrderPublic.of(row) for row in rows], total=total, page=page, page_size=page_size)


def _products_of(session: Session, variant_ids: list[int]) -> dict[int, int]:
    """Each variant's product; any unknown variant refuses the order."""
    rows = session.execute(
        text('SELECT id, product_id FROM variant WHERE id IN :ids').bindparams(bindparam('ids', expanding=True)),
        {'ids': variant_ids},
    ).all()
    found = {row.id: row.product_id for row in rows}
    if unknown := [variant_id for variant_id in variant_ids if variant_id not in found]:
        raise Invalid(
            'lines', f'unknown {"variant" if len(unknown) == 1 else "variants"} {", ".join(map(str, unknown))}'
        )
    return found


def _take(
    session: Session, wanted: dict[int, int], product_of: dict[int, int], now: datetime
) -> tuple[dict[int, str], dict[int, Any]]:
    """Locks the products for sale (their names) and takes each variant's stock (its row after); `OutOfStock`
    names every line that falls short."""
    names = {
        product_id: row.name
        for product_id in sorted(set(product_of.values()))
        if (row := session.execute(_LOCK_FOR_SALE, {'id': product_id, 'now': now}).first()) is not None
    }
    taken: dict[int, Any] = {}
    short: list[Shortfall] = []
    for variant_id in sorted(wanted):
        row = None
        if product_of[variant_id] in names:
            row = session.execute(_TAKE, {'id': variant_id, 'quantity': wanted[variant_id]}).first()
        if row is None:
            short.append(Shortfall(variant_id, wanted[variant_id], _available(session, variant_id, names)))
        else:
            taken[variant_id] = row
    if short:
        raise OutOfStock(short)
    return names, taken


def _available(session: Session, variant_id: int, for_sale: dict[int, str]) -> int:
    row = session.execute(
        text('SELECT product_id, stock_on_hand FROM variant WHERE id = :id'), {'id': variant_id}
    ).first()
    return row.stock_on_hand if row is not None and row.product_id in for_sale else 0


def _not_cancellable(session: Session, order_id: int) -> Exception:
    number = session.exec(select(Order.number).where(Order.id == order_id)).first() if possible_id(order_id) else None
    return NotFound('order', order_id) if number is None else AlreadyCancelled(number)


def _new_number() -> str:
    """Random rather than counted: a counter row would queue every checkout behind one lock, and a shopper's
    number would tell how many orders the shop takes. 60 bits make a repeat as likely as never."""
    chars = ''.join(secrets.choice(NUMBER_ALPHABET) for _ in range(12))
    return f'{chars[:4]}-{chars[4:8]}-{chars[8:]}'


def _movement(variant_id: int, delta: int, stock_after: int, reason: str, now: datetime) -> dict[str, Any]:
    return {'variant_id': variant_id, 'delta': delta, 'stock_after': stock_after, 'reason': reason, 'now': now}


def _retried(write: Callable[[], T]) -> T:
    """`write()`, again when PostgreSQL chose it as a deadlock's victim. The catalog's product delete takes the
    variants before the product (the ORM deletes children first), orders and cancellations the product first:
    each can wait on the other, and the database aborts one. Run again, the write finds what the other left."""
    for attempt in itertools.count(1):
        try:
            return write()
        except OperationalError as error:
            if getattr(error.orig, 'sqlstate', None) != DEADLOCK or attempt >= DEADLOCK_ATTEMPTS:
                raise
    raise AssertionError('unreachable')


@contextmanager
def _transaction(session: Session) -> Iterator[None]:
    """One write, committed whole or rolled back whole; the session stays usable after a refusal.

    The raw UPDATEs bypass the ORM: products and variants the session holds are stale afterwards, so expired."""
    try:
        with session.no_autoflush:
            yield
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        for held in list(session.identity_map.values()):
            if isinstance(held, Product | Variant):
                session.expire(held)


_NOW = bindparam('now', type_=UTCDateTime())
_LOCK_FOR_SALE = text(
    'UPDATE product SET version = version + 1, updated_at = :now WHERE id = :id AND enabled RETURNING name'
).bindparams(_NOW)
_TOUCH = text('UPDATE product SET version = version + 1, updated_at = :now WHERE id = :id').bindparams(_NOW)
_TAKE = text(
    'UPDATE variant SET stock_on_hand = stock_on_hand - :quantity, version = version + 1'
    ' WHERE id = :id AND stock_on_hand >= :quantity RETURNING stock_on_hand, price, sku, name'
)
_PUT_BACK = text(
    'UPDATE variant SET stock_on_hand = stock_on_hand + :quantity, version = version + 1'
    ' WHERE id = :id RETURNING stock_on_hand'
)
_MOVE = text(
    'INSERT INTO stockmovement (variant_id, delta, stock_after, reason, created_at)'
    ' VALUES (:variant_id, :delta, :stock_after, :reason, :now)'
).bindparams(_NOW)
_CANCEL = text(
    "UPDATE customer_order SET status = 'cancelled', cancelled_at = :now WHERE id = :id AND status = 'placed'"
    ' RETURNING number'
).bindparams(_NOW)
_LINES = text(
    'SELECT line.variant_id, line.quantity, variant.product_id FROM order_line AS line'
    ' JOIN variant ON variant.id = line.variant_id WHERE line.order_id = :order_id'
)
_WITH_LINES = selectinload(Order.lines)  # type: ignore[arg-type]
_FRESH = {'populate_existing': True}  # cancelling writes raw SQL: an order the session holds may be stale
