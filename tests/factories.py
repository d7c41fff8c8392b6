"""Test data through the real write functions (like full-stack-fastapi-template's `tests/utils/item.py`).

Every name, slug and SKU is unique per call, so tests can share a database without colliding.
"""

import itertools
from typing import Any

from sqlmodel import Session

from models import catalog
from models.order_tables import OrderCreate
from models.tables import Category, ProductCreate, ProductPublic, VariantCreate

_numbers = itertools.count(1)


def unique(prefix: str) -> str:
    return f'{prefix}-{next(_numbers)}'


def make_category(session: Session, *, slug: str | None = None, name: str | None = None) -> Category:
    slug = slug or unique('cat')
    return catalog.create_category(session=session, slug=slug, name=name or slug.replace('-', ' ').title())


def variant_in(*, sku: str | None = None, name: str = 'Standard', price: int = 1_000, stock: int = 5) -> VariantCreate:
    return VariantCreate(sku=sku or unique('SKU'), name=name, price=price, stock_on_hand=stock)


def product_in(
    category: str, *, name: str | None = None, variants: list[VariantCreate] | None = None, **fields: Any
) -> ProductCreate:
    name = name or unique('Product')
    return ProductCreate(
        name=name, category=category, variants=[variant_in()] if variants is None else variants, **fields
    )


def make_product(
    session: Session,
    *,
    category: str | None = None,
    name: str | None = None,
    variants: list[VariantCreate] | None = None,
    **fields: Any,
) -> ProductPublic:
    """A product with one variant (price 1000, stock 5) unless told otherwise; makes a category when none is given."""
    category = category or make_category(session).slug
    return catalog.create_product(
        session=session, product_in=product_in(category, name=name, variants=variants, **fields)
    )


def product_body(category: str, **fields: Any) -> dict[str, Any]:
    """A JSON body for `POST /api/admin/products`."""
    sku = unique('SKU')
    return {
        'name': unique('Product'),
        'category': category,
        'variants': [{'sku': sku, 'name': 'Standard', 'price': 1_000, 'stock_on_hand': 5}],
        **fields,
    }


CUSTOMER = {'name': 'Ada Shopper', 'email': 'ada@example.com', 'address': '1 Market Street\nSpringfield'}


def checkout_body(*lines: tuple[int, int], **customer: str) -> dict[str, Any]:
    """A JSON body for `POST /api/checkout`: `(variant_id, quantity)` lines, a valid customer or the fields given."""
    return {'lines': [{'variant_id': v, 'quantity': q} for v, q in lines], 'customer': {**CUSTOMER, **customer}}


def order_in(*lines: tuple[int, int], **customer: str) -> OrderCreate:
    return OrderCreate.model_validate(checkout_body(*lines, **customer))
