"""The editor's notice: a conflict on save, or a change made elsewhere while the editor is open."""

from collections.abc import Awaitable, Callable

from nicegui import ui

from admin.changes import describe_changes
from models.tables import ProductPublic

Action = Callable[[], Awaitable[None] | None]


class Notice:
    def __init__(self, product_id: int) -> None:
        self.product_id = product_id
        self.card = ui.card().classes('w-full bg-amber-50 border border-amber-400').mark('notice')
        self.card.visible = False

    def conflict(self, mine: ProductPublic, current: ProductPublic | None, reapply: Action) -> None:
        if current is None:
            self._show('Not saved: this product was deleted by someone else meanwhile.', [], [('Back to list', _home)])
            return
        self._show(
            f'Not saved: someone else changed this product since you loaded it '
            f'(you edited version {mine.version}; it is now version {current.version}). What they changed:',
            describe_changes(mine, current) or ['stock or bookkeeping only'],
            [('Reload (discard my edits)', self._reload), ('Reapply my edits on top', reapply)],
        )

    def changed_elsewhere(self, mine: ProductPublic, current: ProductPublic) -> None:
        self._show(
            f'This product was just changed elsewhere (now version {current.version}; you loaded {mine.version}). '
            'Saving your edits will ask you to reload or reapply them. What changed:',
            describe_changes(mine, current),
            [('Reload (discard my edits)', self._reload)],
        )

    def deleted_elsewhere(self) -> None:
        self._show('This product was just deleted elsewhere.', [], [('Back to the list', _home)])

    def hide(self) -> None:
        self.card.visible = False
        self.card.clear()

    def _show(self, title: str, lines: list[str], actions: list[tuple[str, Action]]) -> None:
        self.card.clear()
        with self.card:
            ui.label(title).classes('font-semibold').mark('notice-title')
            for line in lines:
                ui.label(f'• {line}').classes('text-sm').mark('notice-change')
            with ui.row():
                for text, action in actions:
                    ui.button(text, on_click=action).props('outline')
        self.card.visible = True

    def _reload(self) -> None:
        ui.navigate.to(f'/admin/products/{self.product_id}')


def _home() -> None:
    ui.navigate.to('/admin')
