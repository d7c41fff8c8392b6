"""Orders: what a shopper sends to check out, what is stored, and what the JSON API returns.

The SQLModel families of `models.tables`: `CheckoutLine`, `Customer` and `OrderCreate` are the checkout's body,
`Order` and `OrderLine` the tables (migration 0003, no change-log trigger), `OrderPublic` the answer. A line
keeps the price paid in cents and the SKU and names as they were; the shopper's own data (the customer) lives
on the order alone and never in an event, a log line or the public catalog.
"""

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, field_validator
from sqlalchemy import CheckConstraint, Column
from sqlmodel import Field, Relationship, SQLModel

from models.tables import ID_MAX, NAME_MAX, SKU_MAX, Name, UTCDateTime, Whole, text_problem, utcnow

LINES_MAX = 100  # distinct variants in one order
QUANTITY_MAX = 1_000  # of one variant in one order: a typo guard, as `PRICE_MAX` is
EMAIL_MAX = 254
ADDRESS_MAX = 1_000
NUMBER_MAX = 16
TOKEN_MAX = 64
EMAIL_PATTERN = re.compile(r'[^@\s]+@[^@\s]+\.[^@\s]+')
OrderStatus = Literal['placed', 'cancelled']


def _clean_email(value: str) -> str:
    value = value.strip()
    if not EMAIL_PATTERN.fullmatch(value) or text_problem(value):
        raise ValueError('enter an e-mail address like name@example.com')
    return value


def _clean_address(value: str) -> str:
    """An address spans lines; it keeps at least one visible character and no other control characters."""
    value = value.strip()
    if not value:
        raise ValueError('must not be empty')
    if problem := text_problem(value, allowed='\n\r'):
        raise ValueError(problem)
    return value


Email = Annotated[str, Field(min_length=1, max_length=EMAIL_MAX), AfterValidator(_clean_email)]
Address = Annotated[str, Field(min_length=1, max_length=ADDRESS_MAX), AfterValidator(_clean_address)]


class Customer(SQLModel):
    name: Name
    email: Email
    address: Address


class CheckoutLine(SQLModel):
    variant_id: Whole = Field(ge=1, le=ID_MAX)
    quantity: Whole = Field(ge=1, le=QUANTITY_MAX)


class OrderCreate(SQLModel):
    lines: list[CheckoutLine] = Field(min_length=1, max_length=LINES_MAX)
    customer: Customer

    @field_validator('lines')
    @classmethod
    def _merged(cls, lines: list[CheckoutLine]) -> list[CheckoutLine]:
        """Lines naming one variant become one line with their quantities added, in the order first named."""
        merged: dict[int, int] = {}
        for line in lines:
            merged[line.variant_id] = merged.get(line.variant_id, 0) + line.quantity
        if any(quantity > QUANTITY_MAX for quantity in merged.values()):
            raise ValueError(f'at most {QUANTITY_MAX} of one variant')
        return [CheckoutLine(variant_id=variant_id, quantity=quantity) for variant_id, quantity in merged.items()]


class Order(SQLModel, table=True):
    __tablename__ = 'customer_order'  # `order` is an SQL keyword
    __table_args__ = (
        CheckConstraint("status IN ('placed', 'cancelled')", name='order_status_known'),
        CheckConstraint('total >= 0', name='order_total_not_negative'),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=NUMBER_MAX, unique=True, index=True)
    token: str = Field(max_length=TOKEN_MAX, unique=True, index=True)
    status: str = Field(default='placed', max_length=16)
    customer_name: str = Field(max_length=NAME_MAX)
    customer_email: str = Field(max_length=EMAIL_MAX)
    customer_address: str = Field(max_length=ADDRESS_MAX)
    total: int = Field(description='in cents')
    placed_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, default=utcnow, index=True)
    )
    cancelled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))

    lines: list['OrderLine'] = Relationship(
        back_populates='order', sa_relationship_kwargs={'cascade': 'all, delete-orphan', 'order_by': 'OrderLine.id'}
    )


class OrderLine(SQLModel, table=True):
    __tablename__ = 'order_line'
    __table_args__ = (
        CheckConstraint('price >= 0', name='line_price_not_negative'),
        CheckConstraint('quantity > 0', name='line_quantity_positive'),
    )
    id: int | None = Field(default=None, primary_key=True)
    order_id: int | None = Field(
        default=None, foreign_key='customer_order.id', index=True, nullable=False, ondelete='CASCADE'
    )
    variant_id: int | None = Field(default=None, foreign_key='variant.id', index=True, ondelete='SET NULL')
    sku: str = Field(max_length=SKU_MAX)
    product_name: str = Field(max_length=NAME_MAX)
    variant_name: str = Field(max_length=NAME_MAX)
    price: int = Field(description='unit price paid, in cents')
    quantity: int

    order: Order = Relationship(back_populates='lines')


class OrderLinePublic(SQLModel):
    variant_id: int | None = Field(description='null once the variant has been deleted')
    sku: str
    product_name: str
    variant_name: str
    price: int = Field(description='unit price paid, in cents')
    quantity: int
    total: int = Field(description='price times quantity, in cents')


class OrderPublic(SQLModel):
    id: int
    number: str
    token: str = Field(description="the order page's secret: whoever holds it may read the order")
    status: OrderStatus
    customer: Customer
    lines: list[OrderLinePublic]
    total: int = Field(description='in cents')
    placed_at: datetime
    cancelled_at: datetime | None

    @classmethod
    def of(cls, order: Order) -> 'OrderPublic':
        assert order.id is not None
        return cls(
            id=order.id,
            number=order.number,
            token=order.token,
            status=order.status,  # type: ignore[arg-type]  # the table's check constraint keeps it one of them
            customer=Customer(name=order.customer_name, email=order.customer_email, address=order.customer_address),
            lines=[
                OrderLinePublic(
                    variant_id=line.variant_id,
                    sku=line.sku,
                    product_name=line.product_name,
                    variant_name=line.variant_name,
                    price=line.price,
                    quantity=line.quantity,
                    total=line.price * line.quantity,
                )
                for line in order.lines
            ],
            total=order.total,
            placed_at=order.placed_at,
            cancelled_at=order.cancelled_at,
        )


class OrderPage(SQLModel):
    items: list[OrderPublic]
    total: int
    page: int
    page_size: int
