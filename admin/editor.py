"""The product editor: every save is one catalog call (one transaction) that carries the version it was based on.

The product's fields, each variant, a new variant and each stock change have their own button, so no
save ever spans two transactions and nothing is saved half-way. A stale version is refused by the
catalog (`Conflict`); the editor then shows what changed and offers to reload or to reapply the
admin's own edits on top. Bus events for this product tell the editor at once when it changed elsewhere.
"""

from collections.abc import Awaitable, Callable
from typing import TypeGuard, TypeVar

from nicegui import ui
from pydantic import BaseModel

from admin.auth import signed_in
from admin.calls import call
from admin.changes import describe_changes
from admin.dialogs import confirm
from admin.feed import Received, current_feed
from admin.notices import Notice
from admin.product_form import ProductFields
from admin.receipt import receipt
from admin.stock_dialog import open_stock_dialog
from admin.variant_inputs import VariantInputs
from admin.variant_row import VariantRow
from models import catalog
from models.errors import Conflict, Invalid, NotFound
from models.queries import get_product
from models.tables import Category, ProductPublic, Variant

Attempt = Callable[[int], Awaitable[ProductPublic]]
Refusal = Callable[[Invalid], bool]
M = TypeVar('M', bound=BaseModel)


class Editor:
    def __init__(self, product: ProductPublic, categories: list[Category]) -> None:
        self.product = product  # the saved state the form is based on; its version goes with every save
        self.saving = 0
        self.held_back: list[Received] = []
        self.notice = Notice(product.id)
        self.receipts = ui.column().classes('w-full')
        with ui.card().classes('w-full'):
            self.fields = ProductFields(categories, product)
            with ui.row():
                ui.button('Save product', on_click=self.save_fields).mark('save-product')
                ui.button('Delete product', color='negative', on_click=self.ask_delete).mark('delete-product')
        with ui.card().classes('w-full'):
            ui.label('Variants').classes('text-lg')
            self.rows_box = ui.column().classes('w-full')
            self.rows: dict[int, VariantRow] = {}
            self.show_variants(product)
            ui.label('Add a variant').classes('text-sm font-semibold')
            with ui.row().classes('items-start gap-2'):
                self.new_variant_box = ui.row().classes('items-start gap-2').mark('new-variant')
                with self.new_variant_box:
                    self.new_variant = VariantInputs()
                ui.button('Add variant', on_click=self.add_variant).mark('add-variant')
        current_feed().received.subscribe(self.on_event)

    def show_variants(self, product: ProductPublic) -> None:
        """Brings the rows to `product`'s variants, keeping what the admin typed into untouched rows."""
        present = {variant.id for variant in product.variants}
        for variant_id in [key for key in self.rows if key not in present]:
            self.rows.pop(variant_id).delete()
        for variant in product.variants:
            if variant.id in self.rows:
                self.rows[variant.id].rebase(variant)
                continue
            with self.rows_box:
                self.rows[variant.id] = VariantRow(
                    variant, save=self.save_variant, stock=self.change_stock, remove=self.ask_remove
                )

    async def save_fields(self) -> None:
        changes = self.fields.changes(self.product) if self.fields.validate() else None
        if not worth_saving(changes):
            return
        product_id = self.product.id

        def attempt(version: int) -> Awaitable[ProductPublic]:
            return call(catalog.update_product, product_id=product_id, version=version, changes=changes)

        await self.write('Product saved', attempt, self.fields.show_refusal)

    async def save_variant(self, row: VariantRow) -> None:
        changes = row.inputs.changes() if row.inputs.validate() else None
        if not worth_saving(changes):
            return
        variant_id = row.variant.id

        def attempt(version: int) -> Awaitable[ProductPublic]:
            return call(catalog.update_variant, variant_id=variant_id, version=version, changes=changes)

        await self.write(f'Variant {changes.sku or row.variant.sku} saved', attempt, row.inputs.show_refusal)

    async def add_variant(self) -> None:
        variant_in = self.new_variant.creation() if self.new_variant.validate() else None
        if variant_in is None:
            ui.notify('Please fix the marked fields.', type='warning')
            return
        product_id = self.product.id

        def attempt(version: int) -> Awaitable[ProductPublic]:
            return call(catalog.add_variant, product_id=product_id, version=version, variant_in=variant_in)

        if await self.write(f'Variant {variant_in.sku} added', attempt, self.new_variant.show_refusal):
            self.new_variant_box.clear()
            with self.new_variant_box:
                self.new_variant = VariantInputs()

    async def ask_remove(self, row: VariantRow) -> None:
        variant = row.variant

        async def remove() -> None:
            def attempt(version: int) -> Awaitable[ProductPublic]:
                return call(catalog.remove_variant, variant_id=variant.id, version=version)

            await self.write(f'Variant {variant.sku} removed', attempt, lambda _error: False)

        confirm(f'Remove variant {variant.sku} and its stock history?', 'Remove', remove)

    async def change_stock(self, row: VariantRow) -> None:
        async def done(variant: Variant, since: int) -> None:
            row.show_stock(variant.stock_on_hand)
            self.show_receipt(f'Stock of {variant.sku} is now {variant.stock_on_hand}', since, None)

        await open_stock_dialog(row.variant, done)

    async def ask_delete(self) -> None:
        count = len(self.product.variants)
        confirm(f'Delete "{self.product.name}" and its {count} variants? This cannot be undone.', 'Delete', self.delete)

    async def delete(self) -> None:
        if not self.still_signed_in():
            return
        since = current_feed().last_seq
        try:
            await call(catalog.delete_product, product_id=self.product.id, version=self.product.version)
        except Conflict as conflict:
            current = conflict.current
            self.notice.conflict(self.product, current, lambda: self.delete_anyway(current))
            return
        except NotFound:
            self.notice.deleted_elsewhere()
            return
        ui.navigate.to(f'/admin?deleted={self.product.id}&since={since}')

    async def delete_anyway(self, current: ProductPublic | None) -> None:
        """After a conflict the admin has seen what changed and still wants the product gone."""
        if current is not None:
            self.rebase(current)
            await self.delete()

    async def write(self, text: str, attempt: Attempt, refusal: Refusal) -> ProductPublic | None:
        """Runs one versioned save; shows a conflict, a refusal next to its field, or a receipt."""
        if not self.still_signed_in():
            return None
        since = current_feed().last_seq
        self.saving += 1
        try:
            saved = await attempt(self.product.version)
        except Conflict as conflict:
            return await self.conflict(conflict.current, text, attempt, refusal)
        except Invalid as error:
            if not refusal(error):
                ui.notify(error.message if error.field == 'product' else str(error), type='negative')
            return None
        except NotFound:
            self.notice.deleted_elsewhere()
            return None
        finally:
            self.saving -= 1
        self.rebase(saved)
        self.notice.hide()
        self.show_receipt(text, since, saved.version)
        await self.catch_up()
        return saved

    async def conflict(
        self, current: ProductPublic | None, text: str, attempt: Attempt, refusal: Refusal
    ) -> ProductPublic | None:
        if current is not None and not describe_changes(self.product, current):
            self.rebase(current)  # only stock moved meanwhile: nothing the admin could overwrite
            return await self.write(text, attempt, refusal)

        async def reapply() -> None:
            assert current is not None
            self.rebase(current)
            await self.write(text, attempt, refusal)

        self.notice.conflict(self.product, current, reapply)
        await self.catch_up()
        return None

    def rebase(self, product: ProductPublic) -> None:
        self.fields.rebase(self.product, product)
        self.product = product
        self.show_variants(product)

    def show_receipt(self, text: str, since: int, version: int | None) -> None:
        self.receipts.clear()
        with self.receipts:
            receipt(text, product_id=self.product.id, since=since, min_version=version)

    async def on_event(self, item: Received) -> None:
        """A bus event: says at once when this product changed elsewhere; stock-only changes are taken silently."""
        event = item.event
        if not event.touches({self.product.id}):
            return
        if self.saving:
            self.held_back.append(item)  # our own save's events, most likely: judged once the save returns
            return
        if event.type == 'product-deleted':
            self.notice.deleted_elsewhere()
            return
        if not event.is_global and event.versions.get(self.product.id, 0) <= self.product.version:
            return
        try:
            current = await call(get_product, product_id=self.product.id)
        except NotFound:
            self.notice.deleted_elsewhere()
            return
        if current.version <= self.product.version or self.saving:
            return
        if describe_changes(self.product, current):
            self.notice.changed_elsewhere(self.product, current)
        else:
            self.rebase(current)

    async def catch_up(self) -> None:
        held, self.held_back = self.held_back, []
        for item in held:
            await self.on_event(item)

    def still_signed_in(self) -> bool:
        if not signed_in():
            ui.navigate.to(f'/login?redirect_to=/admin/products/{self.product.id}')
        return signed_in()


def worth_saving(changes: M | None) -> TypeGuard[M]:
    """Says why not when there is nothing to save: fields that failed their checks (None), or no change."""
    if changes is None:
        ui.notify('Please fix the marked fields.', type='warning')
        return False
    if not changes.model_fields_set:
        ui.notify('Nothing changed.')
        return False
    return True
