"""The `storefront_testing` plugin as a tester meets it: pytest run in a folder of their own, with its pytest.ini,
the plugin loaded through its entry point. Their tests note what the fixtures gave them; these check what is left.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from sqlalchemy import create_engine, text

from tests.services import POSTGRES_ADMIN_URL, reachable
from tests.testkit.test_catalog import APRON, KETTLE

pytestmark = pytest.mark.slow

THEIR_TESTS = """
import json, os

import pytest

def note(storefront):
    fields = {'pid': storefront.pid, 'folder': str(storefront.folder), 'database': storefront.database_url}
    with open(os.environ['NOTES'], 'a') as notes:
        notes.write(json.dumps(fields) + '\\n')

def test_sells_out_and_orders(storefront):
    note(storefront)
    kettle = storefront.admin.product_named('Copper Kettle')
    apron = storefront.admin.product_named('Linen Apron')
    storefront.admin.sell_out(kettle)
    storefront.admin.place_order((apron.variants[0].id, 1))
    assert storefront.admin.product(kettle.id).stock == 0

def test_starts_from_the_catalog_again(storefront):
    note(storefront)
    assert storefront.admin.product_named('Copper Kettle').stock == 3
    assert storefront.admin.http.get('/api/admin/orders').json()['total'] == 0
"""


def run_their_tests(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`pytest` in `folder` as its own project (its pytest.ini makes it the root), not as part of this suite."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST_', 'STOREFRONT_TEST_'))}
    env['NOTES'] = str(folder / 'notes.jsonl')  # where their tests note what they were given
    return subprocess.run(
        [sys.executable, '-m', 'pytest', '-p', 'no:cacheprovider', *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / 'pytest.ini').write_text('[pytest]\nstorefront_catalog = shop/catalog.jsonl\n')
    (tmp_path / 'shop').mkdir()
    apron = {**APRON, 'variants': [{**APRON['variants'][0], 'stock_on_hand': 5}]}
    (tmp_path / 'shop' / 'catalog.jsonl').write_text(f'{json.dumps(KETTLE)}\n{json.dumps(apron)}\n')
    return tmp_path


@pytest.mark.parametrize(
    ('scope', 'database'),
    [('session', 'sqlite'), ('function', 'sqlite'), pytest.param('session', 'postgres', marks=pytest.mark.postgres)],
)
def test_each_test_gets_the_catalog_and_nothing_is_left_behind(project: Path, scope: str, database: str) -> None:
    """No process, folder, SQLite file or PostgreSQL schema outlives the run, in either scope. (PostgreSQL in the
    function scope differs only in making and dropping more schemas: left out, every case costs a pytest run.)"""
    args = ['-o', f'storefront_scope={scope}']
    if database == 'postgres':
        if not reachable('127.0.0.1', 5432):
            pytest.skip('PostgreSQL is not reachable at 127.0.0.1:5432')
        args += ['--storefront-database-url', POSTGRES_ADMIN_URL]
    (project / 'test_theirs.py').write_text(THEIR_TESTS)

    result = run_their_tests(project, *args)

    assert result.returncode == 0, result.stdout + result.stderr
    notes = [json.loads(line) for line in (project / 'notes.jsonl').read_text().splitlines()]
    assert len({note['pid'] for note in notes}) == (1 if scope == 'session' else 2)
    for note in notes:
        assert not psutil.pid_exists(note['pid'])
        assert not Path(note['folder']).exists()
        assert database == 'postgres' or note['database'].startswith(f'sqlite:///{note["folder"]}/')
    if database == 'postgres':
        assert leftover_schemas({note['database'].rpartition('search_path%3D')[2] for note in notes}) == set()


def test_a_failing_test_reports_the_storefront_log(project: Path) -> None:
    """In the function scope, where the browser's base URL is each test's own storefront."""
    (project / 'test_theirs.py').write_text(
        'from playwright.sync_api import expect\n'
        'def test_fails(page, storefront):\n'
        '    page.goto("/")\n'
        '    expect(page.get_by_test_id("result-count")).to_have_text("2 products")\n'
        '    assert False, "on purpose"\n'
    )

    result = run_their_tests(project, '-o', 'storefront_scope=function')

    assert result.returncode == 1
    assert 'AssertionError: on purpose' in result.stdout
    assert 'storefront log (http://127.0.0.1:' in result.stdout
    assert 'NiceGUI ready to go' in result.stdout


def test_a_bad_scope_is_refused_with_the_choices(project: Path) -> None:
    result = run_their_tests(project, '-o', 'storefront_scope=module')
    assert result.returncode != 0
    assert 'storefront_scope is "session" or "function"' in result.stderr


def leftover_schemas(names: set[str]) -> set[str]:
    engine = create_engine(POSTGRES_ADMIN_URL)
    try:
        with engine.connect() as connection:
            found = connection.execute(text('SELECT nspname FROM pg_namespace')).scalars()
            return names & set(found)
    finally:
        engine.dispose()
