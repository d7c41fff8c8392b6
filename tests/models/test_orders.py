"""Placing and cancelling orders (guarantee 6): all lines or none, never below zero, stock = sum of movements.

Every test runs on SQLite and on PostgreSQL.
"""

import secrets
import threading

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine, func, text
from sqlmodel import Session, select

from invalidation.events import of_transaction
from models import catalog
from models.changelog import ChangeLog, record_transactions
from models.db import create_db_engine
from models.errors import AlreadyCancelled, Invalid, NotFound, OutOfStock, Shortfall
from models.order_tables import LINES_MAX, QUANTITY_MAX, Order, OrderLine
from models.orders import cancel_order, get_order, list_orders, order_by_token, place_order
from models.queries import get_product, stock_movements
from models.tables import ProductPublic, Variant
from testkit.waiting import eventually
from tests.factories import make_product, order_in, variant_in
from tests.models.test_stock import assert_log_adds_up


@pytest.fixture
def shelf(session: Session) -> ProductPublic:
    """One product, two variants: 3 at 12.50 and 10 at 4.00."""
    return make_product(session, variants=[variant_in(price=1_250, stock=3), variant_in(price=400, stock=10)])


def test_an_order_takes_its_stock_and_keeps_the_prices_paid(session: Session, shelf: ProductPublic) -> None:
    a, b = (variant.id for variant in shelf.variants)
    order = place_order(session=session, order_in=order_in((a, 2), (b, 5)))
    assert [(line.variant_id, line.quantity, line.price, line.total) for line in order.lines] == [
        (a, 2, 1_250, 2_500),
        (b, 5, 400, 2_000),
    ]
    assert (order.total, order.status, order.customer.name) == (4_500, 'placed', 'Ada Shopper')
    assert [variant.stock_on_hand for variant in get_product(session, shelf.id).variants] == [1, 5]
    newest = stock_movements(session, a)[0]
    assert (newest.delta, newest.stock_after, newest.reason) == (-2, 1, f'order {order.number}')
    catalog.set_price(session=session, variant_id=a, version=None, price=9_999)
    assert order_by_token(session, order.token) == order  # the price paid stays


def test_tokens_and_numbers_are_unguessable_and_unique(session: Session, shelf: ProductPublic) -> None:
    orders = [place_order(session=session, order_in=order_in((shelf.variants[1].id, 1))) for _ in range(5)]
    assert len({order.token for order in orders}) == len({order.number for order in orders}) == 5
    assert all(len(order.token) >= 40 for order in orders)
    with pytest.raises(NotFound):
        order_by_token(session, orders[0].token[:-1])
    with pytest.raises(NotFound):
        order_by_token(session, 'x' * 10_000)


def test_an_order_that_falls_short_changes_nothing_and_names_every_short_line(
    session: Session, shelf: ProductPublic
) -> None:
    a, b = (variant.id for variant in shelf.variants)
    other = make_product(session, variants=[variant_in(stock=1)]).variants[0].id
    with pytest.raises(OutOfStock) as refused:
        place_order(session=session, order_in=order_in((b, 2), (a, 4), (other, 2)))
    assert refused.value.lines == [Shortfall(a, 4, 3), Shortfall(other, 2, 1)]
    assert [variant.stock_on_hand for variant in get_product(session, shelf.id).variants] == [3, 10]
    assert len(stock_movements(session, b)) == 1  # the initial stock only
    assert session.exec(select(func.count()).select_from(Order)).one() == 0
    assert_log_adds_up(session)


def test_a_disabled_or_deleted_product_is_not_for_sale(session: Session, shelf: ProductPublic) -> None:
    hidden = make_product(session, enabled=False, variants=[variant_in(stock=7)])
    with pytest.raises(OutOfStock) as refused:
        place_order(session=session, order_in=order_in((shelf.variants[0].id, 1), (hidden.variants[0].id, 1)))
    assert refused.value.lines == [Shortfall(hidden.variants[0].id, 1, 0)]
    catalog.delete_product(session=session, product_id=hidden.id)
    with pytest.raises(Invalid, match=f'unknown variant {hidden.variants[0].id}'):
        place_order(session=session, order_in=order_in((hidden.variants[0].id, 1)))
    assert get_product(session, shelf.id).variants[0].stock_on_hand == 3


def test_duplicate_lines_are_one_line(session: Session, shelf: ProductPublic) -> None:
    a = shelf.variants[0].id
    order = place_order(session=session, order_in=order_in((a, 1), (a, 2)))
    assert [(line.variant_id, line.quantity) for line in order.lines] == [(a, 3)]
    assert get_product(session, shelf.id).variants[0].stock_on_hand == 0


@pytest.mark.parametrize(
    ('lines', 'problem'),
    [
        ([(1, 0)], 'greater than or equal to 1'),
        ([(1, -3)], 'greater than or equal to 1'),
        ([(1, QUANTITY_MAX + 1)], f'less than or equal to {QUANTITY_MAX}'),
        ([(1, 10**30)], 'less than or equal to'),
        ([(1, QUANTITY_MAX), (1, 1)], f'at most {QUANTITY_MAX} of one variant'),
        ([(n, 1) for n in range(1, 1_001)], f'at most {LINES_MAX} items'),
        ([], 'at least 1 item'),
        ([(0, 1)], 'greater than or equal to 1'),
        ([(2**63, 1)], 'less than or equal to'),
    ],
)
def test_hostile_lines_are_refused_before_anything_is_read(lines: list[tuple[int, int]], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        order_in(*lines)


@pytest.mark.parametrize(
    ('field', 'value', 'problem'),
    [
        ('name', '  ', 'must not be empty'),
        ('name', 'Ada\x00', 'control characters'),
        ('name', 'A' * 201, 'at most 200 characters'),
        ('email', 'not-an-address', 'e-mail address'),
        ('email', 'a@b\x7f.com', 'e-mail address'),
        ('address', '1 Road\x1b[31m', 'control characters'),
        ('address', '\n\n', 'must not be empty'),
    ],
)
def test_a_customer_with_bad_fields_is_refused(field: str, value: str, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        order_in((1, 1), **{field: value})


def test_markup_in_names_and_addresses_is_kept_literally(session: Session, shelf: ProductPublic) -> None:
    markup = {'name': '<script>alert(1)</script>', 'address': '<b>1 Road</b>\n<img src=x onerror=alert(1)>'}
    order = place_order(session=session, order_in=order_in((shelf.variants[0].id, 1), **markup))
    assert (order.customer.name, order.customer.address) == (markup['name'], markup['address'])


def test_cancelling_puts_the_stock_back_once(session: Session, shelf: ProductPublic) -> None:
    a, b = (variant.id for variant in shelf.variants)
    order = place_order(session=session, order_in=order_in((a, 3), (b, 1)))
    cancelled = cancel_order(session=session, order_id=order.id)
    assert (cancelled.status, cancelled.cancelled_at is not None) == ('cancelled', True)
    assert [variant.stock_on_hand for variant in get_product(session, shelf.id).variants] == [3, 10]
    assert stock_movements(session, a)[0].reason == f'order {order.number} cancelled'
    with pytest.raises(AlreadyCancelled):
        cancel_order(session=session, order_id=order.id)
    with pytest.raises(NotFound):
        cancel_order(session=session, order_id=order.id + 1)
    assert [variant.stock_on_hand for variant in get_product(session, shelf.id).variants] == [3, 10]
    assert_log_adds_up(session)


def test_an_order_outlives_its_variants(session: Session, shelf: ProductPublic) -> None:
    a, b = (variant.id for variant in shelf.variants)
    order = place_order(session=session, order_in=order_in((a, 1), (b, 1)))
    catalog.remove_variant(session=session, variant_id=a, version=None)
    kept = get_order(session, order.id)
    assert [(line.variant_id, line.sku) for line in kept.lines] == [(None, order.lines[0].sku), (b, order.lines[1].sku)]
    cancel_order(session=session, order_id=order.id)
    assert get_product(session, shelf.id).variants[0].stock_on_hand == 10


def test_orders_are_listed_newest_first_and_by_status(session: Session, shelf: ProductPublic) -> None:
    first, second = (place_order(session=session, order_in=order_in((shelf.variants[1].id, 1))) for _ in range(2))
    cancel_order(session=session, order_id=first.id)
    assert [order.id for order in list_orders(session).items] == [second.id, first.id]
    page = list_orders(session, status='cancelled')
    assert (page.total, [order.id for order in page.items]) == (1, [first.id])


def test_an_order_is_a_stock_change_in_the_log_and_the_customer_is_not(engine: Engine, session: Session) -> None:
    record_transactions(engine, 'test')
    shelf = make_product(session, variants=[variant_in(stock=3), variant_in(stock=3)])
    change_log = ChangeLog(engine)
    head = change_log.head()
    order = place_order(session=session, order_in=order_in((shelf.variants[0].id, 1), (shelf.variants[1].id, 2)))
    (placed,) = change_log.read(head)
    event = of_transaction(placed, 'log-1')
    assert (event.type, event.product_ids) == ('stock-changed', (shelf.id,))
    assert set(event.variant_ids) == {variant.id for variant in shelf.variants}
    assert event.versions == {shelf.id: get_product(session, shelf.id).version}
    assert order.customer.name not in repr(placed) and order.number not in repr(placed)

    catalog.delete_product(session=session, product_id=shelf.id)
    head = change_log.head()
    cancel_order(session=session, order_id=order.id)  # nothing left to put back: no catalog change
    assert change_log.read(head) == []


def test_racing_orders_and_stock_changes_never_oversell_or_lose_a_movement(engine: Engine) -> None:
    """Threads on their own connections: orders, cancellations and the admin's stock changes, all at once."""
    with Session(engine) as session:
        variant_id = make_product(session, variants=[variant_in(stock=20)]).variants[0].id
    outcomes: list[str] = []

    def buy() -> None:
        with Session(engine) as session:
            for _ in range(15):
                try:
                    order = place_order(session=session, order_in=order_in((variant_id, 2)))
                    outcomes.append('sold')
                    if len(outcomes) % 3 == 0:
                        cancel_order(session=session, order_id=order.id)
                except OutOfStock:
                    outcomes.append('short')

    def restock() -> None:
        with Session(engine) as session:
            for _ in range(10):
                catalog.adjust_stock(session=session, variant_id=variant_id, delta=1, reason='delivery')

    threads = [threading.Thread(target=buy) for _ in range(4)] + [threading.Thread(target=restock)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with Session(engine) as session:
        assert_log_adds_up(session)
        stock = session.get(Variant, variant_id)
        assert stock is not None and stock.stock_on_hand >= 0
        assert 'sold' in outcomes and 'short' in outcomes
        sold = session.exec(select(func.sum(OrderLine.quantity)).join(Order).where(Order.status == 'placed')).one()
        assert stock.stock_on_hand == 30 - sold


@pytest.mark.postgres
def test_an_order_that_deadlocks_with_a_product_delete_is_tried_again(engine: Engine, database_url: str) -> None:
    """The catalog's delete takes a product's variants before the product, an order the product first: on
    PostgreSQL each can wait on the other, and the database aborts one. An aborted order runs again and is
    refused for the product being gone, rather than failing with the database's error (a 500 over the API).
    SQLite runs one writer at a time."""
    if engine.dialect.name != 'postgresql':
        pytest.skip('SQLite runs one writer at a time: no deadlock')
    with Session(engine) as session:
        shelf = make_product(session, variants=[variant_in(stock=3)])
    name = f'deadlocked-buyer-{secrets.token_hex(8)}'  # the buyer's connections, among other tests' on the server
    buyer = create_db_engine(database_url, origin=name)
    outcome: list[BaseException] = []

    def buy() -> None:
        with Session(buyer) as session:
            try:
                place_order(session=session, order_in=order_in((shelf.variants[0].id, 1)))
            except Exception as error:
                outcome.append(error)

    try:
        with engine.connect() as deleter:
            deleter.execute(text('DELETE FROM variant WHERE id = :id'), {'id': shelf.variants[0].id})
            thread = threading.Thread(target=buy)
            thread.start()
            eventually(lambda: waiting_on_a_lock(engine, name), what='the order waiting on the deleted variant')
            deleter.execute(text('DELETE FROM product WHERE id = :id'), {'id': shelf.id})  # waits on the order
            deleter.commit()
            thread.join(30)
    finally:
        buyer.dispose()
    (refused,) = outcome  # the retry finds the product gone: unknown, or (still visible) not for sale
    assert isinstance(refused, Invalid | OutOfStock), refused


def waiting_on_a_lock(engine: Engine, name: str) -> bool:
    with engine.connect() as connection:
        return bool(
            connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name = :name"
                ),
                {'name': name},
            ).scalar_one()
        )
