"""Keeps each product's `version`, `updated_at` and `search_text` true, whatever code path wrote it.

A change to a variant or to stock is a change to its product: this flush hook touches the parent
product so that its optimistic version (`version_id_col`) is checked and bumped in the same UPDATE.
"""

from typing import Any

from sqlalchemy import event, inspect
from sqlmodel import Session

from models.filters import search_text
from models.tables import Product, StockMovement, Variant, utcnow


def install() -> None:
    if not event.contains(Session, 'before_flush', _touch_products):
        event.listen(Session, 'before_flush', _touch_products)


def _touch_products(session: Session, _context: Any, _instances: Any) -> None:
    deleted = {id(obj) for obj in session.deleted}
    with session.no_autoflush:
        for product in _changed_products(session, deleted):
            if id(product) in deleted:
                continue
            product.updated_at = utcnow()
            product.search_text = search_text(product.name, product.description, (v.sku for v in product.variants))


def _changed_products(session: Session, deleted: set[int]) -> list[Product]:
    """`session.new` builds a new set on each access: read once, or a flush of n objects costs n² (the seed's)."""
    products: dict[int, Product] = {}  # by object identity: table models are not hashable
    new = list(session.new)
    added_or_deleted = {id(obj) for obj in new} | deleted
    for obj in (*new, *session.dirty, *session.deleted):
        product = _product_of(session, obj)
        if product is not None and (id(obj) in added_or_deleted or _modified(obj)):
            products[id(product)] = product
    return list(products.values())


def _product_of(session: Session, obj: object) -> Product | None:
    if isinstance(obj, Product):
        return obj
    if isinstance(obj, Variant):
        return obj.product or session.get(Product, obj.product_id)
    if isinstance(obj, StockMovement):
        variant = obj.variant or session.get(Variant, obj.variant_id)
        return _product_of(session, variant) if variant is not None else None
    return None


def _modified(obj: object) -> bool:
    return any(attr.history.has_changes() for attr in inspect(obj).attrs)
