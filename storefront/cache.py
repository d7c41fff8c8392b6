"""The process-wide read cache of the catalog: one `ProductPublic` per product, dropped granularly by events.

A bus event marks exactly its products stale (a `global-update` marks everything). The next read reloads
what is stale in one DB query (`find_products`, or `all_products` after a global update); every reader that
arrives meanwhile awaits that same reload, so a change costs one DB read per process however many pages
watch. A reload swaps in a new mapping: a snapshot handed out earlier never changes under its holder.
"""

import asyncio
import logging
from collections.abc import Mapping
from types import MappingProxyType

from prometheus_client import Counter

from invalidation.events import Event
from models.db import Database
from models.queries import all_products, find_products
from models.tables import ProductPublic
from server.nicegui_fixes import io_bound

log = logging.getLogger(__name__)
Catalog = Mapping[int, ProductPublic]

HITS = Counter('storefront_cache_hits', 'Catalog reads served from the read cache')
MISSES = Counter('storefront_cache_misses', 'Catalog reads that had to wait for a reload')
RELOADS = Counter('storefront_cache_reloads', 'DB reads the read cache made (each one coalesces all waiters)')


class CatalogCache:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._products: Catalog = MappingProxyType({})
        self._slugs: dict[str, int] = {}
        self._stale: set[int] = set()
        self._everything_stale = True
        self._reloading: asyncio.Task[None] | None = None

    @property
    def fresh(self) -> bool:
        return not self._everything_stale and not self._stale

    def invalidate(self, event: Event) -> None:
        """Drops what `event` touches; called synchronously by the bus listener, before any page hears of it."""
        if event.is_global:
            self._everything_stale = True
        else:
            self._stale.update(event.product_ids)
        log.debug('cache invalidated: %s %s (%s)', event.type, list(event.product_ids) or 'everything', event.id)

    async def products(self) -> Catalog:
        """The whole catalog (disabled products included), reloading once what events made stale."""
        if self.fresh:
            HITS.inc()
            return self._products
        MISSES.inc()
        while not self.fresh:
            if self._reloading is None:
                self._reloading = asyncio.create_task(self._reload(), name='catalog-cache-reload')
            await asyncio.shield(self._reloading)  # a waiter that goes away does not cancel the others' reload
        return self._products

    async def by_slug(self, slug: str) -> ProductPublic | None:
        products = await self.products()
        product_id = self._slugs.get(slug)
        return products.get(product_id) if product_id is not None else None

    async def _reload(self) -> None:
        everything, ids = self._everything_stale, sorted(self._stale)
        self._everything_stale, self._stale = False, set()
        try:
            loaded = await io_bound(self._load_all) if everything else await io_bound(self._load_some, ids)
            RELOADS.inc()
            self._apply(loaded, None if everything else ids)
        except BaseException:
            self._everything_stale |= everything  # still stale: the next reader retries
            self._stale.update(ids)
            raise
        finally:
            self._reloading = None

    def _apply(self, loaded: dict[int, ProductPublic], ids: list[int] | None) -> None:
        products = {} if ids is None else dict(self._products)
        for product_id in ids or ():
            products.pop(product_id, None)  # deleted products are simply not among `loaded`
        products.update(loaded)
        self._products = MappingProxyType(products)
        self._slugs = {product.slug: product.id for product in products.values()}

    def _load_all(self) -> dict[int, ProductPublic]:
        with self._db.session() as session:
            return {product.id: product for product in all_products(session)}

    def _load_some(self, ids: list[int]) -> dict[int, ProductPublic]:
        with self._db.session() as session:
            return find_products(session, ids)
