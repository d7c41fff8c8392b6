"""A shop view's filters, and their meaning for one product.

The same `ProductQuery` drives the SQL listing (`models.queries`) and the in-memory one the live shop
uses (`matches`, `sort_key`): a test holds the two to the same answers. A product's price is its
cheapest variant's ("from" price); it is in stock when any variant has stock.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from models.tables import PRICE_MAX, ProductPublic

Sort = Literal['name', 'price', '-price', 'newest']
PAGE_SIZE = 24
QUERY_MAX = 200
T = TypeVar('T')


class ProductQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    q: str = Field(default='', max_length=QUERY_MAX)
    category: str | None = Field(default=None, max_length=120)
    min_price: int | None = Field(default=None, ge=0, le=PRICE_MAX)
    max_price: int | None = Field(default=None, ge=0, le=PRICE_MAX)
    in_stock: bool = False
    sort: Sort = 'name'
    page: int = Field(default=1, ge=1, le=100_000)
    page_size: int = Field(default=PAGE_SIZE, ge=1, le=200)
    include_disabled: bool = False

    @property
    def needle(self) -> str:
        return self.q.strip().lower()

    def matches(self, product: ProductPublic) -> bool:
        if not (product.enabled or self.include_disabled):
            return False
        if self.category and product.category != self.category:
            return False
        if self.in_stock and not any(v.stock_on_hand > 0 for v in product.variants):
            return False
        if (self.min_price is not None or self.max_price is not None) and not self._price_fits(product.price_from):
            return False
        return not self.needle or self.needle in search_text(
            product.name, product.description, (v.sku for v in product.variants)
        )

    def _price_fits(self, price: int | None) -> bool:
        if price is None:
            return False
        return (self.min_price is None or price >= self.min_price) and (
            self.max_price is None or price <= self.max_price
        )

    def sort_key(self, product: ProductPublic) -> tuple[object, ...]:
        """Total order (ties broken by id), matching the SQL ORDER BY; products without a price sort last."""
        price = product.price_from
        if self.sort == 'price':
            return (price is None, price or 0, product.name.lower(), product.id)
        if self.sort == '-price':
            return (price is None, -(price or 0), product.name.lower(), product.id)
        if self.sort == 'newest':
            return (-_epoch(product.created_at), -product.id)
        return (product.name.lower(), product.id)

    def sorted_matches(self, products: Iterable[ProductPublic]) -> list[ProductPublic]:
        """Every product of `products` this query matches, in its order: the in-memory twin of the SQL listing."""
        return sorted((p for p in products if self.matches(p)), key=self.sort_key)

    def page_of(self, matching: Sequence[T]) -> Sequence[T]:
        """This query's page of everything it matches."""
        start = (self.page - 1) * self.page_size
        return matching[start : start + self.page_size]

    def listing_key(self) -> 'ProductQuery':
        """What decides the list of matches: every field but the page (all pages of a query share one list)."""
        return self.model_copy(update={'page': 1, 'page_size': PAGE_SIZE})


def search_text(name: str, description: str, skus: Iterable[str]) -> str:
    """What a search looks in, lower-cased: kept in each product's row for SQL, and computed for the live shop."""
    return f'{name}\n{description}\n{" ".join(skus)}'.lower()


def _epoch(moment: datetime) -> float:
    return moment.timestamp()
