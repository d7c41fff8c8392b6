"""Catalog reads: by id and slug, and the filtered listing, whose SQL and Python forms must agree."""

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from sqlmodel import Session

from models import catalog
from models.errors import NotFound
from models.filters import ProductQuery
from models.queries import (
    all_products,
    find_products,
    get_product,
    get_product_by_slug,
    list_categories,
    list_products,
)
from models.seed import seed_if_empty
from models.tables import ProductPublic
from tests.factories import make_category, make_product, variant_in


def test_get_product_by_id_and_slug(session: Session) -> None:
    product = make_product(session, name='Copper Kettle')
    assert get_product(session, product.id) == product
    assert get_product_by_slug(session, 'copper-kettle') == product
    assert find_products(session, [product.id, 999]) == {product.id: product}
    assert find_products(session, [10**30]) == {}
    for absent in (999, 2**63):
        with pytest.raises(NotFound, match=f'product {absent} does not exist'):
            get_product(session, absent)
    with pytest.raises(NotFound, match="product 'nope' does not exist"):
        get_product_by_slug(session, 'nope')


def test_list_categories_by_name(session: Session) -> None:
    make_category(session, slug='zebra', name='Zebra')
    make_category(session, slug='apple', name='Apple')
    assert [c.name for c in list_categories(session)] == ['Apple', 'Zebra']


@pytest.fixture
def shelf(session: Session) -> dict[str, ProductPublic]:
    """Five products that tell each filter apart."""
    drinks, tools = make_category(session, slug='drinks').slug, make_category(session, slug='tools').slug
    products = {
        'tea': make_product(
            session,
            category=drinks,
            name='Green Tea',
            description='Grassy and fresh.',
            variants=[variant_in(price=500)],
        ),
        'coffee': make_product(
            session,
            category=drinks,
            name='coffee beans',
            variants=[variant_in(sku='BEAN-XL', price=1_500, stock=0), variant_in(price=2_500, stock=0)],
        ),
        'kettle': make_product(session, category=tools, name='Kettle', variants=[variant_in(price=4_000)]),
        'empty': make_product(session, category=tools, name='Announced', variants=[]),
        'hidden': make_product(session, category=drinks, name='Hidden Tea', enabled=False),
    }
    return products


@pytest.mark.parametrize(
    ('filters', 'expected'),
    [
        ({}, ['empty', 'coffee', 'tea', 'kettle']),
        ({'include_disabled': True}, ['empty', 'coffee', 'tea', 'hidden', 'kettle']),
        ({'q': 'TEA'}, ['tea']),
        ({'q': ' grassy '}, ['tea']),
        ({'q': 'bean-xl'}, ['coffee']),
        ({'q': '%'}, []),
        ({'category': 'drinks'}, ['coffee', 'tea']),
        ({'category': 'nope'}, []),
        ({'min_price': 1_500}, ['coffee', 'kettle']),
        ({'max_price': 1_500}, ['coffee', 'tea']),
        ({'min_price': 501, 'max_price': 3_999}, ['coffee']),
        ({'in_stock': True}, ['tea', 'kettle']),
        ({'sort': 'price'}, ['tea', 'coffee', 'kettle', 'empty']),
        ({'sort': '-price'}, ['kettle', 'coffee', 'tea', 'empty']),
        ({'sort': 'newest'}, ['empty', 'kettle', 'coffee', 'tea']),
        ({'sort': 'price', 'page': 2, 'page_size': 3}, ['empty']),
        ({'page': 3, 'page_size': 2}, []),
    ],
)
def test_list_products_filters(
    session: Session, shelf: dict[str, ProductPublic], filters: dict[str, object], expected: list[str]
) -> None:
    query = ProductQuery.model_validate(filters)
    names = {product.id: name for name, product in shelf.items()}
    page = list_products(session, query)
    assert [names[p.id] for p in page.items] == expected
    assert (page.page, page.page_size) == (query.page, query.page_size)
    full = ProductQuery.model_validate({**filters, 'page': 1, 'page_size': 200})
    assert page.total == len(list_products(session, full).items)


def test_list_products_total_counts_every_page(session: Session, shelf: dict[str, ProductPublic]) -> None:
    page = list_products(session, ProductQuery(page_size=1, page=2))
    assert (len(page.items), page.total) == (1, 4)


def test_search_follows_sku_and_name_changes(session: Session, shelf: dict[str, ProductPublic]) -> None:
    kettle = shelf['kettle']
    catalog.update_variant(
        session=session, variant_id=kettle.variants[0].id, version=1, changes=catalog.VariantUpdate(sku='WHISTLE-9')
    )
    assert [p.id for p in list_products(session, ProductQuery(q='whistle')).items] == [kettle.id]


@pytest.fixture
def seeded(session: Session) -> list[ProductPublic]:
    """The demo catalog plus the awkward cases: no variants, disabled, same name in other case, non-ASCII names."""
    seed_if_empty(session, 40, seed=3)
    category = make_category(session, slug='odd').slug
    for number, name in enumerate(['Zebra', 'zebra', 'Éclair Tin', 'élan vital', 'Über Mug', 'über', '100% Cotton']):
        make_product(
            session, category=category, name=name, slug=f'odd-{number}', variants=[variant_in(price=1_999, stock=1)]
        )
    make_product(session, category=category, name='Coming Soon', variants=[])
    make_product(session, category=category, name='Retired Tea', enabled=False)
    return all_products(session)


CATEGORIES = ['coffee', 'tea', 'kitchen', 'books', 'odd', 'nope']
WORDS = ['', 'tea', 'TEA', 'e', 'mug', 'é', 'Über', '%', '_', '-1', '-2', 'beans', 'the', 'zebra', 'coming']
queries = st.builds(
    ProductQuery,
    q=st.sampled_from(WORDS),
    category=st.none() | st.sampled_from(CATEGORIES),
    min_price=st.none() | st.integers(0, 20_000),
    max_price=st.none() | st.integers(0, 40_000),
    in_stock=st.booleans(),
    sort=st.sampled_from(['name', 'price', '-price', 'newest']),
    page=st.integers(1, 4),
    page_size=st.integers(1, 30),
    include_disabled=st.booleans(),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries)
def test_sql_and_python_listings_agree(session: Session, seeded: list[ProductPublic], query: ProductQuery) -> None:
    note(repr(query))
    page = list_products(session, query)
    matching = query.sorted_matches(seeded)
    assert [p.id for p in page.items] == [p.id for p in query.page_of(matching)]
    assert page.total == len(matching)


def test_sorting_by_name_folds_non_ascii_case_like_python(session: Session) -> None:
    """Regression: SQLite's ASCII-only lower() put 'Über Mug' before 'über', unlike the shop's in-memory sort."""
    category = make_category(session).slug
    for number, name in enumerate(['Über Mug', 'Zebra', 'über', 'apple']):
        make_product(session, category=category, name=name, slug=f'p-{number}')
    assert [p.name for p in list_products(session, ProductQuery()).items] == ['apple', 'Zebra', 'über', 'Über Mug']
