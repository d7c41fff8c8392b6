"""The catalog, modelled on Vendure's: categories, products, their variants, and the stock movement log.

Per entity the SQLModel family of full-stack-fastapi-template: `...Base` (shared fields), `...Create`,
`...Update` (all optional), the table, and `...Public` (what the JSON API returns).
Money is integer cents. `version` is SQLAlchemy's optimistic version counter: every UPDATE of the row
checks and bumps it, so a stale write fails instead of overwriting (see `models.versioning`).
"""

import unicodedata
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator
from sqlalchemy import CheckConstraint, Column, DateTime, Dialect, Integer, TypeDecorator
from sqlmodel import Field, Relationship, SQLModel

SLUG_PATTERN = r'^[a-z0-9]+(?:-[a-z0-9]+)*$'
SKU_PATTERN = r'^[A-Za-z0-9][A-Za-z0-9._-]*$'
NAME_MAX = 200
DESCRIPTION_MAX = 5_000
SLUG_MAX = 120
SKU_MAX = 64
REASON_MAX = 200
PRICE_MAX = 100_000_000  # one million in cents: a typo guard, not a business rule
STOCK_MAX = 1_000_000_000
ID_MAX = 2**63 - 1  # the largest id SQLite or PostgreSQL can hold; a larger one names nothing
PATTERN_HINTS = {  # each pattern in words, for the message a person sees
    SLUG_PATTERN: 'use lower-case letters, digits and single hyphens',
    SKU_PATTERN: 'use letters, digits, ".", "_" or "-", starting with a letter or digit',
}


def possible_id(value: int | None) -> bool:
    """Whether a row could have this id; asking the database about others fails instead of finding nothing."""
    return value is not None and 0 < value <= ID_MAX


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes and always returns them in UTC (SQLite forgets the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _timestamp() -> Column:
    return Column(UTCDateTime(), nullable=False, default=utcnow)


def text_problem(text: str, allowed: str = '') -> str | None:
    """Why `text` cannot be stored as it is, or None: it must hold no control characters except `allowed`.

    Unicode's whole `Cc` class counts (C0, DEL and C1); PostgreSQL would refuse a NUL outright.
    """
    if any(unicodedata.category(ch) == 'Cc' for ch in text if ch not in allowed):
        return 'must not contain control characters'
    return None


def _clean_line(value: str) -> str:
    """Names and reasons are one trimmed line that keeps at least one visible character."""
    value = value.strip()
    if not value:
        raise ValueError('must not be empty')
    if problem := text_problem(value):
        raise ValueError(problem)
    return value


def _clean_description(value: str) -> str:
    """Descriptions may span lines and use tabs; other control characters are refused."""
    if problem := text_problem(value, allowed='\t\n\r'):
        raise ValueError(problem)
    return value


# Each rule once: every model below that has such a field uses these types.
Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX), AfterValidator(_clean_line)]
Description = Annotated[str, Field(max_length=DESCRIPTION_MAX), AfterValidator(_clean_description)]
Slug = Annotated[str, Field(min_length=1, max_length=SLUG_MAX, schema_extra={'pattern': SLUG_PATTERN})]
CategorySlug = Annotated[str, Field(min_length=1, max_length=SLUG_MAX, description='category slug')]
Sku = Annotated[str, Field(min_length=1, max_length=SKU_MAX, schema_extra={'pattern': SKU_PATTERN})]


def _not_a_bool(value: object) -> object:
    """JSON's `true` is not 1 cent or 1 unit, though pydantic's lax mode would take it (schemathesis sent it)."""
    if isinstance(value, bool):
        raise ValueError('a whole number, not true or false')
    return value


Whole = Annotated[int, BeforeValidator(_not_a_bool)]  # a count or an amount in a request body
Price = Annotated[Whole, Field(ge=0, le=PRICE_MAX, description='price in cents')]
Stock = Annotated[Whole, Field(ge=0, le=STOCK_MAX)]
Reason = Annotated[str, Field(min_length=1, max_length=REASON_MAX), AfterValidator(_clean_line)]


def valid_field(model: type[SQLModel], field: str, value: object) -> Any:
    """`value` as `model` accepts it for `field` (a name trimmed, …); raises pydantic's `ValidationError`.

    Checks one field without the others, so a form can check each input against the model's own rule.
    """
    instance = model.model_construct()
    model.__pydantic_validator__.validate_assignment(instance, field, value)
    return getattr(instance, field)


class Category(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=SLUG_MAX, unique=True, index=True)
    name: str = Field(max_length=NAME_MAX)
    products: list['Product'] = Relationship(back_populates='category')


class CategoryCreate(SQLModel):
    slug: Slug
    name: Name


class ProductBase(SQLModel):
    name: Name
    description: Description = ''
    enabled: bool = True


class VariantBase(SQLModel):
    sku: Sku
    name: Name
    price: Price


class VariantCreate(VariantBase):
    stock_on_hand: Stock = 0


class VariantUpdate(SQLModel):
    sku: Sku | None = None
    name: Name | None = None
    price: Price | None = None


class ProductCreate(ProductBase):
    slug: Slug | None = None
    category: CategorySlug
    variants: list[VariantCreate] = Field(default_factory=list, max_length=100)


class ProductUpdate(SQLModel):
    name: Name | None = None
    slug: Slug | None = None
    description: Description | None = None
    category: CategorySlug | None = None
    enabled: bool | None = None


_product_version = Column('version', Integer, nullable=False, default=1)
_variant_version = Column('version', Integer, nullable=False, default=1)


class Product(ProductBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=SLUG_MAX, unique=True, index=True)
    category_id: int | None = Field(default=None, foreign_key='category.id', index=True, nullable=False)
    search_text: str = Field(default='', max_length=20_000, description='lower-cased name, description and SKUs')
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    version: int = Field(default=1, sa_column=_product_version)

    category: Category = Relationship(back_populates='products')
    variants: list['Variant'] = Relationship(
        back_populates='product',
        sa_relationship_kwargs={'cascade': 'all, delete-orphan', 'order_by': 'Variant.id'},
    )
    __mapper_args__ = {'version_id_col': _product_version}


class Variant(VariantBase, table=True):
    __table_args__ = (
        CheckConstraint('stock_on_hand >= 0', name='stock_not_negative'),
        CheckConstraint('price >= 0', name='price_not_negative'),
    )
    id: int | None = Field(default=None, primary_key=True)
    product_id: int | None = Field(
        default=None, foreign_key='product.id', index=True, nullable=False, ondelete='CASCADE'
    )
    sku: str = Field(max_length=SKU_MAX, unique=True, index=True)
    stock_on_hand: int = 0
    version: int = Field(default=1, sa_column=_variant_version)

    product: Product = Relationship(back_populates='variants')
    movements: list['StockMovement'] = Relationship(
        back_populates='variant',
        # the database's ON DELETE CASCADE removes them: loading each movement only to delete it cost a query,
        # and a delete that lost a race warned about movements the winner had already removed
        sa_relationship_kwargs={'cascade': 'all, delete-orphan', 'passive_deletes': True},
    )
    __mapper_args__ = {'version_id_col': _variant_version}


class StockMovement(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    variant_id: int | None = Field(
        default=None, foreign_key='variant.id', index=True, nullable=False, ondelete='CASCADE'
    )
    delta: int
    stock_after: int
    reason: str = Field(max_length=REASON_MAX)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp())

    variant: Variant = Relationship(back_populates='movements')


class StockChange(SQLModel):
    """Body of a stock write: exactly one of `delta` or `set`."""

    delta: Whole | None = Field(default=None, ge=-STOCK_MAX, le=STOCK_MAX)
    set: Stock | None = None
    reason: Reason = 'manual adjustment'


class VariantPublic(SQLModel):
    id: int
    sku: str
    name: str
    price: int
    stock_on_hand: int
    version: int


class ProductPublic(SQLModel):
    id: int
    slug: str
    name: str
    description: str
    category: str
    category_name: str
    enabled: bool
    version: int
    created_at: datetime
    updated_at: datetime
    variants: list[VariantPublic]

    @property
    def price_from(self) -> int | None:
        return min((v.price for v in self.variants), default=None)

    @property
    def price_to(self) -> int | None:
        return max((v.price for v in self.variants), default=None)

    @property
    def stock(self) -> int:
        return sum(v.stock_on_hand for v in self.variants)

    @classmethod
    def of(cls, product: Product) -> 'ProductPublic':
        assert product.id is not None
        return cls(
            id=product.id,
            slug=product.slug,
            name=product.name,
            description=product.description,
            category=product.category.slug,
            category_name=product.category.name,
            enabled=product.enabled,
            version=product.version,
            created_at=product.created_at,
            updated_at=product.updated_at,
            variants=[VariantPublic.model_validate(v, from_attributes=True) for v in product.variants],
        )


class ProductPage(SQLModel):
    items: list[ProductPublic]
    total: int
    page: int
    page_size: int


class MovementPublic(SQLModel):
    id: int
    variant_id: int
    delta: int
    stock_after: int
    reason: str
    created_at: datetime
