"""Optimistic versions: every change bumps the product's version; a stale or racing write gets `Conflict`."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session

from models import catalog
from models.errors import Conflict
from models.queries import get_product
from models.tables import ProductPublic, ProductUpdate, VariantUpdate
from tests.factories import make_product, variant_in

Write = Callable[[Session, ProductPublic], Any]
WRITES: dict[str, Write] = {
    'update_product': lambda s, p: catalog.update_product(
        session=s, product_id=p.id, version=p.version, changes=ProductUpdate(description='changed')
    ),
    'set_enabled': lambda s, p: catalog.set_enabled(session=s, product_id=p.id, version=p.version, enabled=False),
    'add_variant': lambda s, p: catalog.add_variant(
        session=s, product_id=p.id, version=p.version, variant_in=variant_in()
    ),
    'update_variant': lambda s, p: catalog.update_variant(
        session=s, variant_id=p.variants[0].id, version=p.version, changes=VariantUpdate(name='Renamed')
    ),
    'set_price': lambda s, p: catalog.set_price(session=s, variant_id=p.variants[0].id, version=p.version, price=1),
    'remove_variant': lambda s, p: catalog.remove_variant(session=s, variant_id=p.variants[1].id, version=p.version),
    'adjust_stock': lambda s, p: catalog.adjust_stock(session=s, variant_id=p.variants[0].id, delta=1, reason='x'),
    'set_stock': lambda s, p: catalog.set_stock(session=s, variant_id=p.variants[0].id, quantity=7, reason='x'),
    'delete_product': lambda s, p: catalog.delete_product(session=s, product_id=p.id, version=p.version),
}
VERSIONED = [name for name in WRITES if name not in {'adjust_stock', 'set_stock'}]


def two_variants(session: Session) -> ProductPublic:
    return make_product(session, variants=[variant_in(stock=3), variant_in(stock=3)])


@pytest.mark.parametrize('write', [name for name in WRITES if name != 'delete_product'])
def test_every_change_bumps_the_version(session: Session, write: str) -> None:
    product = two_variants(session)
    WRITES[write](session, product)
    after = get_product(session, product.id)
    assert after.version == product.version + 1
    assert after.updated_at > product.updated_at


def test_variant_changes_bump_the_variant_version(session: Session) -> None:
    product = two_variants(session)
    first = product.variants[0].id
    catalog.set_price(session=session, variant_id=first, version=1, price=5)
    catalog.adjust_stock(session=session, variant_id=first, delta=1, reason='x')
    assert [v.version for v in get_product(session, product.id).variants] == [3, 1]
    assert get_product(session, product.id).version == 3


@pytest.mark.parametrize('write', VERSIONED)
def test_stale_version_is_refused_with_the_current_record(session: Session, write: str) -> None:
    product = two_variants(session)
    current = catalog.update_product(
        session=session, product_id=product.id, version=1, changes=ProductUpdate(name='Changed Meanwhile')
    )
    with pytest.raises(Conflict) as refused:
        WRITES[write](session, product)  # still holds version 1
    assert refused.value.current == current
    assert refused.value.expected == 1
    assert str(refused.value) == 'stale version 1: the product changed meanwhile (it is now version 2)'
    assert get_product(session, product.id) == current


def test_stock_changes_need_no_version(session: Session) -> None:
    product = two_variants(session)
    catalog.update_product(session=session, product_id=product.id, version=1, changes=ProductUpdate(name='Newer'))
    WRITES['adjust_stock'](session, product)
    assert get_product(session, product.id).variants[0].stock_on_hand == 4


@pytest.mark.parametrize('write', ['update_product', 'set_price', 'remove_variant', 'delete_product'])
def test_a_real_race_has_exactly_one_winner(engine: Engine, write: str) -> None:
    """Both writers pass the version check on v1 before either commits; the row's version decides."""
    with Session(engine) as session:
        product = two_variants(session)
    outcomes = race(engine, lambda s: WRITES[write](s, product))
    conflicts = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(conflicts) == 1, outcomes
    with Session(engine) as session:
        if write == 'delete_product':
            assert conflicts[0].current is None
        else:
            assert conflicts[0].current == get_product(session, product.id)
            assert conflicts[0].current.version == 2


def test_racing_stock_changes_both_count(engine: Engine) -> None:
    """Stock deltas do not conflict: the loser of the race retries on the new count."""
    with Session(engine) as session:
        product = two_variants(session)
    outcomes = race(engine, lambda s: WRITES['adjust_stock'](s, product))
    assert not [o for o in outcomes if isinstance(o, Exception)]
    with Session(engine) as session:
        after = get_product(session, product.id)
    assert (after.variants[0].stock_on_hand, after.version) == (5, 3)


def race(engine: Engine, write: Callable[[Session], Any]) -> list[Any]:
    """Runs `write` in two sessions that both hold off their first flush until both have read the product."""
    both_read = threading.Barrier(2, timeout=30)

    def attempt() -> Any:
        with Session(engine, expire_on_commit=False) as session:
            event.listen(session, 'before_flush', lambda *_: both_read.wait(), once=True)
            try:
                return write(session)
            except Conflict as error:
                return error

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(lambda _: attempt(), range(2)))
