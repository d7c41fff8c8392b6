"""Every catalog write function does what it says, on SQLite and on PostgreSQL (the `session` fixture)."""

import pytest
from sqlmodel import Session, select

from models import catalog
from models.errors import NotFound
from models.queries import get_product, list_categories
from models.tables import Product, ProductUpdate, StockMovement, Variant, VariantUpdate
from tests.factories import make_category, make_product, product_in, variant_in


def test_create_category(session: Session) -> None:
    category = catalog.create_category(session=session, slug='garden-tools', name='  Garden Tools ')
    assert category.id is not None
    assert (category.slug, category.name) == ('garden-tools', 'Garden Tools')
    assert [c.slug for c in list_categories(session)] == ['garden-tools']


def test_create_product_with_variants(session: Session) -> None:
    category = make_category(session)
    created = catalog.create_product(
        session=session,
        product_in=product_in(
            category.slug,
            name='Moka Pot',
            description='Stovetop espresso.',
            variants=[variant_in(sku='MOKA-3', price=2_499, stock=4), variant_in(sku='MOKA-6', price=3_499, stock=0)],
        ),
    )
    assert created.slug == 'moka-pot'
    assert (created.category, created.enabled, created.version) == (category.slug, True, 1)
    assert [(v.sku, v.price, v.stock_on_hand) for v in created.variants] == [('MOKA-3', 2_499, 4), ('MOKA-6', 3_499, 0)]
    assert (created.price_from, created.price_to, created.stock) == (2_499, 3_499, 4)
    assert get_product(session, created.id) == created
    assert session.exec(select(Product.search_text)).one() == 'moka pot\nstovetop espresso.\nmoka-3 moka-6'


def test_create_product_slug_comes_from_name_unless_given(session: Session) -> None:
    category = make_category(session).slug
    assert make_product(session, category=category, name='Crème Brûlée Torch!').slug == 'creme-brulee-torch'
    assert make_product(session, category=category, name='Torch', slug='my-torch').slug == 'my-torch'


def test_update_product_changes_only_given_fields(session: Session) -> None:
    product = make_product(session, description='old')
    other = make_category(session)
    changes = ProductUpdate(name='New Name', slug='new-slug', category=other.slug)
    updated = catalog.update_product(session=session, product_id=product.id, version=1, changes=changes)
    assert (updated.name, updated.slug, updated.category) == ('New Name', 'new-slug', other.slug)
    assert updated.description == 'old'
    assert updated.version == 2
    assert updated.updated_at > product.updated_at
    assert get_product(session, product.id) == updated


def test_set_enabled(session: Session) -> None:
    product = make_product(session)
    disabled = catalog.set_enabled(session=session, product_id=product.id, version=1, enabled=False)
    assert (disabled.enabled, disabled.version) == (False, 2)
    enabled = catalog.set_enabled(session=session, product_id=product.id, version=2, enabled=True)
    assert (enabled.enabled, enabled.version) == (True, 3)


def test_delete_product_removes_its_variants_and_movements(session: Session) -> None:
    product = make_product(session, variants=[variant_in(stock=3), variant_in(stock=2)])
    keep = make_product(session)
    catalog.delete_product(session=session, product_id=product.id, version=1)
    with pytest.raises(NotFound):
        get_product(session, product.id)
    assert session.exec(select(Variant.product_id)).all() == [keep.id]
    assert {m.variant_id for m in session.exec(select(StockMovement)).all()} == {keep.variants[0].id}


def test_delete_product_without_version(session: Session) -> None:
    product = make_product(session)
    catalog.delete_product(session=session, product_id=product.id)
    assert session.get(Product, product.id) is None


def test_add_variant(session: Session) -> None:
    product = make_product(session, variants=[])
    assert product.price_from is None
    updated = catalog.add_variant(
        session=session, product_id=product.id, version=1, variant_in=variant_in(sku='NEW-1', price=700, stock=9)
    )
    assert [(v.sku, v.price, v.stock_on_hand, v.version) for v in updated.variants] == [('NEW-1', 700, 9, 1)]
    assert updated.version == 2
    assert 'new-1' in session.exec(select(Product.search_text)).one()


def test_update_variant(session: Session) -> None:
    product = make_product(session, variants=[variant_in(sku='OLD-1', name='Small', price=500)])
    variant_id = product.variants[0].id
    changes = VariantUpdate(sku='RENAMED-1', name='Large', price=900)
    updated = catalog.update_variant(session=session, variant_id=variant_id, version=1, changes=changes)
    assert [(v.sku, v.name, v.price, v.version) for v in updated.variants] == [('RENAMED-1', 'Large', 900, 2)]
    assert updated.version == 2
    search_text = session.exec(select(Product.search_text)).one()
    assert 'renamed-1' in search_text
    assert 'old-1' not in search_text


def test_set_price(session: Session) -> None:
    product = make_product(session, variants=[variant_in(price=500), variant_in(price=800)])
    updated = catalog.set_price(session=session, variant_id=product.variants[1].id, version=1, price=0)
    assert [v.price for v in updated.variants] == [500, 0]
    assert (updated.price_from, updated.version) == (0, 2)


def test_remove_variant(session: Session) -> None:
    product = make_product(session, variants=[variant_in(sku='GONE-1', stock=2), variant_in(sku='STAYS-1')])
    updated = catalog.remove_variant(session=session, variant_id=product.variants[0].id, version=1)
    assert [v.sku for v in updated.variants] == ['STAYS-1']
    assert updated.version == 2
    assert session.get(Variant, product.variants[0].id) is None
    assert 'gone-1' not in session.exec(select(Product.search_text)).one()


def test_adjust_stock(session: Session) -> None:
    variant_id = make_product(session, variants=[variant_in(stock=5)]).variants[0].id
    assert catalog.adjust_stock(session=session, variant_id=variant_id, delta=3, reason='delivery').stock_on_hand == 8
    assert catalog.adjust_stock(session=session, variant_id=variant_id, delta=-8, reason='sold').stock_on_hand == 0


def test_set_stock(session: Session) -> None:
    variant_id = make_product(session, variants=[variant_in(stock=5)]).variants[0].id
    variant = catalog.set_stock(session=session, variant_id=variant_id, quantity=42, reason='stocktake')
    assert (variant.stock_on_hand, variant.version) == (42, 2)
    assert catalog.set_stock(session=session, variant_id=variant_id, quantity=0, reason='lost').stock_on_hand == 0


def test_slugify() -> None:
    assert catalog.slugify('  Äpfel & Birnen -- 2 kg ') == 'apfel-birnen-2-kg'
    assert catalog.slugify('!!!') == 'product'
    assert len(catalog.slugify('word ' * 100)) <= 120
