"""The live panel: a status strip (this process's metrics) and the last events as they arrive."""

from datetime import UTC

from nicegui import ui

from admin.feed import KEPT, Received, current_feed
from admin.status import read_status

STATUS_SECONDS = 1.0


def event_log() -> None:
    feed = current_feed()
    ui.label('Status').classes('text-sm font-semibold')
    strip = {key: ui.label(text).classes('text-sm').mark(key) for key, text in read_status(feed).lines().items()}

    def update_strip() -> None:
        for key, text in read_status(feed).lines().items():
            strip[key].set_text(text)

    ui.timer(STATUS_SECONDS, update_strip)
    ui.separator()
    ui.label(f'Events (last {KEPT})').classes('text-sm font-semibold')
    log = ui.column().classes('gap-0 w-full').mark('event-log')
    with log:
        for item in reversed(feed.recent):
            _row(item)

    def add(item: Received) -> None:
        with log:
            _row(item).move(target_index=0)
        rows = list(log)
        for old in rows[KEPT:]:
            log.remove(old)

    feed.received.subscribe(add)


def _row(item: Received) -> ui.label:
    event = item.event
    products = ', '.join(f'#{product_id}' for product_id in event.product_ids) or 'all products'
    when = event.committed_at.astimezone(UTC).strftime('%H:%M:%S')
    reason = f' ({event.reason})' if event.reason else ''
    return ui.label(f'{when}  {event.type}{reason}  {products}').classes('text-xs font-mono').mark('event-row')
