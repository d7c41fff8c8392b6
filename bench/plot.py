"""`python -m bench plot`: fan-out and SSE against N, ours beside the floors, from their JSON, as
`bench/results/latency.png`: latency (p50 solid, p99 dashed) above, server CPU per connection per event below."""

import json
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure  # the object API needs no GUI backend
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from bench.harness import RESULTS

PANELS = (
    ('fanout', 'shoppers', 'fan-out: simulated shop pages (websocket)'),
    ('sse', 'subscribers', 'SSE: /api/cache-events streams'),
)
TARGET_MS = 250
PLAIN = FuncFormatter(lambda value, _position: f'{value:g}')


def run(quick: bool = False, folder: Path = RESULTS) -> dict[str, Any]:
    figure = Figure(figsize=(12, 9))
    grid = figure.subplots(2, len(PANELS), sharey='row')
    dates = set()
    for column, (name, size_key, title) in enumerate(PANELS):
        latency, cpu = grid[0][column], grid[1][column]
        latency.axhline(TARGET_MS, color='grey', linewidth=0.8, linestyle=':', label=f'target p99 {TARGET_MS} ms')
        latency.set_title(title, fontsize=10)
        record = load(folder, name, quick)
        rows = [row for row in record['rows'] if row[size_key]] if record else []
        if record is not None:
            dates.add(record['date'][:10])
            draw_latency(latency, rows, size_key)
            draw_cpu(cpu, rows, size_key)
        for axis in (latency, cpu):
            axis.set_xscale('log')
            axis.set_yscale('log')
            if rows:
                axis.set_xticks([row[size_key] for row in rows])  # the N measured
            axis.yaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))
            for ticks in (axis.xaxis, axis.yaxis):  # 200, not 2 x 10^2
                ticks.set_major_formatter(PLAIN)
                ticks.set_minor_formatter(NullFormatter())
            axis.set_xlabel('N')
            axis.grid(True, which='both', alpha=0.3)
            axis.legend(fontsize=7)
    grid[0][0].set_ylabel('admin write → the last one has it (ms)')
    grid[1][0].set_ylabel('server CPU per connection per event (µs)')
    figure.suptitle(f'Live Storefront beside its floors, same run ({", ".join(sorted(dates))}, 2 shared cores)')
    path = folder / f'latency{"-quick" if quick else ""}.png'
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    print(f'wrote {path}')
    return {'plot': str(path)}


def servers(rows: list[dict[str, Any]], size_key: str) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    """(N, figures) per server: ours first, then each floor."""
    found = {'ours': [(row[size_key], row) for row in rows]}
    for row in rows:
        for label, floor in row.get('floors', {}).items():
            found.setdefault(label, []).append((row[size_key], floor))
    return found


def draw_latency(axis: Any, rows: list[dict[str, Any]], size_key: str) -> None:
    """p50 solid, p99 dashed, one colour per server."""
    for index, (label, points) in enumerate(servers(rows, size_key).items()):
        sizes = [size for size, _ in points]
        colour = f'C{index}'
        axis.plot(sizes, [row['last']['p50'] for _, row in points], 'o-', color=colour, label=f'{label} p50')
        axis.plot(sizes, [row['last']['p99'] for _, row in points], 's--', color=colour, label=f'{label} p99')


def draw_cpu(axis: Any, rows: list[dict[str, Any]], size_key: str) -> None:
    for index, (label, points) in enumerate(servers(rows, size_key).items()):
        shown = [
            (size, row['cpu_us_per_connection']) for size, row in points if (row.get('cpu_us_per_connection') or 0) > 0
        ]
        if shown:
            axis.plot(*zip(*shown, strict=True), 'o-', color=f'C{index}', label=label)


def load(folder: Path, name: str, quick: bool) -> dict[str, Any] | None:
    path = folder / f'{name}{"-quick" if quick else ""}.json'
    return json.loads(path.read_text()) if path.exists() else None
