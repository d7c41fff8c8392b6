"""`examples/testing` is run as a tester runs it: its own folder, its own pytest.ini, the plugin from the package."""

import pytest

from tests.servers import ROOT
from tests.testkit.test_plugin import run_their_tests


@pytest.mark.slow
def test_the_testers_example_passes() -> None:
    """It opens the shop in Chromium, sells a product out through the admin client, and sees its card say so."""
    result = run_their_tests(ROOT / 'examples' / 'testing', '-v')
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'test_the_card_turns_sold_out_when_the_stock_runs_out[chromium] PASSED' in result.stdout
