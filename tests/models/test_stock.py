"""The stock movement log: every stock change writes one row in its transaction; the log adds up to the count."""

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from models import catalog
from models.errors import Invalid, NotFound
from models.queries import stock_movements
from models.tables import STOCK_MAX, StockMovement, Variant
from tests.factories import make_product, variant_in


def test_every_stock_change_is_logged_and_the_log_adds_up(session: Session) -> None:
    product = make_product(session, variants=[variant_in(stock=5)])
    variant_id = product.variants[0].id
    catalog.adjust_stock(session=session, variant_id=variant_id, delta=10, reason='delivery')
    catalog.adjust_stock(session=session, variant_id=variant_id, delta=-4, reason='order 17')
    catalog.set_stock(session=session, variant_id=variant_id, quantity=3, reason='stocktake')
    log = stock_movements(session, variant_id)
    assert [(m.delta, m.stock_after, m.reason) for m in log] == [
        (-8, 3, 'stocktake'),
        (-4, 11, 'order 17'),
        (10, 15, 'delivery'),
        (5, 5, 'initial stock'),
    ]
    assert_log_adds_up(session)


def test_new_variants_log_their_initial_stock(session: Session) -> None:
    product = make_product(session, variants=[variant_in(stock=4), variant_in(stock=0)])
    catalog.add_variant(session=session, product_id=product.id, version=1, variant_in=variant_in(stock=6))
    logged = {m.variant_id: (m.delta, m.reason) for m in session.exec(select(StockMovement)).all()}
    assert sorted(logged.values()) == [(4, 'initial stock'), (6, 'initial stock')]
    assert product.variants[1].id not in logged
    assert_log_adds_up(session)


def test_a_refused_change_writes_nothing(session: Session) -> None:
    product = make_product(session, variants=[variant_in(stock=2)])
    variant_id = product.variants[0].id
    for refused in (
        lambda: catalog.adjust_stock(session=session, variant_id=variant_id, delta=-3, reason='sold'),
        lambda: catalog.set_stock(session=session, variant_id=variant_id, quantity=-1, reason='lost'),
        lambda: catalog.adjust_stock(session=session, variant_id=variant_id, delta=STOCK_MAX, reason='typo'),
        lambda: catalog.adjust_stock(session=session, variant_id=variant_id, delta=1, reason=' '),
    ):
        with pytest.raises(Invalid):
            refused()
    assert len(stock_movements(session, variant_id)) == 1
    assert session.get(Variant, variant_id, populate_existing=True).stock_on_hand == 2  # type: ignore[union-attr]
    assert_log_adds_up(session)


def test_the_movement_commits_with_the_stock_or_not_at_all(session: Session) -> None:
    """The log row is part of the stock write's transaction: a database refusal rolls back both."""
    variant_id = make_product(session, variants=[variant_in(stock=2)]).variants[0].id
    variant = session.get(Variant, variant_id)
    assert variant is not None
    variant.movements.append(StockMovement(delta=-5, stock_after=-3, reason='bypassing the checks'))
    variant.stock_on_hand = -3
    with pytest.raises(Exception, match='stock_not_negative'):
        session.commit()
    session.rollback()
    assert len(stock_movements(session, variant_id)) == 1
    assert_log_adds_up(session)


def test_stock_movements_of_unknown_variant(session: Session) -> None:
    with pytest.raises(NotFound, match='variant 404 does not exist'):
        stock_movements(session, 404)


def assert_log_adds_up(session: Session) -> None:
    """For every variant, `stock_on_hand` is the sum of its movement deltas."""
    logged = dict(
        session.exec(
            select(StockMovement.variant_id, func.sum(StockMovement.delta)).group_by(StockMovement.variant_id)
        ).all()
    )
    for variant in session.exec(select(Variant).execution_options(populate_existing=True)).all():
        assert variant.stock_on_hand == logged.get(variant.id, 0), variant.sku
