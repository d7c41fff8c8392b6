"""A shop view's state in the URL query string: `q`, `category`, `min_price`, `max_price`, `in_stock`, `sort`, `page`.

Parsing is forgiving: a value that does not fit (a typo in a shared link) is dropped, not an error page.
"""

from collections.abc import Mapping
from urllib.parse import urlencode

from pydantic import ValidationError

from models.filters import ProductQuery

FIELDS = ('q', 'category', 'min_price', 'max_price', 'sort', 'page')
TRUE = {'1', 'true', 'on', 'yes'}


def query_from_params(params: Mapping[str, str]) -> ProductQuery:
    values: dict[str, object] = {}
    for name in FIELDS:
        value = params.get(name)
        if value and _valid(name, value):
            values[name] = value
    if params.get('in_stock', '').lower() in TRUE:
        values['in_stock'] = True
    return ProductQuery.model_validate(values)


def url_of(query: ProductQuery, path: str = '/') -> str:
    """The shop URL that reproduces `query`; defaults are left out, so the plain shop is just `/`."""
    params: dict[str, object] = {}
    defaults = ProductQuery()
    for name in FIELDS:
        value = getattr(query, name)
        if value != getattr(defaults, name) and value not in ('', None):
            params[name] = value
    if query.in_stock:
        params['in_stock'] = 1
    return f'{path}?{urlencode(params)}' if params else path


def _valid(name: str, value: str) -> bool:
    try:
        ProductQuery.model_validate({name: value})
    except ValidationError:
        return False
    return True
