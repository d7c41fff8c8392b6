"""One tab's shop view: its query, the filter bar, and the cards it shows.

The view state is this object's `query` (per tab) mirrored in the URL; no event ever rebuilds the filter
bar. `render` brings the grid to the query's page of a catalog snapshot by touching only what differs:
a changed card updates in place, a card that enters, leaves or moves is inserted, deleted or moved alone.
"""

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

from nicegui import ui
from nicegui.events import GenericEventArguments, ValueChangeEventArguments
from pydantic import ValidationError

from models.filters import ProductQuery
from models.tables import ProductPublic
from storefront.cache import Catalog, CatalogCache
from storefront.card import ProductCard
from storefront.listing import Listings
from storefront.live import Update
from storefront.view_state import query_from_params, url_of

log = logging.getLogger(__name__)
SORTS = {'name': 'Name', 'price': 'Price: low to high', '-price': 'Price: high to low', 'newest': 'Newest'}
ALL = ''
FOLLOW_URL = 'window.addEventListener("popstate", () => emitEvent("shop_url", location.search));'


class ShopView:
    def __init__(self, query: ProductQuery, catalog: Catalog, cache: CatalogCache, listings: Listings) -> None:
        self.query = query
        self._cache = cache
        self._listings = listings
        self.cards: dict[int, ProductCard] = {}
        self.matching: frozenset[int] = frozenset()
        self._following_url = False
        self._filters(categories(catalog))
        self.count = ui.label().classes('text-sm text-grey-8').props('data-testid=result-count').mark('result-count')
        self.grid = ui.element('div').classes('product-grid w-full').mark('product-grid')
        self.pages = ui.pagination(1, 1, direction_links=True, value=query.page, on_change=self._page_chosen)
        self.render(catalog)
        ui.on('shop_url', self._url_changed)
        ui.run_javascript(FOLLOW_URL)

    def on_update(self, update: Update) -> None:
        """Reacts to a catalog change: skips it cheaply unless it touches a product this view shows or could show."""
        if not update.is_global and not self._concerns(update):
            return
        changed = self.render(update.catalog)
        if changed:
            update.record(changed)

    async def resync(self) -> None:
        self.render(await self._cache.products())

    def render(self, catalog: Catalog) -> set[int]:
        """Brings the page to the query's view of `catalog`; returns the ids whose cards or membership changed."""
        listing = self._listings.of(catalog, self.query)
        changed = self._place(self.query.page_of(listing.products))
        if listing.ids is not self.matching:
            changed |= listing.ids ^ self.matching
            self.matching = listing.ids
        self._show_count(len(listing.products))
        return changed

    def _concerns(self, update: Update) -> bool:
        for product_id in update.affected:
            product = update.catalog.get(product_id)
            if product_id in self.matching or (product is not None and self.query.matches(product)):
                return True
        return False

    def _place(self, shown: Sequence[ProductPublic]) -> set[int]:
        changed = set()
        wanted = {product.id for product in shown}
        for product_id in [i for i in self.cards if i not in wanted]:
            self.grid.remove(self.cards.pop(product_id))
            changed.add(product_id)
        children = self.grid.default_slot.children
        for index, product in enumerate(shown):
            card = self.cards.get(product.id)
            if card is None:
                with self.grid:
                    card = self.cards[product.id] = ProductCard(product)
                changed.add(product.id)
            elif card.show(product):
                changed.add(product.id)
            if children[index] is not card:
                card.move(target_index=index)
        return changed

    def _show_count(self, total: int) -> None:
        self.count.set_text(f'{total} product' if total == 1 else f'{total} products')
        pages = max(1, -(-total // self.query.page_size), self.query.page)
        if self.pages.max != pages:
            self.pages.max = pages

    def _filters(self, category_names: Mapping[str, str]) -> None:
        query = self.query
        with ui.row().classes('w-full items-end gap-4').mark('filters'):
            self.search = (
                ui.input('Search', value=query.q, on_change=lambda e: self._choose(q=(e.value or '').strip()))
                .props('debounce=300 clearable data-testid=search')
                .classes('w-64')
                .mark('search')
            )
            self.category = (
                ui.select(
                    {ALL: 'All categories', **category_names},
                    value=query.category if query.category in category_names else ALL,
                    label='Category',
                    on_change=lambda e: self._choose(category=e.value or None),
                )
                .classes('w-48')
                .props('data-testid=filter-category')
            )
            self.min_price = price_input(
                'Min price (€)', query.min_price, lambda cents: self._choose(min_price=cents)
            ).props('data-testid=filter-min-price')
            self.max_price = price_input(
                'Max price (€)', query.max_price, lambda cents: self._choose(max_price=cents)
            ).props('data-testid=filter-max-price')
            self.in_stock = ui.switch(
                'In stock only', value=query.in_stock, on_change=lambda e: self._choose(in_stock=e.value)
            ).props('data-testid=filter-in-stock')
            self.sort = (
                ui.select(SORTS, value=query.sort, label='Sort', on_change=lambda e: self._choose(sort=e.value))
                .classes('w-48')
                .props('data-testid=sort')
            )

    def _choose(self, **changes: Any) -> Awaitable[None] | None:
        """A shopper changed a filter: back to page 1, new URL (search text replaces, the rest adds history)."""
        if self._following_url:
            return None
        return self._apply(self.query.model_copy(update={**changes, 'page': 1}), push='q' not in changes)

    def _page_chosen(self, event: ValueChangeEventArguments) -> Awaitable[None] | None:
        if self._following_url or not event.value:
            return None
        return self._apply(self.query.model_copy(update={'page': event.value}), push=True)

    def _apply(self, query: ProductQuery, *, push: bool) -> Awaitable[None] | None:
        """Sync on purpose: the change handlers run inside `set_value`, where `_following_url` is meaningful."""
        try:
            query = ProductQuery.model_validate(query.model_dump())  # re-validates what the shopper typed
        except ValidationError:
            return None  # e.g. a price beyond the limit: the view stays as it was
        if query == self.query:
            return None
        self.query = query
        url = url_of(query)
        (ui.navigate.history.push if push else ui.navigate.history.replace)(url)
        log.debug('shop view changed to %s', url)
        self._follow(self.pages, query.page)
        return self.resync()

    def _url_changed(self, event: GenericEventArguments) -> Awaitable[None]:
        """Back/forward: the browser's URL is the truth; the filter bar follows it without adding history."""
        self.query = query = query_from_params(dict(parse_qsl(str(event.args or '').lstrip('?'))))
        self._follow(self.search, query.q)
        self._follow(self.category, query.category or ALL)
        self._follow(self.min_price, euros(query.min_price))
        self._follow(self.max_price, euros(query.max_price))
        self._follow(self.in_stock, query.in_stock)
        self._follow(self.sort, query.sort)
        self._follow(self.pages, query.page)
        return self.resync()

    def _follow(self, element: Any, value: Any) -> None:
        self._following_url = True
        try:
            element.set_value(value)
        finally:
            self._following_url = False


def categories(catalog: Catalog) -> dict[str, str]:
    """Category slug → name, taken from the cached products (no extra query)."""
    found = {product.category: product.category_name for product in catalog.values() if product.enabled}
    return dict(sorted(found.items(), key=lambda item: item[1].lower()))


def price_input(label: str, cents: int | None, chosen: Callable[[int | None], Any]) -> ui.number:
    def changed(event: ValueChangeEventArguments) -> Any:
        value = event.value
        return chosen(None if value is None or value < 0 else int(Decimal(str(value)) * 100))

    return ui.number(label, value=euros(cents), min=0, on_change=changed).props('debounce=400').classes('w-36')


def euros(cents: int | None) -> float | None:
    """For the number inputs only (they hold floats); the query keeps integer cents."""
    return None if cents is None else cents / 100
