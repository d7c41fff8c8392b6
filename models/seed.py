"""A deterministic demo catalog: the same `count` and `seed` always give the same products."""

import random
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, func, select

from models.catalog import slugify
from models.tables import Category, Product, StockMovement, Variant

CATEGORIES: dict[str, tuple[list[str], list[str], list[str], tuple[int, int]]] = {
    # name: (adjectives, nouns, variant names, price range in cents)
    'Coffee': (
        ['Ethiopian', 'Colombian', 'House', 'Dark Roast', 'Single-Origin', 'Decaf'],
        ['Espresso Beans', 'Filter Blend', 'Cold Brew Pack', 'Whole Beans'],
        ['250 g', '500 g', '1 kg'],
        (899, 3499),
    ),
    'Tea': (
        ['Assam', 'Darjeeling', 'Jasmine', 'Sencha', 'Earl Grey', 'Rooibos'],
        ['Loose Leaf', 'Tea Bags', 'Gift Tin', 'Sampler'],
        ['50 g', '100 g', '250 g'],
        (499, 2999),
    ),
    'Kitchen': (
        ['Cast Iron', 'Copper', 'Ceramic', 'Bamboo', 'Steel'],
        ['Skillet', 'Kettle', 'Cutting Board', 'Knife Set', 'Mixing Bowl'],
        ['Small', 'Medium', 'Large', 'XL'],
        (1299, 18999),
    ),
    'Apparel': (
        ['Organic', 'Merino', 'Linen', 'Recycled', 'Classic'],
        ['T-Shirt', 'Hoodie', 'Socks', 'Beanie', 'Scarf'],
        ['S', 'M', 'L', 'XL'],
        (1499, 11999),
    ),
    'Books': (
        ['Modern', 'Illustrated', 'Pocket', 'Collected', 'Practical'],
        ['Cookbook', 'Field Guide', 'Atlas', 'Poetry', 'Travel Journal'],
        ['Paperback', 'Hardcover', 'E-book'],
        (799, 5999),
    ),
    'Outdoor': (
        ['Trail', 'Alpine', 'Weatherproof', 'Ultralight', 'Canvas'],
        ['Backpack', 'Water Bottle', 'Headlamp', 'Tent', 'Camp Chair'],
        ['Green', 'Grey', 'Orange'],
        (1999, 34999),
    ),
    'Stationery': (
        ['Dotted', 'Recycled', 'Leather', 'A5', 'Pocket'],
        ['Notebook', 'Fountain Pen', 'Planner', 'Sketchbook', 'Pencil Set'],
        ['Black', 'Blue', 'Red', 'Natural'],
        (399, 8999),
    ),
    'Home': (
        ['Handwoven', 'Scented', 'Minimal', 'Wool', 'Glass'],
        ['Candle', 'Throw Blanket', 'Vase', 'Cushion', 'Lamp'],
        ['Ivory', 'Sage', 'Charcoal'],
        (1599, 15999),
    ),
}
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def seed_if_empty(session: Session, count: int, seed: int = 42) -> int:
    """Seeds `count` products into a database that has none; returns how many it added."""
    if count <= 0 or session.exec(select(func.count()).select_from(Product)).one() > 0:
        return 0
    categories = _categories(session)
    session.add_all(_products(categories, count, random.Random(seed)))
    session.commit()
    return count


def _categories(session: Session) -> dict[str, Category]:
    existing = {c.name: c for c in session.exec(select(Category)).all()}
    for name in CATEGORIES:
        if name not in existing:
            existing[name] = Category(slug=slugify(name), name=name)
            session.add(existing[name])
    session.flush()
    return existing


def _products(categories: dict[str, Category], count: int, rng: random.Random) -> list[Product]:
    products: list[Product] = []
    slugs: set[str] = set()
    names = list(CATEGORIES)
    for index in range(count):
        category = names[index % len(names)]
        adjectives, nouns, variant_names, (low, high) = CATEGORIES[category]
        name = f'{rng.choice(adjectives)} {rng.choice(nouns)}'
        slug = _unique(slugify(name), slugs)
        product = Product(
            name=name,
            slug=slug,
            category=categories[category],
            description=f'{name} from our {category.lower()} range. ' + rng.choice(_BLURBS),
            created_at=EPOCH + timedelta(hours=index),
            updated_at=EPOCH + timedelta(hours=index),
        )
        base = rng.randrange(low, high) // 100 * 100 + 99
        for position, variant_name in enumerate(variant_names[: rng.randint(1, min(4, len(variant_names)))]):
            stock = 0 if rng.random() < 0.12 else rng.choice([1, 2, 3, 4, 5, 8, 12, 20, 35, 60, 100])
            variant = Variant(
                sku=f'{slug.upper()[:40]}-{position + 1}',
                name=variant_name,
                price=base + position * rng.choice([0, 200, 500, 1000]),
                stock_on_hand=stock,
            )
            if stock:
                variant.movements.append(
                    StockMovement(delta=stock, stock_after=stock, reason='initial stock', created_at=product.created_at)
                )
            product.variants.append(variant)
        products.append(product)
    return products


def _unique(slug: str, taken: set[str]) -> str:
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f'{slug}-{number}'
    taken.add(candidate)
    return candidate


_BLURBS = [
    'Made in small batches and checked by hand before it ships.',
    'A customer favourite that sells out every season.',
    'Built to last, with a two-year guarantee.',
    'Thoughtfully sourced and packed without plastic.',
    'Designed with our makers to be used every day.',
]
