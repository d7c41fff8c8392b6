"""The `--quick` smoke run of every benchmark and of its floors, so they cannot rot: each writes its JSON with
sane fields, the floors' figures beside ours.

They run `python -m bench <name> --quick` in a subprocess (the freshness one drives Chromium with async
Playwright, which must not share pytest's loop) into a temporary folder, never over the committed results.
Speed is not asserted: the machine is shared.
"""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def quick(name: str, folder: Path, *options: str, record_name: str = '') -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, '-m', 'bench', name, '--quick', '--results', str(folder), *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    record: dict[str, Any] = json.loads((folder / f'{record_name or name}-quick.json').read_text())
    assert record['quick'] is True
    assert record['machine']['cores'] >= 1
    assert len(record['loadavg_before']) == len(record['loadavg_after']) == 3
    return record


def assert_latencies(stats: dict[str, Any], count: int) -> None:
    assert stats['n'] == count
    assert 0 < stats['p50'] <= stats['p95'] <= stats['p99'] <= stats['max']


def assert_beside(row: dict[str, Any], floors: set[str]) -> None:
    """Each floor's figures and ours ÷ them are there (their size is not asserted: the machine is shared)."""
    assert set(row['floors']) == set(row['ratios']) == floors
    for ratios in row['ratios'].values():
        assert ratios['p50'] > 0 and ratios['p99'] > 0


def test_freshness_times_every_write_in_one_and_five_browser_pages_and_a_bare_websocket(tmp_path: Path) -> None:
    record = quick('freshness', tmp_path)
    assert [row['pages'] for row in record['rows']] == [1, 5]
    for row in record['rows']:
        assert_latencies(row['every_page'], row['writes'] * row['pages'])
        assert_latencies(row['last_page'], row['writes'])
        assert_latencies(row['write_round_trip'], row['writes'])
        assert_latencies(row['floors']['websocket']['round_trip'], row['writes'] * row['pages'])
        assert set(row['ratios']) == {'write', 'websocket'}


def test_fanout_reaches_every_simulated_shopper_of_ours_and_of_both_floors(tmp_path: Path) -> None:
    record = quick('fanout', tmp_path)
    baseline, fifty = record['rows']
    assert (baseline['shoppers'], fifty['shoppers']) == (0, 50)
    assert_beside(fifty, {'socketio', 'nicegui'})
    assert fifty['floors']['socketio']['message_bytes'] == fifty['message_bytes'] > 0
    for row in (fifty, *fifty['floors'].values()):
        assert row['shoppers'] == 50
        assert row['missed_deliveries'] == 0
        assert_latencies(row['last'], row['writes'])
        assert row['cpu_ms_per_write'] > 0
        assert row['kb_per_shopper'] > 0


def test_sse_reaches_every_subscriber_of_ours_and_of_both_floors_through_the_suite_which_plots_and_sums_up(
    tmp_path: Path,
) -> None:
    summary = quick('all', tmp_path, '--only', 'sse', record_name='summary')
    record = json.loads((tmp_path / 'sse-quick.json').read_text())
    (row,) = record['rows']
    assert row['subscribers'] == 100
    assert_beside(row, {'uvicorn', 'node'})
    for stream in (row, *row['floors'].values()):
        assert stream['frame_bytes'] == row['frame_bytes'] > 0
        assert stream['missed_reports'] == 0
        assert_latencies(stream['last'], stream['writes'])
        assert stream['kb_per_subscriber'] > 0
    assert (tmp_path / 'latency-quick.png').read_bytes().startswith(b'\x89PNG')
    assert summary['failed'] == []
    figures = summary['benchmarks']['sse']['figures']
    assert {(f['against'], f['figure']) for f in figures} >= {('uvicorn', 'p99'), ('node', 'cpu_per_connection')}
    assert 'ours ÷ floor' in (tmp_path / 'summary-quick.txt').read_text()


def test_push_vs_poll_counts_both_modes(tmp_path: Path) -> None:
    record = quick('push_vs_poll', tmp_path)
    poll, push, push_few = record['rows']
    assert poll['requests'] > 0 and poll['bytes'] > 0
    assert push['requests'] == push['shoppers'] and push_few['shoppers'] < push['shoppers']
    for row in record['rows']:
        assert row['changes'] >= 1
        assert row['db_queries'] > 0 and row['cpu_seconds'] > 0
    assert set(record['reductions']) == {'requests', 'bytes', 'cpu_seconds'}


@pytest.mark.postgres
def test_changelog_measures_writes_with_and_without_the_log_and_outside_writers(tmp_path: Path) -> None:
    record = quick('changelog', tmp_path)
    for dialect in ('sqlite', 'postgresql'):
        assert_latencies(record['write'][dialect]['floor'], 40)
        assert_latencies(record['write'][dialect]['log'], 40)
        assert_latencies(record['outside'][dialect]['outside'], 10)
        assert_latencies(record['outside'][dialect]['own'], 10)
    assert record['racing']['log']['commits_per_second'] > 0 < record['racing']['floor']['commits_per_second']
