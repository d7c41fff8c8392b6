"""Catalog reads: one product by id or slug, filtered listings, categories, stock history."""

from typing import Any

from sqlalchemy import func, nulls_last
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col, select

from models.errors import NotFound
from models.filters import ProductQuery
from models.tables import Category, Product, ProductPage, ProductPublic, StockMovement, Variant, possible_id

_LOAD = (selectinload(Product.variants), selectinload(Product.category))  # type: ignore[arg-type]


def get_product(session: Session, product_id: int) -> ProductPublic:
    product = None
    if possible_id(product_id):
        product = session.exec(select(Product).where(Product.id == product_id).options(*_LOAD)).first()
    if product is None:
        raise NotFound('product', product_id)
    return ProductPublic.of(product)


def get_product_by_slug(session: Session, slug: str) -> ProductPublic:
    product = session.exec(select(Product).where(Product.slug == slug).options(*_LOAD)).first()
    if product is None:
        raise NotFound('product', slug)
    return ProductPublic.of(product)


def find_products(session: Session, product_ids: list[int]) -> dict[int, ProductPublic]:
    """The products that still exist among `product_ids`, in one query."""
    product_ids = [product_id for product_id in product_ids if possible_id(product_id)]
    rows = session.exec(select(Product).where(col(Product.id).in_(product_ids)).options(*_LOAD)).all()
    return {row.id: ProductPublic.of(row) for row in rows if row.id is not None}


def all_products(session: Session) -> list[ProductPublic]:
    return [ProductPublic.of(p) for p in session.exec(select(Product).options(*_LOAD).order_by(col(Product.id))).all()]


def list_products(session: Session, query: ProductQuery) -> ProductPage:
    price = (
        select(Variant.product_id, func.min(Variant.price).label('price_from'))
        .group_by(col(Variant.product_id))
        .subquery()
    )
    statement = select(Product).outerjoin(price, price.c.product_id == Product.id)
    if not query.include_disabled:
        statement = statement.where(col(Product.enabled).is_(True))
    if query.category:
        statement = statement.join(Category).where(Category.slug == query.category)
    if query.in_stock:
        in_stock = select(Variant.id).where(Variant.product_id == Product.id, col(Variant.stock_on_hand) > 0)
        statement = statement.where(in_stock.exists())
    if query.min_price is not None:
        statement = statement.where(price.c.price_from >= query.min_price)
    if query.max_price is not None:
        statement = statement.where(price.c.price_from <= query.max_price)
    if query.needle:
        statement = statement.where(col(Product.search_text).contains(query.needle, autoescape=True))
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    orders: dict[str, tuple[Any, ...]] = {
        'name': (func.lower(Product.name), Product.id),
        'price': (nulls_last(price.c.price_from.asc()), func.lower(Product.name), Product.id),
        '-price': (nulls_last(price.c.price_from.desc()), func.lower(Product.name), Product.id),
        'newest': (col(Product.created_at).desc(), col(Product.id).desc()),
    }
    rows = session.exec(
        statement.order_by(*orders[query.sort])
        .offset((query.page - 1) * query.page_size)
        .limit(query.page_size)
        .options(*_LOAD)
    ).all()
    return ProductPage(
        items=[ProductPublic.of(r) for r in rows], total=total, page=query.page, page_size=query.page_size
    )


def list_categories(session: Session) -> list[Category]:
    return list(session.exec(select(Category).order_by(col(Category.name))).all())


def stock_movements(session: Session, variant_id: int, limit: int = 100) -> list[StockMovement]:
    if not possible_id(variant_id) or session.get(Variant, variant_id) is None:
        raise NotFound('variant', variant_id)
    statement = (
        select(StockMovement)
        .where(StockMovement.variant_id == variant_id)
        .order_by(col(StockMovement.id).desc())
        .limit(limit)
    )
    return list(session.exec(statement).all())
