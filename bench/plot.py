"""`python -m bench plot`: latency against N for fan-out and SSE, from their JSON, as `bench/results/latency.png`."""

import json
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure  # the object API needs no GUI backend

from bench.harness import RESULTS

SERIES = (('fanout', 'shoppers', 'simulated shop pages (websocket)'), ('sse', 'subscribers', 'SSE streams'))


def run(quick: bool = False, folder: Path = RESULTS) -> dict[str, Any]:
    figure = Figure(figsize=(8, 5))
    axis = figure.subplots()
    dates = []
    for name, size_key, label in SERIES:
        record = load(folder, name, quick)
        if record is None:
            continue
        dates.append(record['date'][:10])
        rows = [row for row in record['rows'] if row[size_key]]
        sizes = [row[size_key] for row in rows]
        axis.plot(sizes, [row['last']['p50'] for row in rows], 'o-', label=f'{label}: p50')
        axis.plot(sizes, [row['last']['p99'] for row in rows], 's--', label=f'{label}: p99')
    axis.axhline(250, color='grey', linewidth=0.8, linestyle=':', label='target p99 250 ms')
    axis.set_xscale('log')
    axis.set_xlabel('open shop pages / SSE subscribers (N)')
    axis.set_ylabel('admin write → last one updated (ms)')
    axis.set_title(f'Live Storefront fan-out latency ({", ".join(sorted(set(dates)))}, 2 shared cores)')
    axis.grid(True, which='both', alpha=0.3)
    axis.legend(fontsize=8)
    path = folder / f'latency{"-quick" if quick else ""}.png'
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    print(f'wrote {path}')
    return {'plot': str(path)}


def load(folder: Path, name: str, quick: bool) -> dict[str, Any] | None:
    path = folder / f'{name}{"-quick" if quick else ""}.json'
    return json.loads(path.read_text()) if path.exists() else None
