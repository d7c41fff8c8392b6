"""How many open shop pages rerendered because of each recent event, so the admin can show a receipt.

The storefront records deliveries and the admin reads them; neither imports the other. Counts are
per process (with several processes, each admin sees its own process's shop pages).
"""

from collections import OrderedDict

RETAINED = 2_000


class Deliveries:
    def __init__(self) -> None:
        self._counts: OrderedDict[str, int] = OrderedDict()

    def record(self, event_id: str, pages: int = 1) -> None:
        self._counts[event_id] = self._counts.get(event_id, 0) + pages
        self._counts.move_to_end(event_id)
        while len(self._counts) > RETAINED:
            self._counts.popitem(last=False)

    def count(self, event_id: str) -> int:
        return self._counts.get(event_id, 0)
