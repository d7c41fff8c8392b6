"""Profiles the server's hot path during fan-out: py-spy samples `app.py` while N shoppers watch W writes.

Only the writes are sampled (not the start or the shoppers arriving). The raw stacks go to
`bench/results/profile-fanout.stacks`; the summary `profile-fanout.txt` lists the functions holding the most
samples, inclusive (the function and what it calls) and own (the function's own code).
"""

import asyncio
from collections import Counter
from pathlib import Path
from typing import Any

from bench import fanout
from bench.harness import RESULTS, App, save, start_record

SHOPPERS, QUICK_SHOPPERS = 500, 50
WRITES = 20
TOP = 30


def run(quick: bool = False, folder: Path = RESULTS, shoppers: int | None = None) -> dict[str, Any]:
    record = start_record('profile', quick)
    count = shoppers or (QUICK_SHOPPERS if quick else SHOPPERS)
    suffix = '-quick' if quick else ''
    stacks, summary_path = folder / f'profile-fanout{suffix}.stacks', folder / f'profile-fanout{suffix}.txt'
    folder.mkdir(parents=True, exist_ok=True)
    record['rows'] = [asyncio.run(fanout.measure(App(products=fanout.PRODUCTS), count, WRITES, profile=stacks))]
    summary_path.write_text(summarize(stacks.read_text()))
    record['report'] = summary_path.name
    fanout.print_rows(record['rows'])
    print(summary_path.read_text())
    save(record, folder)
    return record


def summarize(raw: str) -> str:
    """Top functions by inclusive and by own samples, from py-spy's collapsed `frame;frame;... count` lines."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(' ')
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [frame.split(' (')[0] + ' ' + location(frame) for frame in stack.split(';')]
        total += count
        for frame in set(frames):
            inclusive[frame] += count
        own[frames[-1]] += count
    lines = [f'{total} samples while the writes ran']
    for title, counter in (('inclusive', inclusive), ('own', own)):
        lines.append(f'\n{title}:')
        lines += [f'{count / total:6.1%}  {frame}' for frame, count in counter.most_common(TOP)]
    return '\n'.join(lines) + '\n'


def location(frame: str) -> str:
    """'(site-packages/nicegui/outbox.py:123)' → 'nicegui/outbox.py'; line numbers would split one function."""
    inside = frame.partition(' (')[2].rstrip(')')
    path = inside.rsplit(':', 1)[0]
    return '/'.join(path.split('/')[-2:])
