"""The receipt after a save: how many open shop pages rerendered because of the events that save caused.

A save's events are the bus events that arrive after it started, name its product and, for versioned
edits, carry at least the saved version. The storefront counts the pages per event
(`invalidation.deliveries`); the counts grow for a moment after the save, so the receipt updates briefly.
"""

from nicegui import ui

from invalidation.events import Event
from server.services import Services

TICK_SECONDS = 0.25
TICKS = 12


def receipt(text: str, *, product_id: int, since: int, min_version: int | None = None) -> ui.label:
    """A label "<text> — delivered to N open shop pages", kept current for about three seconds."""
    feed, deliveries = Services.current().feed, Services.current().deliveries
    label = ui.label(f'{text} — waiting for the event…').classes('text-positive').mark('receipt')
    ticks = 0

    def update() -> None:
        nonlocal ticks
        ticks += 1
        events = [item.event for item in feed.since(since) if caused_by_save(item.event, product_id, min_version)]
        if events:
            pages = sum(deliveries.count(event.id) for event in events)
            label.set_text(f'{text} — delivered to {pages} open shop {"page" if pages == 1 else "pages"}')
        if ticks >= TICKS:
            timer.cancel()

    timer = ui.timer(TICK_SECONDS, update)
    return label


def caused_by_save(event: Event, product_id: int, min_version: int | None) -> bool:
    if product_id not in event.product_ids:
        return False
    return min_version is None or event.versions.get(product_id, 0) >= min_version
