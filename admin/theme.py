"""The chrome every admin page shares: header with navigation and actions, and the live event log on the right."""

from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import app, ui

from admin.event_log import event_log
from admin.login import sign_out
from server.nicegui_fixes import resend_on_reconnect
from server.services import Services


@contextmanager
def frame(title: str) -> Iterator[None]:
    """Admin pages are live too (the event log, the product list's marks): after a reconnect, what NiceGUI
    replays must not overwrite what changed meanwhile."""
    ui.page_title(f'{title} · Live Storefront admin')
    resend_on_reconnect(ui.context.client)
    with ui.header().classes('items-center gap-4 bg-slate-800'):
        ui.link('Live Storefront admin', '/admin').classes('text-white text-lg font-semibold no-underline')
        ui.button('Products', on_click=lambda: ui.navigate.to('/admin')).props('flat color=white')
        ui.button('New product', on_click=lambda: ui.navigate.to('/admin/products/new')).props('flat color=white')
        ui.button('Orders', on_click=lambda: ui.navigate.to('/admin/orders')).props('flat color=white')
        ui.space()
        ui.button('Refresh all shops', icon='sync', on_click=refresh_all_shops).props('flat color=white').mark(
            'refresh-all'
        )
        ui.label(app.storage.user.get('user', '')).classes('text-white')
        ui.button('Sign out', on_click=sign_out).props('flat color=white').mark('sign-out')
    with ui.right_drawer(value=True, fixed=True).props('width=320 bordered').classes('bg-slate-50'):
        event_log()
    with ui.column().classes('w-full max-w-6xl mx-auto gap-4'):
        ui.label(title).classes('text-2xl font-semibold').mark('page-title')
        yield


async def refresh_all_shops() -> None:
    """Sends `global-update`: every shop page and SSE subscriber refetches everything it shows."""
    await Services.current().bus.global_update('admin')
    ui.notify('Sent global-update to every open shop.', type='info')
