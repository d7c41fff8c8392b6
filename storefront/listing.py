"""The sorted list of products a query matches in one catalog snapshot, computed once and shared by every page.

Hundreds of open pages typically show the same few queries (the front page above all). Filtering and
sorting the whole catalog once per page per change dominated the fan-out profile; a snapshot never changes
(`CatalogCache` swaps in a new mapping on reload), so the result can be shared until the next snapshot.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from models.filters import ProductQuery
from models.tables import ProductPublic
from storefront.cache import Catalog

MAX_QUERIES = 256  # distinct queries remembered per snapshot (search texts can be many)


@dataclass(frozen=True)
class Listing:
    products: Sequence[ProductPublic]  # every match, in the query's order
    ids: frozenset[int]


class Listings:
    def __init__(self) -> None:
        self._catalog: Catalog | None = None
        self._by_query: dict[ProductQuery, Listing] = {}

    def of(self, catalog: Catalog, query: ProductQuery) -> Listing:
        if catalog is not self._catalog:
            self._catalog, self._by_query = catalog, {}
        key = query.listing_key()
        found = self._by_query.get(key)
        if found is None:
            if len(self._by_query) >= MAX_QUERIES:
                self._by_query.clear()
            matching = tuple(query.sorted_matches(catalog.values()))
            found = self._by_query[key] = Listing(matching, frozenset(p.id for p in matching))
        return found
