"""Prometheus metrics of the stream; exported with everything else at `/metrics`."""

from prometheus_client import Counter, Gauge, Histogram

EVENTS_RECEIVED = Counter('storefront_events_received', 'Transactions this process read from the change log', ['type'])
LOG_LAG = Gauge('storefront_log_lag_seconds', 'From commit to read by this process, for the newest transaction read')
SUBSCRIBERS = Gauge('storefront_bus_subscribers', 'Open bus subscriptions (SSE streams and internal listeners)')
SSE_STREAMS = Gauge('storefront_sse_streams', 'Open /api/cache-events streams')
REPLAYS = Counter('storefront_replays', 'Subscriptions that resumed from a Last-Event-ID')
RESYNCS = Counter('storefront_resyncs', 'Resync global-updates sent instead of a replay', ['reason'])
OVERFLOWS = Counter('storefront_overflows', 'Subscriber queues that overflowed')
REJECTED_STREAMS = Counter('storefront_sse_rejected', 'SSE requests refused', ['status'])
DELIVERY_SECONDS = Histogram(
    'storefront_publish_to_send_seconds',
    'From commit to the event being written to an SSE stream',
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
