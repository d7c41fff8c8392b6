"""`python -m bench <name> [--quick]`: runs one benchmark against the real app and writes bench/results/<name>.json."""

import argparse
import importlib
from pathlib import Path

from bench.harness import RESULTS

BENCHMARKS = ('freshness', 'fanout', 'sse', 'push_vs_poll', 'changelog', 'plot', 'profile')


def main() -> None:
    parser = argparse.ArgumentParser(prog='python -m bench', description=__doc__)
    parser.add_argument('name', choices=BENCHMARKS)
    parser.add_argument('--quick', action='store_true', help='a smoke run that finishes in under a minute')
    parser.add_argument('--results', type=Path, default=RESULTS, help='folder for the JSON (default bench/results)')
    args = parser.parse_args()
    module = importlib.import_module(f'bench.{args.name}')
    module.run(quick=args.quick, folder=args.results)


if __name__ == '__main__':
    main()
