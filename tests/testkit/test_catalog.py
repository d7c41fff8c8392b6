import json
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from models.queries import all_products, list_categories
from testkit.catalog import CatalogFile, CatalogFileError, DemoCatalog

KETTLE = {
    'name': 'Copper Kettle',
    'category': 'kitchen',
    'category_name': 'Kitchen & Table',
    'variants': [
        {'sku': 'KETTLE-1L', 'name': '1 l', 'price': 3999, 'stock_on_hand': 3},
        {'sku': 'KETTLE-2L', 'name': '2 l', 'price': 4999, 'stock_on_hand': 0},
    ],
}
APRON = {'name': 'Linen Apron', 'category': 'kitchen', 'variants': [{'sku': 'APRON', 'name': 'One', 'price': 2450}]}
BLEND = {'name': 'Morning Blend', 'category': 'cold-brew', 'variants': []}


def catalog_file(folder: Path, *lines: dict[str, Any] | str) -> CatalogFile:
    path = folder / 'catalog.jsonl'
    path.write_text('\n'.join(line if isinstance(line, str) else json.dumps(line) for line in lines) + '\n')
    return CatalogFile(path)


def test_a_catalog_file_loads_every_product_and_makes_missing_categories(session: Session, tmp_path: Path) -> None:
    loaded = catalog_file(tmp_path, '# a comment', KETTLE, '', APRON, BLEND).load(session)
    assert loaded == 3
    products = {product.name: product for product in all_products(session)}
    assert sorted(products) == ['Copper Kettle', 'Linen Apron', 'Morning Blend']
    kettle = products['Copper Kettle']
    assert [(v.sku, v.price, v.stock_on_hand) for v in kettle.variants] == [
        ('KETTLE-1L', 3999, 3),
        ('KETTLE-2L', 4999, 0),
    ]
    assert kettle.category_name == 'Kitchen & Table'
    assert {c.slug: c.name for c in list_categories(session)} == {
        'kitchen': 'Kitchen & Table',
        'cold-brew': 'Cold Brew',
    }


@pytest.mark.parametrize(
    ('bad', 'says'),
    [
        ('{"name": "Half a line', 'Unterminated string'),
        ({'name': 'No Category', 'variants': []}, 'category'),
        ({**APRON, 'name': 'Second Apron'}, 'sku'),  # the first apron took the SKU: refused by the catalog
        ({**APRON, 'variants': [{'sku': 'CHEAP', 'name': 'One', 'price': -1}]}, 'price'),
    ],
)
def test_a_bad_line_is_refused_with_its_file_and_number(
    session: Session, tmp_path: Path, bad: dict[str, Any] | str, says: str
) -> None:
    source = catalog_file(tmp_path, APRON, bad)
    with pytest.raises(CatalogFileError, match=rf'catalog\.jsonl:2: (?s:.*){says}'):
        source.load(session)


def test_the_demo_catalog_seeds_an_empty_database_only(session: Session) -> None:
    assert DemoCatalog(12).load(session) == 12
    names = [product.name for product in all_products(session)]
    assert len(names) == 12
    assert DemoCatalog(12).load(session) == 0  # a database that has products is never seeded again
