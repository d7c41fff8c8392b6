"""Every refusal of the catalog, with the message a person would see; a refused write changes nothing."""

from typing import Any

import pytest
from pydantic import ValidationError
from sqlmodel import Session, SQLModel, select

from models import catalog
from models.errors import Invalid, NotFound
from models.queries import all_products, get_product
from models.tables import (
    NAME_MAX,
    PRICE_MAX,
    ProductCreate,
    ProductUpdate,
    StockChange,
    StockMovement,
    VariantCreate,
    VariantUpdate,
    valid_field,
)
from tests.factories import make_category, make_product, product_in, variant_in


@pytest.mark.parametrize(
    ('fields', 'field', 'message'),
    [
        ({'name': ''}, 'name', 'at least 1 character'),
        ({'name': '   '}, 'name', 'must not be empty'),
        ({'name': 'x' * (NAME_MAX + 1)}, 'name', f'at most {NAME_MAX} characters'),
        ({'name': 'Tab\there'}, 'name', 'must not contain control characters'),
        ({'name': 'Delete\x7fhere'}, 'name', 'must not contain control characters'),
        ({'name': 'C1 \x85 control'}, 'name', 'must not contain control characters'),
        ({'name': 'Lone \ud800 surrogate'}, 'name', 'unable to parse raw data as a unicode string'),
        ({'description': 'nul \x00 byte'}, 'description', 'must not contain control characters'),
        ({'slug': 'Not A Slug'}, 'slug', 'should match pattern'),
        ({'slug': 'double--hyphen'}, 'slug', 'should match pattern'),
        ({'category': ''}, 'category', 'at least 1 character'),
    ],
)
def test_product_create_refuses(fields: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        ProductCreate(**{'name': 'Fine', 'category': 'coffee', **fields})
    assert_refusal(refused.value, field, message)


@pytest.mark.parametrize(
    ('fields', 'field', 'message'),
    [
        ({'price': -1}, 'price', 'greater than or equal to 0'),
        ({'price': PRICE_MAX + 1}, 'price', f'less than or equal to {PRICE_MAX}'),
        ({'stock_on_hand': -1}, 'stock_on_hand', 'greater than or equal to 0'),
        ({'sku': ''}, 'sku', 'at least 1 character'),
        ({'sku': 'has space'}, 'sku', 'should match pattern'),
        ({'sku': '-leading-hyphen'}, 'sku', 'should match pattern'),
        ({'name': ''}, 'name', 'at least 1 character'),
        ({'name': 'new\nline'}, 'name', 'must not contain control characters'),
    ],
)
def test_variant_create_refuses(fields: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        VariantCreate(**{'sku': 'OK-1', 'name': 'Fine', 'price': 100, **fields})
    assert_refusal(refused.value, field, message)


@pytest.mark.parametrize(
    ('model', 'fields', 'field', 'message'),
    [
        (ProductUpdate, {'name': ' '}, 'name', 'must not be empty'),
        (ProductUpdate, {'slug': 'UPPER'}, 'slug', 'should match pattern'),
        (ProductUpdate, {'description': 'x' * 5_001}, 'description', 'at most 5000 characters'),
        (VariantUpdate, {'price': -5}, 'price', 'greater than or equal to 0'),
        (VariantUpdate, {'sku': 'a b'}, 'sku', 'should match pattern'),
        (VariantUpdate, {'name': '\x1b[31m'}, 'name', 'must not contain control characters'),
        (StockChange, {'set': -1}, 'set', 'greater than or equal to 0'),
        (StockChange, {'delta': 1, 'reason': ''}, 'reason', 'at least 1 character'),
        (StockChange, {'delta': 1, 'reason': '   '}, 'reason', 'must not be empty'),
        (StockChange, {'delta': 1, 'reason': 'bell\x07'}, 'reason', 'must not contain control characters'),
    ],
)
def test_updates_refuse(model: type, fields: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        model(**fields)
    assert_refusal(refused.value, field, message)


@pytest.mark.parametrize(
    ('model', 'field', 'value', 'accepted'),
    [
        (ProductCreate, 'name', '  Trimmed  ', 'Trimmed'),
        (VariantCreate, 'sku', 'OK-1', 'OK-1'),
        (StockChange, 'reason', ' delivery ', 'delivery'),
    ],
)
def test_one_field_is_checked_alone_by_the_rule_of_its_model(
    model: type[SQLModel], field: str, value: str, accepted: str
) -> None:
    assert valid_field(model, field, value) == accepted


def test_one_field_alone_is_refused_as_the_whole_model_refuses_it() -> None:
    with pytest.raises(ValidationError) as alone:
        valid_field(ProductCreate, 'description', 'next \x85 line')
    with pytest.raises(ValidationError) as whole:
        ProductCreate(name='Fine', category='coffee', description='next \x85 line')
    assert alone.value.errors(include_context=False) == whole.value.errors(include_context=False)


def test_description_keeps_newlines_and_tabs() -> None:
    assert ProductCreate(name='Fine', category='c', description='one\n\ttwo\r\n').description == 'one\n\ttwo\r\n'


@pytest.mark.parametrize(
    ('slug', 'name', 'field', 'message'),
    [
        ('Bad Slug', 'Name', 'slug', 'use lower-case letters, digits and single hyphens'),
        ('ok', '  ', 'name', 'must not be empty'),
        ('ok', 'x' * (NAME_MAX + 1), 'name', f'at most {NAME_MAX} characters'),
        ('ok', 'bell\x07', 'name', 'must not contain control characters'),
    ],
)
def test_create_category_refuses(session: Session, slug: str, name: str, field: str, message: str) -> None:
    with pytest.raises(Invalid) as refused:
        catalog.create_category(session=session, slug=slug, name=name)
    assert (refused.value.field, refused.value.message[: len(message)]) == (field, message)


def test_duplicate_category_slug(session: Session) -> None:
    make_category(session, slug='tea')
    with pytest.raises(Invalid, match='slug: is already taken'):
        make_category(session, slug='tea')


def test_unknown_category(session: Session) -> None:
    with pytest.raises(Invalid, match="category: unknown category 'nope'"):
        catalog.create_product(session=session, product_in=product_in('nope'))
    product = make_product(session)
    with pytest.raises(Invalid, match="category: unknown category 'nope'"):
        catalog.update_product(
            session=session, product_id=product.id, version=1, changes=ProductUpdate(category='nope')
        )
    assert get_product(session, product.id) == product


def test_duplicate_product_slug(session: Session) -> None:
    category = make_category(session).slug
    make_product(session, category=category, name='Same Name')
    with pytest.raises(Invalid, match='slug: is already taken'):
        make_product(session, category=category, name='Same Name')
    other = make_product(session, category=category, name='Other')
    with pytest.raises(Invalid, match='slug: is already taken'):
        catalog.update_product(session=session, product_id=other.id, version=1, changes=ProductUpdate(slug='same-name'))
    assert len(all_products(session)) == 2
    assert get_product(session, other.id) == other


def test_duplicate_sku_in_the_database(session: Session) -> None:
    taken = make_product(session, variants=[variant_in(sku='TAKEN-1')])
    product = make_product(session, category=taken.category, variants=[variant_in(sku='FREE-1')])
    with pytest.raises(Invalid, match='sku: is already used by another variant'):
        make_product(session, category=product.category, variants=[variant_in(sku='TAKEN-1')])
    with pytest.raises(Invalid, match='sku: is already used by another variant'):
        catalog.add_variant(session=session, product_id=product.id, version=1, variant_in=variant_in(sku='TAKEN-1'))
    with pytest.raises(Invalid, match='sku: is already used by another variant'):
        catalog.update_variant(
            session=session, variant_id=product.variants[0].id, version=1, changes=VariantUpdate(sku='TAKEN-1')
        )
    assert all_products(session) == [taken, product]


def test_duplicate_sku_whose_value_mentions_slug_is_still_a_sku_error(session: Session) -> None:
    product = make_product(session, variants=[variant_in(sku='SLUG-1')])
    with pytest.raises(Invalid, match='sku: is already used by another variant'):
        make_product(session, category=product.category, variants=[variant_in(sku='SLUG-1')])


def test_duplicate_sku_within_one_product(session: Session) -> None:
    category = make_category(session).slug
    with pytest.raises(Invalid, match="sku: 'TWICE-1' appears twice in this product"):
        make_product(session, category=category, variants=[variant_in(sku='TWICE-1'), variant_in(sku='TWICE-1')])
    assert all_products(session) == []


def test_refused_variant_leaves_the_session_clean(session: Session) -> None:
    """Regression: a refused add_variant left its variant pending, and the next write on the session flushed it."""
    product = make_product(session, variants=[variant_in(sku='ONCE-1', stock=1)])
    with pytest.raises(Invalid, match='appears twice'):
        catalog.add_variant(session=session, product_id=product.id, version=1, variant_in=variant_in(sku='ONCE-1'))
    variant = catalog.adjust_stock(session=session, variant_id=product.variants[0].id, delta=1, reason='restock')
    assert variant.stock_on_hand == 2
    assert [v.sku for v in get_product(session, product.id).variants] == ['ONCE-1']


def test_refused_slug_change_leaves_the_session_clean(session: Session) -> None:
    category = make_category(session).slug
    make_product(session, category=category, name='Taken')
    product = make_product(session, category=category, name='Mine')
    with pytest.raises(Invalid):
        catalog.update_product(
            session=session, product_id=product.id, version=1, changes=ProductUpdate(name='Renamed', slug='taken')
        )
    updated = catalog.set_enabled(session=session, product_id=product.id, version=1, enabled=False)
    assert (updated.name, updated.slug, updated.enabled) == ('Mine', 'mine', False)


def test_stock_below_zero(session: Session) -> None:
    product = make_product(session, variants=[variant_in(stock=2)])
    variant_id = product.variants[0].id
    movements = session.exec(select(StockMovement)).all()
    with pytest.raises(Invalid, match='stock: only 2 on hand; cannot go below zero'):
        catalog.adjust_stock(session=session, variant_id=variant_id, delta=-3, reason='sold')
    with pytest.raises(Invalid, match=r'stock: .*below zero'):
        catalog.set_stock(session=session, variant_id=variant_id, quantity=-1, reason='stocktake')
    assert get_product(session, product.id) == product
    assert session.exec(select(StockMovement)).all() == movements


@pytest.mark.parametrize(
    ('reason', 'message'),
    [('  ', 'must not be empty'), ('r' * 201, 'at most 200 characters'), ('del\x7f', 'must not contain control')],
)
def test_stock_reason(session: Session, reason: str, message: str) -> None:
    variant_id = make_product(session).variants[0].id
    with pytest.raises(Invalid, match=f'reason: {message}'):
        catalog.adjust_stock(session=session, variant_id=variant_id, delta=1, reason=reason)


@pytest.mark.parametrize('absent', [987_654, 0, -1, 2**63, 10**30])
def test_unknown_ids(session: Session, absent: int) -> None:
    """Ids beyond what the database can store are unknown too (regression: they raised OverflowError on SQLite)."""
    calls = [
        lambda: catalog.update_product(session=session, product_id=absent, version=1, changes=ProductUpdate(name='x')),
        lambda: catalog.set_enabled(session=session, product_id=absent, version=1, enabled=False),
        lambda: catalog.delete_product(session=session, product_id=absent, version=None),
        lambda: catalog.add_variant(session=session, product_id=absent, version=None, variant_in=variant_in()),
    ]
    for call in calls:
        with pytest.raises(NotFound, match=f'product {absent} does not exist'):
            call()
    variant_calls = [
        lambda: catalog.update_variant(session=session, variant_id=absent, version=None, changes=VariantUpdate()),
        lambda: catalog.set_price(session=session, variant_id=absent, version=None, price=1),
        lambda: catalog.remove_variant(session=session, variant_id=absent, version=None),
        lambda: catalog.adjust_stock(session=session, variant_id=absent, delta=1, reason='x'),
        lambda: catalog.set_stock(session=session, variant_id=absent, quantity=1, reason='x'),
    ]
    for call in variant_calls:
        with pytest.raises(NotFound, match=f'variant {absent} does not exist'):
            call()


def assert_refusal(error: ValidationError, field: str, message: str) -> None:
    details = [(str(e['loc'][0]), e['msg']) for e in error.errors()]
    assert any(loc == field and message in msg for loc, msg in details), details
