"""Creating a product with its variants: one `catalog.create_product` call, so all of it or nothing."""

from nicegui import ui

from admin.auth import signed_in
from admin.calls import call
from admin.feed import current_feed
from admin.product_form import ProductFields
from admin.variant_inputs import VariantInputs
from models import catalog
from models.errors import Invalid
from models.tables import Category, ProductCreate


class NewProduct:
    def __init__(self, categories: list[Category]) -> None:
        with ui.card().classes('w-full'):
            self.fields = ProductFields(categories)
        with ui.card().classes('w-full'):
            ui.label('Variants').classes('text-lg')
            self.box = ui.column().classes('w-full')
            self.drafts: list[VariantInputs] = []
            self.add_draft()
            ui.button('Another variant', icon='add', on_click=self.add_draft).props('flat').mark('another-variant')
        ui.button('Create product', on_click=self.create).mark('create-product')

    def add_draft(self) -> None:
        with self.box, ui.row().classes('items-start gap-2') as row:
            draft = VariantInputs()
            self.drafts.append(draft)

            def remove() -> None:
                self.drafts.remove(draft)
                row.delete()

            ui.button(icon='delete', on_click=remove).props('flat color=negative').mark('remove-draft')

    async def create(self) -> None:
        if not signed_in():
            ui.navigate.to('/login?redirect_to=/admin/products/new')
            return
        product_in = self._product_in()
        if product_in is None:
            ui.notify('Please fix the marked fields.', type='warning')
            return
        since = current_feed().last_seq
        try:
            product = await call(catalog.create_product, product_in=product_in)
        except Invalid as error:
            shown = [draft.show_refusal(error) for draft in self.drafts] if error.field == 'sku' else []
            if not self.fields.show_refusal(error) and not any(shown):
                ui.notify(str(error), type='negative')
            return
        ui.navigate.to(f'/admin/products/{product.id}?since={since}')

    def _product_in(self) -> ProductCreate | None:
        """What the form holds, or None with each refusal shown next to its field."""
        results = [self.fields.validate(), *(draft.validate() for draft in self.drafts)]
        if not all(results) or not self._skus_distinct():
            return None
        variants = [variant for draft in self.drafts if (variant := draft.creation())]
        return self.fields.creation(variants) if len(variants) == len(self.drafts) else None

    def _skus_distinct(self) -> bool:
        seen: set[str] = set()
        distinct = True
        for draft in self.drafts:
            sku = (draft.sku.value or '').strip()
            if sku in seen:
                draft.sku.error = 'appears twice in this product'
                distinct = False
            seen.add(sku)
        return distinct
