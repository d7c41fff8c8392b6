import re

from testkit.pages import TESTIDS
from tests.servers import ROOT


def test_the_readme_lists_exactly_the_promised_testids() -> None:
    """Testers read the README; `TESTIDS` is what `tests/e2e/test_smoke.py` checks on the rendered pages."""
    section = (ROOT / 'README.md').read_text().split('## Testing your storefront', 1)[1].split('\n## ', 1)[0]
    listed = re.findall(r'^\| `([a-z-]+)` \| [a-z ]+ \|', section, flags=re.MULTILINE)
    assert listed == ['data-testid', *TESTIDS]  # the table's header, then every id in order
