"""The `--quick` smoke run of `python -m bench checkout`, so it cannot rot: every unit sold once, none oversold,
every probe order seen by every shopper. Speed is not asserted: the machine is shared."""

from pathlib import Path

import pytest

from tests.bench.test_quick import assert_latencies, quick

pytestmark = pytest.mark.slow


def test_checkout_sells_the_storm_stock_exactly_while_every_shopper_sees_each_probe(tmp_path: Path) -> None:
    record = quick('checkout', tmp_path)
    result = record['result']
    assert result['statuses']['201'] == record['stock'] and result['stock_after'] == 0
    assert (result['oversells'], result['consistent'], result['missed_deliveries']) == (0, True, 0)
    assert result['orders_per_second'] > 0
    assert_latencies(result['last'], result['last']['n'])
    assert result['last']['n'] >= 1
