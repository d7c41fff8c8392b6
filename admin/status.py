"""The admin's status strip, read from this process's Prometheus metrics by name.

The storefront owns the shop-page and cache metrics; until they exist the strip shows 0 or "—".
"""

from dataclasses import dataclass

from prometheus_client import REGISTRY

from admin.feed import Feed


@dataclass(frozen=True)
class Status:
    shop_pages: int
    sse_streams: int
    events_last_minute: int
    cache_hit_rate: float | None

    def lines(self) -> dict[str, str]:
        rate = '—' if self.cache_hit_rate is None else f'{self.cache_hit_rate:.0%}'
        return {
            'shop-pages': f'{self.shop_pages} open shop pages',
            'sse-streams': f'{self.sse_streams} SSE subscribers',
            'events-minute': f'{self.events_last_minute} events in the last minute',
            'cache-hit-rate': f'cache hit rate {rate}',
        }


def read_status(feed: Feed) -> Status:
    hits = _sample('storefront_cache_hits_total')
    misses = _sample('storefront_cache_misses_total')
    return Status(
        shop_pages=int(_sample('storefront_shop_pages')),
        sse_streams=int(_sample('storefront_sse_streams')),
        events_last_minute=feed.per_minute(),
        cache_hit_rate=hits / (hits + misses) if hits + misses else None,
    )


def _sample(name: str) -> float:
    return REGISTRY.get_sample_value(name) or 0.0
