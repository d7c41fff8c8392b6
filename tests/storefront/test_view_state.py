"""The shop's view state in the URL: shared links reproduce a view; a broken value is dropped, not an error."""

from urllib.parse import parse_qsl, urlsplit

from models.filters import ProductQuery
from storefront.view_state import query_from_params, url_of


def test_a_view_survives_the_round_trip_through_its_url() -> None:
    query = ProductQuery(
        q='tea tin', category='tea', min_price=500, max_price=2999, in_stock=True, sort='-price', page=3
    )
    url = url_of(query)
    assert urlsplit(url).path == '/'
    assert query_from_params(dict(parse_qsl(urlsplit(url).query))) == query


def test_the_plain_shop_is_just_the_root() -> None:
    assert url_of(ProductQuery()) == '/'


def test_values_that_do_not_fit_are_dropped_one_by_one() -> None:
    params = {'q': 'mug', 'sort': 'cheapest', 'page': '0', 'min_price': 'ten', 'max_price': '900', 'in_stock': 'no'}
    assert query_from_params(params) == ProductQuery(q='mug', max_price=900)
