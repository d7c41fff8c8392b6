"""A progress bar on stderr for runs of many steps: `[######------]  6/12  sse N=1000 node  3:05`."""

import sys
import time
from typing import TextIO

WIDTH = 30


class Progress:
    def __init__(self, total: int, out: TextIO = sys.stderr) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.out = out
        self.started = time.monotonic()

    def advance(self, label: str, steps: int = 1) -> None:
        """Marks `steps` more steps done, the last of them `label`."""
        self.done = min(self.total, self.done + steps)
        filled = WIDTH * self.done // self.total
        minutes, seconds = divmod(int(time.monotonic() - self.started), 60)
        bar = '#' * filled + '-' * (WIDTH - filled)
        print(f'[{bar}] {self.done:>3}/{self.total}  {label}  {minutes}:{seconds:02d}', file=self.out, flush=True)
