"""The collector settings that keep full collections from stalling thousands of streams."""

import gc
from collections.abc import Iterator

import pytest

from invalidation import gc_policy


@pytest.fixture
def restored_collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


@pytest.mark.usefixtures('restored_collector')
def test_settle_freezes_what_exists_and_collects_young_objects_less_often() -> None:
    gc_policy.settle()
    assert gc.get_freeze_count() > 10_000  # this test process's modules and classes, at the least
    assert gc.get_threshold() == gc_policy.THRESHOLDS
    assert gc.get_threshold()[0] > 700  # CPython's default, which promoted each event's waiting objects
