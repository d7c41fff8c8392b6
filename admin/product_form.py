"""The product's own fields in the editor: inputs with their checks, and the changes they hold."""

from nicegui import ui

from admin.validators import built, category_error, description_error, name_error, optional_slug_error, slug_error
from models.errors import Invalid
from models.tables import Category, ProductCreate, ProductPublic, ProductUpdate, VariantCreate


class ProductFields:
    def __init__(self, categories: list[Category], product: ProductPublic | None = None) -> None:
        options = {category.slug: category.name for category in categories}
        with ui.grid(columns=2).classes('w-full gap-x-4'):
            self.name = ui.input('Name', validation=name_error).props('counter').mark('name')
            self.slug = ui.input('Slug', validation=slug_error if product else optional_slug_error).mark('slug')
            if product is None:
                self.slug.props('hint="leave empty to derive it from the name"')
            self.category = ui.select(options, label='Category', validation=category_error).mark('category')
            self.enabled = ui.switch('Enabled (shown in the shop)', value=True).mark('enabled')
        self.description = (
            ui.textarea('Description', validation=description_error).classes('w-full').mark('description')
        )
        if product is not None:
            self.show(product)

    def show(self, product: ProductPublic) -> None:
        self.name.value = product.name
        self.slug.value = product.slug
        self.category.value = product.category
        self.enabled.value = product.enabled
        self.description.value = product.description

    def rebase(self, old: ProductPublic, new: ProductPublic) -> None:
        """Moves from saved state `old` to `new`: fields the admin left untouched follow, edits stay."""
        values = self._values()
        fields = {'name': self.name, 'slug': self.slug, 'category': self.category, 'enabled': self.enabled}
        for key, field in {**fields, 'description': self.description}.items():
            if values[key] == getattr(old, key):
                field.value = getattr(new, key)

    def validate(self) -> bool:
        results = [field.validate() for field in (self.name, self.slug, self.category, self.description)]
        return all(results)

    def changes(self, base: ProductPublic) -> ProductUpdate | None:
        """Only the fields whose value differs from `base`: what the admin edited (None: refused, and shown)."""
        values = self._values()
        edited = {key: value for key, value in values.items() if getattr(base, key) != value}
        return built(ProductUpdate, edited, self.show_refusal)

    def creation(self, variants: list[VariantCreate]) -> ProductCreate | None:
        values = self._values()
        return built(ProductCreate, {**values, 'slug': values['slug'] or None, 'variants': variants}, self.show_refusal)

    def show_refusal(self, error: Invalid) -> bool:
        """Puts the catalog's refusal next to its field; False if it names no field of this form."""
        field = {'name': self.name, 'slug': self.slug, 'category': self.category, 'description': self.description}
        if error.field not in field:
            return False
        field[error.field].error = error.message
        return True

    def _values(self) -> dict[str, object]:
        return {
            'name': (self.name.value or '').strip(),
            'slug': (self.slug.value or '').strip(),
            'description': self.description.value or '',
            'category': self.category.value,
            'enabled': bool(self.enabled.value),
        }
