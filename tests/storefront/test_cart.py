"""The cart's lines as the catalog has them now: what each one notes, what counts towards the total, and what
the browser's storage keeps."""

import datetime
from typing import Any

import pytest

from models.order_tables import QUANTITY_MAX
from models.tables import ProductPublic, VariantPublic
from storefront.cart import KEY, Cart, Line

NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def product(*, price: int = 1_250, stock: int = 5, enabled: bool = True) -> ProductPublic:
    variant = VariantPublic(id=3, sku='KETTLE-1', name='Copper', price=price, stock_on_hand=stock, version=1)
    return ProductPublic(
        id=7, slug='kettle', name='Kettle', description='', category='kitchen', category_name='Kitchen',
        enabled=enabled, version=1, created_at=NOW, updated_at=NOW, variants=[variant],
    )  # fmt: skip


@pytest.mark.parametrize(
    ('now', 'note', 'available'),
    [
        (product(), None, True),
        (product(price=999), 'price changed from €12.50 to €9.99', True),
        (product(stock=1), 'only 1 left', False),
        (product(stock=0), 'sold out', False),
        (product(enabled=False), 'no longer available', False),
        (None, 'no longer available', False),
    ],
)
def test_a_line_notes_what_changed_since_it_was_added(now: ProductPublic | None, note: str, available: bool) -> None:
    cart = Cart({})
    cart.add(product(), product().variants[0])
    cart.add(product(), product().variants[0])
    (line,) = cart.lines({7: now} if now else {})
    assert (line.quantity, line.note, line.available) == (2, note, available)


def test_the_total_is_at_todays_price() -> None:
    line = Line(3, 2, 1_250, product(price=999), product(price=999).variants[0])
    assert line.total == 1_998


def test_the_storage_holds_ids_quantities_and_the_price_when_added() -> None:
    storage: dict[str, Any] = {}
    cart = Cart(storage)
    cart.add(product(), product().variants[0])
    assert storage[KEY] == {'3': {'product': 7, 'quantity': 1, 'price': 1_250}}
    cart.set_quantity(3, 10**9)
    assert storage[KEY]['3']['quantity'] == QUANTITY_MAX
    cart.set_quantity(3, 0)
    assert (storage[KEY], cart.count) == ({}, 0)
