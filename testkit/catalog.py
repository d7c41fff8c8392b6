"""The catalog a test storefront starts with: a JSON-lines file of products, or the deterministic demo seed.

A catalog file holds one product per line, as the body of `POST /api/admin/products` (prices in integer cents):

    {"name": "Copper Kettle", "category": "kitchen",
     "variants": [{"sku": "KETTLE-1", "name": "1 l", "price": 3999, "stock_on_hand": 3}]}

(one line in the file), plus an optional `"category_name"` for a category the database does not have yet
(by default the slug in title case). Blank lines and lines starting with `#` are skipped. Products go in through
the catalog's own write functions, so every rule of the admin API holds, and a bad line is reported with its file
and number.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError
from sqlmodel import Session, select

from models import catalog
from models.errors import CatalogError
from models.seed import seed_if_empty
from models.tables import Category, ProductCreate


@dataclass(frozen=True)
class CatalogFile:
    path: Path

    def load(self, session: Session) -> int:
        """Adds every product of the file; returns how many."""
        entries = read_catalog(self.path)
        known = set(session.exec(select(Category.slug)).all())
        for line, (product, category_name) in entries.items():
            try:
                if product.category not in known:
                    name = category_name or product.category.replace('-', ' ').title()
                    catalog.create_category(session=session, slug=product.category, name=name)
                    known.add(product.category)
                catalog.create_product(session=session, product_in=product)
            except CatalogError as error:
                raise CatalogFileError(f'{self.path}:{line}: {error}') from None
        return len(entries)


@dataclass(frozen=True)
class DemoCatalog:
    """`models.seed`: the same `count` always gives the same products, names, prices and stock."""

    count: int

    def load(self, session: Session) -> int:
        return seed_if_empty(session, self.count)


CatalogSource = CatalogFile | DemoCatalog


class CatalogFileError(ValueError):
    """A line of a catalog file that is not JSON, not a valid product, or refused by the catalog."""


def read_catalog(path: Path) -> dict[int, tuple[ProductCreate, str | None]]:
    """Line number → the product on it and its optional category name; raises `CatalogFileError` naming the line."""
    entries = {}
    for number, text in enumerate(path.read_text(encoding='utf-8').splitlines(), start=1):
        if not text.strip() or text.lstrip().startswith('#'):
            continue
        try:
            fields = json.loads(text)
            category_name = fields.pop('category_name', None) if isinstance(fields, dict) else None
            entries[number] = (ProductCreate.model_validate(fields), category_name)
        except (ValueError, ValidationError) as error:  # json.JSONDecodeError is a ValueError
            raise CatalogFileError(f'{path}:{number}: {error}') from None
    return entries
