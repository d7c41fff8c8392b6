"""A deterministic demo catalog: the same `count` and `seed` always give the same products."""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, func, select

from models.catalog import slugify
from models.filters import search_text
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


BATCH = 5_000  # products per INSERT round trip; all of them are one transaction


@dataclass
class _Demo:
    product: dict[str, Any]
    variants: list[dict[str, Any]]


def seed_if_empty(session: Session, count: int, seed: int = 42) -> int:
    """Seeds `count` products into a database that has none, in one transaction; returns how many it added.

    Rows go in as bulk INSERTs (100,000 products in seconds, where the ORM's unit of work took minutes), so what
    the ORM would fill in is filled in here: timestamps, versions, the search text."""
    if count <= 0 or session.exec(select(func.count()).select_from(Product)).one() > 0:
        return 0
    category_ids = {name: category.id for name, category in _categories(session).items()}
    rng, slugs = random.Random(seed), _Slugs()
    for start in range(0, count, BATCH):
        _insert(session, [_demo(index, category_ids, rng, slugs) for index in range(start, min(count, start + BATCH))])
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


def _demo(index: int, category_ids: dict[str, int | None], rng: random.Random, slugs: '_Slugs') -> _Demo:
    category = list(CATEGORIES)[index % len(CATEGORIES)]
    adjectives, nouns, variant_names, (low, high) = CATEGORIES[category]
    name = f'{rng.choice(adjectives)} {rng.choice(nouns)}'
    slug = slugs.unique(slugify(name))
    created = EPOCH + timedelta(hours=index)
    description = f'{name} from our {category.lower()} range. ' + rng.choice(_BLURBS)
    base = rng.randrange(low, high) // 100 * 100 + 99
    variants: list[dict[str, Any]] = []
    for position, variant_name in enumerate(variant_names[: rng.randint(1, min(4, len(variant_names)))]):
        stock = 0 if rng.random() < 0.12 else rng.choice([1, 2, 3, 4, 5, 8, 12, 20, 35, 60, 100])
        price = base + position * rng.choice([0, 200, 500, 1000])
        sku = f'{slug.upper()[:40]}-{position + 1}'
        variants.append({'sku': sku, 'name': variant_name, 'price': price, 'stock_on_hand': stock, 'version': 1})
    product = {
        'name': name,
        'slug': slug,
        'category_id': category_ids[category],
        'description': description,
        'enabled': True,
        'search_text': search_text(name, description, (str(variant['sku']) for variant in variants)),
        'created_at': created,
        'updated_at': created,
        'version': 1,
    }
    return _Demo(product, variants)


def _insert(session: Session, demos: list[_Demo]) -> None:
    """Products, then their variants, then the initial stock movements, each in batched INSERTs. Batched RETURNING
    comes back in no set order, so ids are matched by slug and SKU, both unique."""
    products = [demo.product for demo in demos]
    returned = session.execute(insert(Product).returning(col(Product.slug), col(Product.id)), products)
    product_ids = dict(returned.all())
    variants = [
        {**variant, 'product_id': product_ids[demo.product['slug']]} for demo in demos for variant in demo.variants
    ]
    returned = session.execute(insert(Variant).returning(col(Variant.sku), col(Variant.id)), variants)
    variant_ids = dict(returned.all())
    created = {demo.product['slug']: demo.product['created_at'] for demo in demos}
    movements = [
        {
            'variant_id': variant_ids[variant['sku']],
            'delta': variant['stock_on_hand'],
            'stock_after': variant['stock_on_hand'],
            'reason': 'initial stock',
            'created_at': created[demo.product['slug']],
        }
        for demo in demos
        for variant in demo.variants
        if variant['stock_on_hand']
    ]
    if movements:
        session.execute(insert(StockMovement), movements)


class _Slugs:
    """Hands out `slug`, `slug-2`, `slug-3`, …: remembering each base's next number keeps 100,000 products from
    testing every earlier number of a name that repeats."""

    def __init__(self) -> None:
        self._taken: set[str] = set()
        self._next: dict[str, int] = {}

    def unique(self, slug: str) -> str:
        number = self._next.get(slug, 1)
        candidate = slug if number == 1 else f'{slug}-{number}'
        while candidate in self._taken:
            number += 1
            candidate = f'{slug}-{number}'
        self._next[slug] = number + 1
        self._taken.add(candidate)
        return candidate


_BLURBS = [
    'Made in small batches and checked by hand before it ships.',
    'A customer favourite that sells out every season.',
    'Built to last, with a two-year guarantee.',
    'Thoughtfully sourced and packed without plastic.',
    'Designed with our makers to be used every day.',
]
