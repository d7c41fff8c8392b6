"""What changed between two states of a product, in words an admin reads in a conflict message."""

from admin.money import format_price
from models.tables import ProductPublic, VariantPublic

FIELDS = ('name', 'slug', 'description', 'category', 'enabled')


def describe_changes(old: ProductPublic, new: ProductPublic) -> list[str]:
    """The edits that turn `old` into `new`, stock counts left out (stock is not part of the edited record)."""
    lines = [
        f'{field}: {_short(getattr(old, field))} → {_short(getattr(new, field))}'
        for field in FIELDS
        if getattr(old, field) != getattr(new, field)
    ]
    before = {variant.id: variant for variant in old.variants}
    after = {variant.id: variant for variant in new.variants}
    lines += [f'variant {before[gone].sku} removed' for gone in before.keys() - after.keys()]
    lines += [f'variant {after[added].sku} added' for added in after.keys() - before.keys()]
    for variant_id in sorted(before.keys() & after.keys()):
        lines += _variant_changes(before[variant_id], after[variant_id])
    return lines


def stock_changes(old: ProductPublic, new: ProductPublic) -> list[str]:
    before = {variant.id: variant.stock_on_hand for variant in old.variants}
    return [
        f'stock of {variant.sku}: {before[variant.id]} → {variant.stock_on_hand}'
        for variant in new.variants
        if variant.id in before and before[variant.id] != variant.stock_on_hand
    ]


def _variant_changes(old: VariantPublic, new: VariantPublic) -> list[str]:
    lines = []
    if old.sku != new.sku:
        lines.append(f'variant SKU: {old.sku} → {new.sku}')
    if old.name != new.name:
        lines.append(f'variant {new.sku} name: {_short(old.name)} → {_short(new.name)}')
    if old.price != new.price:
        lines.append(f'variant {new.sku} price: {format_price(old.price)} → {format_price(new.price)}')
    return lines


def _short(value: object, limit: int = 60) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else f'{text[: limit - 1]}…'
