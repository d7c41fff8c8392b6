"""The collector settings that keep full collections from stalling thousands of streams."""

import asyncio
import gc
from collections.abc import Iterator

import pytest

from server import gc_policy
from testkit.waiting import eventually_async


@pytest.fixture
def restored_collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


@pytest.mark.usefixtures('restored_collector')
def test_settle_freezes_what_exists_and_collects_young_objects_less_often() -> None:
    defaults = gc.get_threshold()
    gc_policy.settle()
    assert gc.get_freeze_count() > 10_000  # this test process's modules and classes, at the least
    if gc_policy.GENERATIONAL:
        assert gc.get_threshold() == gc_policy.THRESHOLDS
        assert gc.get_threshold()[0] > 700  # CPython's default, which promoted each event's waiting objects
    else:
        assert gc.get_threshold() == defaults


async def test_a_full_collection_runs_each_time_a_crowd_has_left() -> None:
    open_connections = [gc_policy.CROWD + 5]
    samples: list[int] = []
    collected_at: list[int] = []
    collected = asyncio.Event()

    def connections() -> int:
        samples.append(open_connections[0])
        return open_connections[0]

    def collect() -> None:
        collected_at.append(open_connections[0])
        collected.set()

    watch = asyncio.create_task(gc_policy.collect_after_crowds(connections, check_seconds=0.001, collect=collect))
    try:
        await eventually_async(lambda: len(samples) > 0)
        open_connections[0] = 6  # CROWD - 1 gone: not yet a crowd
        await eventually_async(lambda: samples.count(6) >= 3)
        assert collected_at == []
        open_connections[0] = 5
        await asyncio.wait_for(collected.wait(), 5)
        assert collected_at == [5]
        collected.clear()
        open_connections[0] = gc_policy.CROWD + 5  # a new crowd arrives and leaves
        await eventually_async(lambda: samples[-1] == gc_policy.CROWD + 5)
        open_connections[0] = 5
        await asyncio.wait_for(collected.wait(), 5)
        assert collected_at == [5, 5]
    finally:
        watch.cancel()
