"""Ours beside the floor: the ratios (ours ÷ floor, at the same N, in the same run) and the table that shows them.

A benchmark row holds our figures at the top level and each floor's under `floors[<label>]`, measured the same
way; `ratios[<label>]` is ours ÷ that floor for latency p50/p99, CPU per write, CPU per connection per event
(the write alone's CPU taken out) and memory per connection.
"""

from collections.abc import Sequence
from typing import Any

from bench.harness import table

FIGURES = ('p50', 'p99', 'cpu_per_write', 'cpu_per_connection', 'kb_per_connection')


def ratios(ours: dict[str, Any], floor: dict[str, Any]) -> dict[str, float | None]:
    """Ours ÷ floor for each of `FIGURES`; None where either side is missing or the floor is zero."""
    return {figure: quotient(value(ours, figure), value(floor, figure)) for figure in FIGURES}


def value(row: dict[str, Any], figure: str) -> float | None:
    if figure in ('p50', 'p99'):
        found: float | None = row['last'][figure]
        return found
    return {
        'cpu_per_write': row['cpu_ms_per_write'],
        'cpu_per_connection': row['cpu_us_per_connection'],
        'kb_per_connection': row['kb_per_connection'],
    }[figure]


def quotient(value: float | None, base: float | None) -> float | None:
    return value / base if value is not None and base else None


def times(value: float | None) -> str:
    return f'{value:.1f}x' if value is not None else '-'


def per_connection(cpu_ms_per_write: float, cpu_ms_per_write_alone: float, connections: int) -> float | None:
    """Microseconds of server CPU per connection per event: what N connections add to a write, over N."""
    return (cpu_ms_per_write - cpu_ms_per_write_alone) * 1000 / connections if connections else None


def print_comparison(title: str, rows: Sequence[dict[str, Any]], size_key: str, unit: str) -> None:
    """One line per N and server: ours first, then each floor with ours ÷ it."""
    headers = [
        'N', 'server', 'p50', 'p95', 'p99', 'CPU ms/write', f'µs/{unit}/event', f'KB/{unit}',
        'ours÷ p50', 'p99', 'CPU/write', f'CPU/{unit}', f'KB/{unit}',
    ]  # fmt: skip
    lines = []
    for row in rows:
        lines.append([row[size_key], 'ours', *figures(row), '', '', '', '', ''])
        for label, floor in row.get('floors', {}).items():
            lines.append([row[size_key], label, *figures(floor), *(times(r) for r in row['ratios'][label].values())])
    print(f'\n{title}')
    print(table(headers, lines))


def figures(row: dict[str, Any]) -> list[Any]:
    last = row['last']
    cpu = [row['cpu_ms_per_write'], row['cpu_us_per_connection'], row['kb_per_connection']]
    return [last['p50'], last['p95'], last['p99'], *cpu]
