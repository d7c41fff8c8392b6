"""`python -m bench <name> [--quick]`: runs one benchmark against the real app and writes bench/results/<name>.json.

`python -m bench all [--only a,b]` runs them all (or those named), then the plot, and writes a summary."""

import argparse
import importlib
import signal
import sys
from pathlib import Path

from bench import suite
from bench.harness import RESULTS

BENCHMARKS = ('freshness', 'fanout', 'sse', 'push_vs_poll', 'changelog', 'checkout', 'plot', 'profile')


def main() -> None:
    parser = argparse.ArgumentParser(prog='python -m bench', description=__doc__)
    parser.add_argument('name', choices=(*BENCHMARKS, 'all'))
    parser.add_argument('--quick', action='store_true', help='a smoke run that finishes in under a minute')
    parser.add_argument('--results', type=Path, default=RESULTS, help='folder for the JSON (default bench/results)')
    parser.add_argument('--only', default='', help='with `all`: the benchmarks to run, comma-separated')
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # as Ctrl-C does: the `with` blocks stop the servers
    # and load generators they started (Python's default for SIGTERM ends at once and leaves them running)
    if args.name == 'all':
        only = tuple(name for name in args.only.split(',') if name)
        unknown = sorted(set(only) - set(BENCHMARKS))
        if unknown:
            parser.error(f'unknown benchmark {unknown[0]!r}')
        suite.run(only or BENCHMARKS, quick=args.quick, folder=args.results)
        return
    module = importlib.import_module(f'bench.{args.name}')
    module.run(quick=args.quick, folder=args.results)


if __name__ == '__main__':
    main()
