"""Slows down password guessing: a client that failed a few times in a minute must wait before trying again."""

import time
from collections import OrderedDict, deque
from collections.abc import Callable

ATTEMPTS = 5
WINDOW_SECONDS = 60.0
CLIENTS_KEPT = 10_000


class LoginThrottle:
    """Failed sign-ins per client (IP address); after `attempts` within `window` seconds the client waits."""

    def __init__(
        self, attempts: int = ATTEMPTS, window: float = WINDOW_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.attempts = attempts
        self.window = window
        self.clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def retry_after(self, client: str) -> float:
        """Seconds until `client` may try again; 0 when it may try now."""
        failures = self._recent(client)
        if len(failures) < self.attempts:
            return 0.0
        return max(failures[0] + self.window - self.clock(), 0.0)

    def failed(self, client: str) -> None:
        failures = self._recent(client)
        failures.append(self.clock())
        self._failures[client] = failures
        self._failures.move_to_end(client)
        while len(self._failures) > CLIENTS_KEPT:  # a flood of addresses must not grow memory without bound
            self._failures.popitem(last=False)

    def succeeded(self, client: str) -> None:
        self._failures.pop(client, None)

    def _recent(self, client: str) -> deque[float]:
        failures = self._failures.get(client, deque())
        horizon = self.clock() - self.window
        while failures and failures[0] <= horizon:
            failures.popleft()
        return failures
