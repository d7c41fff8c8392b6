"""Garbage-collector settings for a process that holds thousands of open streams and sockets.

Every event makes each open stream allocate the few objects it waits on next (a queue getter, a timer, a
coroutine). They outlive a young collection, so CPython promotes them, and every few events the promotions
trigger a full collection that walks every object of every stream: 0.4 to 0.9 s with 5,000 SSE streams, in
which nothing is delivered (measured with `gc.callbacks` in the SSE benchmark). Two standard remedies:
freeze what exists once the app has started (modules, classes, the framework: ~800,000 objects no collection
needs to walk again), and collect the young generation every 50,000 allocations instead of 700, so the
objects of one event mostly die before a collection sees them. With both, the SSE benchmark's periodic
one-second stalls went away and CPU per event fell by about 40 %.
"""

import gc

THRESHOLDS = (50_000, 20, 10)


def settle() -> None:
    """Run once, after startup: freezes the objects that exist now and applies `THRESHOLDS`."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
