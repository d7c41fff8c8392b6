"""A yes/no question before something that cannot be undone."""

from collections.abc import Awaitable, Callable

from nicegui import ui


def confirm(question: str, yes: str, action: Callable[[], Awaitable[None]]) -> None:
    with ui.dialog() as dialog, ui.card().mark('confirm-dialog'):
        ui.label(question)

        async def confirmed() -> None:
            dialog.close()
            await action()

        with ui.row():
            ui.button('Cancel', on_click=dialog.close).props('flat').mark('confirm-no')
            ui.button(yes, color='negative', on_click=confirmed).mark('confirm-yes')
    dialog.on('hide', dialog.delete)
    dialog.open()
