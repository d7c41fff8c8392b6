"""Garbage-collector settings for a process that holds thousands of open streams and sockets.

Every event makes each open stream allocate the few objects it waits on next (a queue getter, a timer, a
coroutine). They outlive a young collection, so CPython promotes them, and every few events the promotions
trigger a full collection that walks every object of every stream: 0.4 to 0.9 s with 5,000 SSE streams, in
which nothing is delivered (measured with `gc.callbacks` in the SSE benchmark). Two standard remedies:
freeze what exists once the app has started (modules, classes, the framework: ~800,000 objects no collection
needs to walk again), and collect the young generation every 50,000 allocations instead of 700, so the
objects of one event mostly die before a collection sees them. With both, the SSE benchmark's periodic
one-second stalls went away and CPU per event fell by about 40 %.

The thresholds mean that only for the generational collector of CPython 3.11 to 3.13 (and 3.15, which brought it
back). 3.14's collector is incremental: two generations, the second threshold a scan rate, the third ignored, and
it has no full-collection stalls to avoid, so there only the freeze applies.

The price: full collections become rare, and an idle server would keep a departed crowd's cyclic garbage
(closed pages' element trees, streams' tasks) indefinitely. So a full collection also runs whenever a crowd
has left, a moment when it stalls no one.
"""

import asyncio
import gc
import sys
from collections.abc import Callable
from functools import partial

from nicegui import Client, background_tasks

from invalidation.bus import Bus

THRESHOLDS = (50_000, 20, 10)
GENERATIONAL = sys.version_info[:2] != (3, 14)
CROWD = 100  # connections gone since the last full collection that make one worthwhile
CHECK_SECONDS = 2.0


def start(bus: Bus) -> None:
    """Run once, after startup, in the app's own process (never in a test run: it is process-wide)."""
    settle()
    background_tasks.create(collect_after_crowds(partial(open_connections, bus)), name='collect after crowds')


def open_connections(bus: Bus) -> int:
    """Event streams and shop or admin pages."""
    return bus.subscriber_count + len(Client.instances)


def settle() -> None:
    """Run once, after startup: freezes what exists now and, for a generational collector, applies `THRESHOLDS`."""
    gc.collect()
    gc.freeze()
    if GENERATIONAL:
        gc.set_threshold(*THRESHOLDS)


async def collect_after_crowds(
    connections: Callable[[], int], check_seconds: float = CHECK_SECONDS, collect: Callable[[], object] = gc.collect
) -> None:
    """Runs a full collection whenever `CROWD` of the open `connections` have closed since the last one."""
    peak = connections()
    while True:
        await asyncio.sleep(check_seconds)  # a sampling period: a crowd stays longer than this
        now = connections()
        peak = max(peak, now)
        if peak - now >= CROWD:
            collect()
            peak = now
