"""`python -m invalidation.tail [URL]`: prints the live invalidation stream, one line per event.

The operator's view of what every shop is told: it resumes with `Last-Event-ID` after a drop, as a
browser's EventSource would, and says so when the server asks it to resync.
"""

import argparse
import json
import sys
import time
from collections.abc import Iterator

import httpx
from httpx_sse import ServerSentEvent, connect_sse

DEFAULT_URL = 'http://127.0.0.1:8080'


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    try:
        for event in follow(args.url, products=args.product, types=args.type, limit=args.count):
            print(describe(event), flush=True)
    except KeyboardInterrupt:
        pass


def follow(
    base_url: str, *, products: list[int], types: list[str], limit: int | None = None, reconnect_seconds: float = 2.0
) -> Iterator[ServerSentEvent]:
    """Events from `/api/cache-events`, reconnecting with the last id until `limit` events were seen."""
    params = [('product', str(p)) for p in products] + [('type', t) for t in types]
    last_id: str | None = None
    seen = 0
    with httpx.Client(base_url=base_url, timeout=httpx.Timeout(10, read=None)) as client:
        while limit is None or seen < limit:
            headers = {'Last-Event-ID': last_id} if last_id else {}
            try:
                with connect_sse(client, 'GET', '/api/cache-events', params=params, headers=headers) as source:
                    source.response.raise_for_status()
                    print(f'# connected to {base_url}', file=sys.stderr, flush=True)
                    for event in source.iter_sse():
                        if not event.data:  # the opening frame carries only the retry hint
                            continue
                        last_id = event.id or last_id
                        seen += 1
                        yield event
                        if limit is not None and seen >= limit:
                            return
            except httpx.HTTPError as error:
                print(f'# connection lost ({error}); reconnecting', file=sys.stderr, flush=True)
                time.sleep(reconnect_seconds)  # back-off between reconnects, like EventSource's retry


def describe(event: ServerSentEvent) -> str:
    payload = json.loads(event.data)
    products = ','.join(map(str, payload['product_ids'])) or '-'
    reason = f' reason={payload["reason"]}' if payload.get('reason') else ''
    return f'{payload["committed_at"]} {event.id} {event.event:<16} products={products}{reason}'


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog='python -m invalidation.tail', description=__doc__)
    parser.add_argument('url', nargs='?', default=DEFAULT_URL, help=f'shop base URL (default {DEFAULT_URL})')
    parser.add_argument('--product', type=int, action='append', default=[], help='only this product id')
    parser.add_argument('--type', action='append', default=[], help='only this event type')
    parser.add_argument('--count', type=int, default=None, help='stop after this many events')
    return parser


if __name__ == '__main__':
    main()
