"""The admin's view of the bus: the last events, how many arrived in the last minute, and a live NiceGUI event.

One `Feed` per process is a bus listener; admin pages subscribe to `feed.received` inside the page, so
NiceGUI drops the subscription when the tab goes away.
"""

import itertools
import time
from collections import deque
from dataclasses import dataclass

import nicegui

from invalidation.events import Event
from server.services import Services

KEPT = 100
MINUTE = 60.0


@dataclass(frozen=True, slots=True)
class Received:
    seq: int  # this process's arrival order, so a save can find "its" events among those after it started
    event: Event
    at: float  # time.monotonic() at arrival


class Feed:
    def __init__(self, kept: int = KEPT) -> None:
        self.recent: deque[Received] = deque(maxlen=kept)
        self.received: nicegui.Event[[Received]] = nicegui.Event()
        self._arrivals: deque[float] = deque()
        self._seq = itertools.count(1)
        self.last_seq = 0

    def __call__(self, event: Event) -> None:
        """The bus listener: runs on the event loop for every event, in bus order."""
        item = Received(next(self._seq), event, time.monotonic())
        self.last_seq = item.seq
        self.recent.append(item)
        self._arrivals.append(item.at)
        self.received.emit(item)

    def per_minute(self) -> int:
        horizon = time.monotonic() - MINUTE
        while self._arrivals and self._arrivals[0] < horizon:
            self._arrivals.popleft()
        return len(self._arrivals)

    def since(self, seq: int) -> list[Received]:
        return [item for item in self.recent if item.seq > seq]


def current_feed() -> Feed:
    return Services.current().feed
