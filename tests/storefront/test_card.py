"""What a product card shows: its one element's props, which the card's Vue component renders as escaped text."""

import datetime

import pytest

from models.tables import ProductPublic, VariantPublic
from storefront.card import shown

NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def product(name: str = 'Moka Pot', prices: tuple[int, ...] = (2499,), stocks: tuple[int, ...] = (9,)) -> ProductPublic:
    variants = [
        VariantPublic(id=i, sku=f'S-{i}', name=f'V{i}', price=price, stock_on_hand=stock, version=1)
        for i, (price, stock) in enumerate(zip(prices, stocks, strict=True))
    ]
    return ProductPublic(
        id=7, slug='moka-pot', name=name, description='', category='kitchen', category_name='Kitchen',
        enabled=True, version=1, created_at=NOW, updated_at=NOW, variants=variants,
    )  # fmt: skip


def test_card_shows_name_link_category_and_price() -> None:
    assert shown(product()) == {
        'name': 'Moka Pot',
        'href': '/product/moka-pot',
        'category': 'Kitchen',
        'price': '€24.99',
        'stock': 'in stock',
        'color': 'positive',
        'can_add': True,
    }


def test_card_shows_a_price_range_across_variants() -> None:
    assert shown(product(prices=(129900, 2499), stocks=(1, 1)))['price'] == '€24.99 \u2013 €1,299.00'


@pytest.mark.parametrize(
    ('stocks', 'badge'),
    [((0, 0), ('sold out', 'negative')), ((2, 3), ('only 5 left', 'warning')), ((3, 3), ('in stock', 'positive'))],
)
def test_stock_badge_by_total_stock(stocks: tuple[int, ...], badge: tuple[str, str]) -> None:
    props = shown(product(prices=(100, 100), stocks=stocks))
    assert (props['stock'], props['color'], props['can_add']) == (*badge, stocks != (0, 0))


def test_product_text_goes_out_as_text_not_markup() -> None:
    """The component interpolates props with {{ }} (escaped); nothing is pre-escaped or turned into HTML here."""
    assert shown(product(name='<b>Live</b> & {{ 7 * 7 }}'))['name'] == '<b>Live</b> & {{ 7 * 7 }}'
