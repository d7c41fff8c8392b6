"""Profiles the server's hot path beside its floor's: py-spy samples the server while N connections watch W writes.

Fan-out: our app and the bare python-socketio floor (`bench.floors.socketio_bare`), N shoppers each. SSE: our app
and the bare uvicorn floor (`bench.floors.sse_asgi`), N streams each. Only the writes are sampled (not the start
or the connections arriving). The raw stacks go to `bench/results/profile-<benchmark>-<server>.stacks`; the
summary `profile-<benchmark>-<server>.txt` lists the functions holding the most samples, inclusive (the function
and what it calls) and own (the function's own code).
"""

import asyncio
from collections import Counter
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from bench import fanout, sse
from bench.floors import Floor
from bench.harness import RESULTS, App, save, start_record

SHOPPERS, QUICK_SHOPPERS = 500, 50
STREAMS, QUICK_STREAMS = 1000, 100
WRITES = 20
TOP = 30
Measure = Callable[[Path], Coroutine[Any, Any, dict[str, Any]]]


def run(quick: bool = False, folder: Path = RESULTS, shoppers: int | None = None) -> dict[str, Any]:
    record = start_record('profile', quick)
    shoppers = shoppers or (QUICK_SHOPPERS if quick else SHOPPERS)
    streams = QUICK_STREAMS if quick else STREAMS
    suffix = '-quick' if quick else ''
    folder.mkdir(parents=True, exist_ok=True)

    def profiled(name: str, measure: Measure) -> dict[str, Any]:
        stacks, summary = folder / f'profile-{name}{suffix}.stacks', folder / f'profile-{name}{suffix}.txt'
        row = asyncio.run(measure(stacks))
        summary.write_text(summarize(stacks.read_text()))
        print(f'\n{name}: {summary.name}\n{summary.read_text()}')
        return {**row, 'report': summary.name}

    ours = profiled('fanout-ours', lambda out: fanout.measure(App(products=fanout.PRODUCTS), shoppers, WRITES, out))
    socketio = Floor('socketio_bare', str(ours['message_bytes']))
    floor = profiled('fanout-socketio', lambda out: fanout.measure(socketio, shoppers, WRITES, out))
    streams_ours = profiled('sse-ours', lambda out: sse.measure(App(products=30), streams, WRITES, out))
    uvicorn = Floor('sse_asgi', str(streams_ours['frame_bytes']))
    streams_floor = profiled('sse-uvicorn', lambda out: sse.measure(uvicorn, streams, WRITES, out))
    record['rows'] = {
        'fanout': {'ours': ours, 'socketio': floor},
        'sse': {'ours': streams_ours, 'uvicorn': streams_floor},
    }
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
