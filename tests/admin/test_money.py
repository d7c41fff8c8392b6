import pytest

from admin.money import format_price, parse_price, price_range


@pytest.mark.parametrize(
    ('text', 'cents'), [('0.29', 29), ('19.99', 1999), ('1,5', 150), (' 7 ', 700), ('1000000', 100_000_000)]
)
def test_prices_are_parsed_exactly(text: str, cents: int) -> None:
    assert parse_price(text) == cents


@pytest.mark.parametrize('text', ['', 'abc', '1.234', '-1', '1e3', '1234567890', 'NaN'])
def test_bad_prices_are_refused_with_a_message(text: str) -> None:
    with pytest.raises(ValueError, match='enter an amount'):
        parse_price(text)


def test_prices_are_shown_in_currency_units() -> None:
    assert format_price(1990) == '19.90'
    assert price_range(500, 500) == '5.00'
    assert price_range(500, 1250) == '5.00 to 12.50'
    assert price_range(None, None) == '—'
