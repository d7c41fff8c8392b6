"""What every benchmark shares: the real app in a subprocess, its CPU and memory, percentiles, the results file.

The app runs as `python app.py` on a free port with its own SQLite database in a temporary folder, exactly as
an operator starts it; the load generators run in the benchmark's own process (or children of it) and only
ever talk to 127.0.0.1.
"""

import datetime
import json
import os
import platform
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import httpx
import psutil

from testkit.process import AppProcess

RESULTS = Path(__file__).resolve().parent / 'results'
TOKEN = 'bench-admin-token-0123456789'
STARTUP_SECONDS = 60
CPUCLOCK_SCHED = 2  # Linux: a process's CPU clock id is (~pid << 3) | 2, as glibc's clock_getcpuclockid builds it


class Server(AppProcess):
    """A server under measurement in a subprocess, in a temporary folder of its own: `with` starts and stops it."""

    def __init__(self, env: dict[str, str] | None = None, *, name: str = 'app') -> None:
        self._folder = tempfile.TemporaryDirectory(prefix=f'bench-{name}-')
        super().__init__(Path(self._folder.name), env, name=name)
        self.ps: psutil.Process | None = None

    def __enter__(self) -> Self:
        raise_fd_limit()
        self.start(STARTUP_SECONDS)
        assert self.process is not None
        self.ps = psutil.Process(self.process.pid)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop(timeout=30)
        self._folder.cleanup()

    def cpu_seconds(self) -> float:
        """CPU time the server process (all its threads) has used so far, to the nanosecond where Linux tells.

        psutil reads clock ticks (10 ms), too coarse for a floor whose write costs less than that; the kernel's
        per-process CPU clock (`clock_getcpuclockid`, built here from the pid) has the same sum in nanoseconds."""
        assert self.ps is not None
        try:
            return time.clock_gettime(((~self.ps.pid) << 3) | CPUCLOCK_SCHED)
        except OSError:
            times = self.ps.cpu_times()
            return float(times.user + times.system)

    def rss(self) -> int:
        assert self.ps is not None
        return int(self.ps.memory_info().rss)

    def admin(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, headers={'Authorization': f'Bearer {TOKEN}'}, timeout=60)


class App(Server):
    """The real app in a subprocess; `with App(products=120) as app:` starts it and stops it."""

    def __init__(self, products: int = 120, env: dict[str, str] | None = None) -> None:
        demo = {'STOREFRONT_DEMO_PRODUCTS': str(products), 'STOREFRONT_ADMIN_TOKEN': TOKEN}
        super().__init__({**demo, **(env or {})})

    def metric(self, name: str) -> float:
        """The sum of a Prometheus metric's samples at `/metrics` (e.g. `storefront_db_queries_total`)."""
        text = httpx.get(f'{self.url}/metrics', timeout=30).text
        pattern = re.compile(rf'^{re.escape(name)}(?:{{[^}}]*}})? (\S+)$', re.MULTILINE)
        return sum(float(value) for value in pattern.findall(text))


@contextmanager
def sampling(app: Server, output: Path | None) -> Iterator[None]:
    """py-spy samples the app's process while the block runs and writes raw (collapsed) stacks to `output`."""
    if output is None:
        yield
        return
    assert app.process is not None
    spy = Path(sys.executable).parent / 'py-spy'
    command = [
        str(spy),
        'record',
        '--pid',
        str(app.process.pid),
        '--format',
        'raw',
        '--rate',
        '250',
        '--nonblocking',
        '-o',
        str(output),
    ]
    recorder = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        yield
    finally:
        recorder.send_signal(signal.SIGINT)  # py-spy writes its file on Ctrl-C
        recorder.wait(60)


def raise_fd_limit() -> None:
    """Thousands of sockets need thousands of file descriptors, in this process and in the app it starts."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Writer:
    """Renames one product through the admin API, keeping its place in a name-sorted listing."""

    def __init__(self, admin: httpx.AsyncClient, product: dict[str, Any]) -> None:
        self.admin = admin
        self.product_id = product['id']
        self.base = product['name']
        self.version = product['version']
        self.count = 0

    def next_name(self) -> str:
        """The name the next write sets: the base name plus a counter, which sorts right after the base name."""
        return f'{self.base} #{self.count + 1}'

    async def write(self) -> float:
        """Sends the rename to `next_name()`; returns the epoch milliseconds taken just before sending it."""
        name = self.next_name()
        self.count += 1
        started = time.time() * 1000
        response = await self.admin.patch(
            f'/api/admin/products/{self.product_id}', json={'version': self.version, 'name': name}
        )
        response.raise_for_status()
        self.version = response.json()['version']
        return started


def first_listed(url: str, query: str = '') -> dict[str, Any]:
    """The first product of the shop's default listing (page 1, sorted by name)."""
    items = httpx.get(f'{url}/api/products{query}', timeout=30).json()['items']
    return dict(items[0])


def groups_of(count: int, size: int) -> list[int]:
    """`count` split into groups of at most `size`, for load-generator processes: 5,000 by 2,500 → [2500, 2500]."""
    return [size] * (count // size) + ([count % size] if count % size else [])


def percentiles(values: Sequence[float]) -> dict[str, float | None]:
    """p50/p95/p99 and max (inclusive method, so few samples interpolate within what was measured)."""
    if not values:
        return {'p50': None, 'p95': None, 'p99': None, 'max': None, 'n': 0}
    if len(values) == 1:
        return {'p50': values[0], 'p95': values[0], 'p99': values[0], 'max': values[0], 'n': 1}
    cuts = statistics.quantiles(values, n=100, method='inclusive')
    return {'p50': cuts[49], 'p95': cuts[94], 'p99': cuts[98], 'max': max(values), 'n': len(values)}


def machine() -> dict[str, Any]:
    model = ''
    cpuinfo = Path('/proc/cpuinfo')
    if cpuinfo.exists():
        found = re.search(r'^model name\s*:\s*(.+)$', cpuinfo.read_text(), re.MULTILINE)
        model = found[1] if found else ''
    return {
        'cores': os.cpu_count(),
        'cpu': model or platform.processor(),
        'memory_mb': psutil.virtual_memory().total // 2**20,
        'python': platform.python_version(),
        'platform': platform.platform(),
    }


def start_record(name: str, quick: bool) -> dict[str, Any]:
    return {
        'benchmark': name,
        'quick': quick,
        'date': datetime.datetime.now(datetime.UTC).isoformat(timespec='seconds'),
        'machine': machine(),
        'loadavg_before': list(os.getloadavg()),
    }


def save(record: dict[str, Any], folder: Path = RESULTS) -> Path:
    """Writes `<folder>/<name>.json` (a quick run writes `<name>-quick.json`, keeping the full run's file)."""
    record['loadavg_after'] = list(os.getloadavg())
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f'{record["benchmark"]}{"-quick" if record["quick"] else ""}.json'
    path.write_text(json.dumps(record, indent=2) + '\n')
    print(
        f'\nwrote {path} (load average {record["loadavg_before"][0]:.2f} → '
        f'{record["loadavg_after"][0]:.2f} on {record["machine"]["cores"]} cores)'
    )
    return path


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A plain text table; floats get one decimal, None shows as '-'."""
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [max(len(str(h)), *(len(row[i]) for row in cells)) for i, h in enumerate(headers)]
    lines = ['  '.join(str(h).rjust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append('  '.join('-' * w for w in widths))
    lines += ['  '.join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return '\n'.join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return '-'
    if isinstance(value, float):
        return f'{value:.1f}'
    return str(value)
