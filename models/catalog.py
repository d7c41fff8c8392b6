"""Catalog write functions: keyword-only, session first; each validates, commits, and returns the new state.

Every function is one transaction. Product edits take the `version` the caller read and refuse a stale
one with `Conflict`; the row's optimistic version counter closes the race between that check and the
UPDATE. Stock changes are deltas and need no version: they retry when a concurrent write wins the race.
A refusal (`Invalid`, `NotFound`, `Conflict`) rolls back everything the call touched: the session stays usable.
"""

import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, SQLModel, select

from models.errors import CatalogError, Conflict, Invalid, NotFound, refusals
from models.tables import (
    SLUG_MAX,
    STOCK_MAX,
    Category,
    CategoryCreate,
    Product,
    ProductCreate,
    ProductPublic,
    ProductUpdate,
    StockChange,
    StockMovement,
    Variant,
    VariantCreate,
    VariantUpdate,
    possible_id,
    valid_field,
)

STOCK_RETRIES = 100


def create_category(*, session: Session, slug: str, name: str) -> Category:
    category = Category(slug=_checked(CategoryCreate, 'slug', slug), name=_checked(CategoryCreate, 'name', name))
    with _transaction(session):
        session.add(category)
    session.refresh(category)
    return category


def create_product(*, session: Session, product_in: ProductCreate) -> ProductPublic:
    _check_unique_skus([variant.sku for variant in product_in.variants])
    with _transaction(session):
        product = Product(
            name=product_in.name,
            description=product_in.description,
            enabled=product_in.enabled,
            slug=product_in.slug or slugify(product_in.name),
            category_id=_category_id(session, product_in.category),
        )
        for variant_in in product_in.variants:
            product.variants.append(_new_variant(variant_in))
        session.add(product)
    return _public(session, product)


def update_product(*, session: Session, product_id: int, version: int, changes: ProductUpdate) -> ProductPublic:
    fields = changes.model_dump(exclude_unset=True, exclude_none=True)
    with _transaction(session, product_id=product_id, version=version):
        product = _product_at(session, product_id, version)
        if 'category' in fields:
            product.category_id = _category_id(session, fields.pop('category'))
        for name, value in fields.items():
            setattr(product, name, value)
    return _public(session, product)


def set_enabled(*, session: Session, product_id: int, version: int, enabled: bool) -> ProductPublic:
    return update_product(
        session=session, product_id=product_id, version=version, changes=ProductUpdate(enabled=enabled)
    )


def delete_product(*, session: Session, product_id: int, version: int | None = None) -> None:
    with _transaction(session, product_id=product_id, version=version):
        session.delete(_product_at(session, product_id, version))


def add_variant(*, session: Session, product_id: int, version: int | None, variant_in: VariantCreate) -> ProductPublic:
    with _transaction(session, product_id=product_id, version=version):
        product = _product_at(session, product_id, version)
        product.variants.append(_new_variant(variant_in))
        _check_unique_skus([variant.sku for variant in product.variants])
    return _public(session, product)


def update_variant(*, session: Session, variant_id: int, version: int | None, changes: VariantUpdate) -> ProductPublic:
    variant = _variant(session, variant_id)
    with _transaction(session, product_id=variant.product_id, version=version):
        product = _product_at(session, variant.product_id, version)
        for name, value in changes.model_dump(exclude_unset=True, exclude_none=True).items():
            setattr(variant, name, value)
        _check_unique_skus([each.sku for each in product.variants])
    return _public(session, product)


def set_price(*, session: Session, variant_id: int, version: int | None, price: int) -> ProductPublic:
    return update_variant(session=session, variant_id=variant_id, version=version, changes=VariantUpdate(price=price))


def remove_variant(*, session: Session, variant_id: int, version: int | None) -> ProductPublic:
    variant = _variant(session, variant_id)
    with _transaction(session, product_id=variant.product_id, version=version):
        product = _product_at(session, variant.product_id, version)
        product.variants.remove(variant)
    return _public(session, product)


def adjust_stock(*, session: Session, variant_id: int, delta: int, reason: str) -> Variant:
    """Adds `delta` (negative to take away) and logs the movement; stock never goes below zero."""
    return _change_stock(session, variant_id, reason, lambda on_hand: on_hand + delta)


def set_stock(*, session: Session, variant_id: int, quantity: int, reason: str) -> Variant:
    """Sets the count, as after a stocktake; the movement records the difference."""
    return _change_stock(session, variant_id, reason, lambda _on_hand: quantity)


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize('NFKD', text).encode('ascii', 'ignore').decode()
    slug = re.sub(r'[^a-z0-9]+', '-', ascii_text.lower()).strip('-')
    return slug[:SLUG_MAX].strip('-') or 'product'


def _change_stock(session: Session, variant_id: int, reason: str, new_count: Callable[[int], int]) -> Variant:
    reason = _checked(StockChange, 'reason', reason)
    for _attempt in range(STOCK_RETRIES):
        variant = _variant(session, variant_id)
        after = new_count(variant.stock_on_hand)
        if after < 0:
            raise Invalid('stock', f'only {variant.stock_on_hand} on hand; cannot go below zero')
        if after > STOCK_MAX:
            raise Invalid('stock', f'at most {STOCK_MAX} units')
        try:
            with _transaction(session, product_id=variant.product_id):
                variant.movements.append(
                    StockMovement(delta=after - variant.stock_on_hand, stock_after=after, reason=reason)
                )
                variant.stock_on_hand = after
        except Conflict:
            continue
        session.refresh(variant)
        return variant
    raise Invalid('stock', 'too many concurrent changes to this product; try again')


def _product_at(session: Session, product_id: int | None, version: int | None) -> Product:
    product = session.get(Product, product_id, populate_existing=True) if possible_id(product_id) else None
    if product is None:
        raise NotFound('product', product_id)
    if version is not None and product.version != version:
        raise Conflict(version, ProductPublic.of(product))
    return product


def _variant(session: Session, variant_id: int) -> Variant:
    variant = session.get(Variant, variant_id, populate_existing=True) if possible_id(variant_id) else None
    if variant is None:
        raise NotFound('variant', variant_id)
    return variant


def _category_id(session: Session, slug: str) -> int:
    category_id = session.exec(select(Category.id).where(Category.slug == slug)).first()
    if category_id is None:
        raise Invalid('category', f'unknown category {slug!r}')
    return category_id


def _new_variant(variant_in: VariantCreate) -> Variant:
    variant = Variant(
        sku=variant_in.sku, name=variant_in.name, price=variant_in.price, stock_on_hand=variant_in.stock_on_hand
    )
    if variant_in.stock_on_hand:
        variant.movements.append(
            StockMovement(delta=variant_in.stock_on_hand, stock_after=variant_in.stock_on_hand, reason='initial stock')
        )
    return variant


def _public(session: Session, product: Product) -> ProductPublic:
    session.refresh(product)
    return ProductPublic.of(product)


@contextmanager
def _transaction(session: Session, *, product_id: int | None = None, version: int | None = None) -> Iterator[None]:
    """One write: the body's changes commit together, or any refusal rolls all of them back.

    Nothing is flushed before the commit (a lazy load must not send half a change), so the database's
    refusals always surface here: unique and check constraints as `Invalid`, a lost race as `Conflict`.
    """
    try:
        with session.no_autoflush:
            yield
        session.commit()
    except StaleDataError:
        session.rollback()
        current = session.get(Product, product_id, populate_existing=True) if product_id else None
        raise Conflict(version, ProductPublic.of(current) if current else None) from None
    except IntegrityError as error:
        session.rollback()
        raise _integrity_message(error) from None
    except CatalogError:
        session.rollback()
        raise


def _integrity_message(error: IntegrityError) -> Invalid:
    """Names the violated constraint: PostgreSQL reports it in `diag`, SQLite in its message (never the values)."""
    diag = getattr(error.orig, 'diag', None)
    text = str(getattr(diag, 'constraint_name', None) or error.orig).lower()
    if 'slug' in text:
        return Invalid('slug', 'is already taken by another product or category')
    if 'sku' in text:
        return Invalid('sku', 'is already used by another variant')
    if 'stock' in text:
        return Invalid('stock', 'cannot go below zero')
    if 'price' in text:
        return Invalid('price', 'must not be negative')
    return Invalid('product', 'refers to something that no longer exists')


def _check_unique_skus(skus: list[str]) -> None:
    seen: set[str] = set()
    for sku in skus:
        if sku in seen:
            raise Invalid('sku', f'{sku!r} appears twice in this product')
        seen.add(sku)


def _checked(model: type[SQLModel], field: str, value: str) -> str:
    """`value` as the model's `field` accepts it: the rule is the model's, the refusal the catalog's `Invalid`."""
    try:
        checked: str = valid_field(model, field, value)
    except ValidationError as error:
        raise refusals(error)[0] from None
    return checked
