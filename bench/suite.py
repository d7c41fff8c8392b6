"""`python -m bench all`: every benchmark in one go, with a progress bar, then the plot and a summary.

The summary (`bench/results/summary.json` and `summary.txt`) holds the figures a reader needs to compare two
runs: each of ours beside what it is measured against in the same run (a floor, or the app before a change)
and the ratio. Absolute figures move with the machine and its load; the ratios much less.
"""

import importlib
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

from bench import plot
from bench.compare import FIGURES, quotient, times, value
from bench.harness import RESULTS, save, start_record, table
from bench.progress import Progress

NOT_IN_SUITE = ('plot', 'profile')  # the plot runs last, from the others' files; the profile is a diagnosis


def run(names: tuple[str, ...], quick: bool = False, folder: Path = RESULTS) -> dict[str, Any]:
    modules = {name: importlib.import_module(f'bench.{name}') for name in names if name not in NOT_IN_SUITE}
    progress = Progress(sum(planned(module, quick) for module in modules.values()) + 1)
    record = start_record('summary', quick)
    record['benchmarks'] = {}
    for name, module in modules.items():
        record['benchmarks'][name] = entry = {'file': f'{name}{"-quick" if quick else ""}.json'}
        try:
            if hasattr(module, 'steps'):
                result = module.run(quick=quick, folder=folder, progress=progress)
            else:
                result = module.run(quick=quick, folder=folder)
                progress.advance(name)
            entry['figures'] = SUMMARIES.get(name, lambda _record: [])(result)
        except Exception:  # one benchmark that fails does not lose the others
            entry['error'] = traceback.format_exc()
            print(entry['error'])
    plot.run(quick=quick, folder=folder)
    progress.advance('plot')
    record['failed'] = [name for name, entry in record['benchmarks'].items() if 'error' in entry]
    text = summary_table(record)
    print(f'\n{text}')
    (folder / f'summary{"-quick" if quick else ""}.txt').write_text(text + '\n')
    save(record, folder)
    if record['failed']:
        raise SystemExit(f'failed: {", ".join(record["failed"])}')
    return record


def planned(module: ModuleType, quick: bool) -> int:
    return int(module.steps(quick)) if hasattr(module, 'steps') else 1


def summary_table(record: dict[str, Any]) -> str:
    """Per benchmark, one line per N and what ours is measured against: ours ÷ it, for each figure (the JSON holds
    both sides of every ratio)."""
    machine = record['machine']
    parts = [f'ours ÷ floor, {record["date"]}, {machine["cores"]} cores, {machine["cpu"]}']
    for name, entry in record['benchmarks'].items():
        found = entry.get('figures', [])
        if not found:
            parts.append(f'\n{name}: {"failed" if "error" in entry else "no figures"} ({entry["file"]})')
            continue
        names = list(dict.fromkeys(item['figure'] for item in found))
        lines: dict[tuple[Any, str], dict[str, str]] = {}
        for item in found:
            lines.setdefault((item['n'], item['against']), {})[item['figure']] = times(item['ratio'])
        rows = [[n, against, *(cells.get(f, '-') for f in names)] for (n, against), cells in lines.items()]
        parts.append(f'\n{name} ({entry["file"]})\n' + table(['N', 'against', *names], rows))
    return '\n'.join(parts)


def figure(n: Any, name: str, ours: float | None, against: str, base: float | None) -> dict[str, Any]:
    return {'n': n, 'figure': name, 'ours': ours, 'against': against, 'value': base, 'ratio': quotient(ours, base)}


def beside_floors(size_key: str) -> Any:
    def summarize(record: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            figure(row[size_key], name, value(row, name), label, value(floor, name))
            for row in record['rows']
            if 'floors' in row
            for label, floor in row['floors'].items()
            for name in FIGURES
        ]

    return summarize


def freshness(record: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for row in record['rows']:
        floors = {'write alone': row['write_round_trip'], 'websocket': row['floors']['websocket']['round_trip']}
        for label, floor in floors.items():
            found += [figure(row['pages'], key, row['every_page'][key], label, floor[key]) for key in ('p50', 'p99')]
    return found


def push_vs_poll(record: dict[str, Any]) -> list[dict[str, Any]]:
    poll, push = record['rows'][0], record['rows'][1]
    return [
        figure(push['shoppers'], key, push[key], 'polling', poll[key]) for key in ('requests', 'bytes', 'cpu_seconds')
    ]


def changelog(record: dict[str, Any]) -> list[dict[str, Any]]:
    found = [
        figure(dialect, f'write {key}', result['log'][key], 'no change log', result['floor'][key])
        for dialect, result in record['write'].items()
        for key in ('p50', 'p99')
    ]
    racing = record.get('racing') or {}
    if racing:
        log, floor = racing['log']['commits_per_second'], racing['floor']['commits_per_second']
        found.append(figure('postgresql', 'racing commits/s', log, 'no change log', floor))
    return found


SUMMARIES = {
    'sse': beside_floors('subscribers'),
    'fanout': beside_floors('shoppers'),
    'freshness': freshness,
    'push_vs_poll': push_vs_poll,
    'changelog': changelog,
}
