"""`offduty bench-agencies` (a night of many agencies, `benchmarks.agencies`) and `offduty
bench-jobs` (sustained load on durable jobs, `benchmarks.jobs_load`).

Builds a store of N generated agencies in a temporary folder, runs `nightly --all-agencies` on
1 process, 2 processes and a local Dask cluster of 2 workers, prints the table and writes it
to `--out`.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from cli.argtypes import bounded_float, bounded_int


def register(sub: Any) -> None:
    parser = sub.add_parser("bench-agencies",
                            help="time a night of many generated agencies on 1, 2 and Dask")
    parser.add_argument("--agencies", type=bounded_int(1, 1000), default=50, metavar="N",
                        help="generated agencies (default 50)")
    parser.add_argument("--time-limit", type=bounded_float(0, 3600, low_open=True), default=1.0,
                        metavar="S", help="solver time limit per agency (default 1)")
    parser.add_argument("--out", type=Path, default=None, metavar="FILE",
                        help="also write the table (markdown) here")
    parser.set_defaults(func=run)
    register_jobs(sub)


def run(args: argparse.Namespace) -> int:
    from benchmarks.agencies import markdown, run_bench

    with tempfile.TemporaryDirectory() as folder:
        rows = run_bench(args.agencies, args.time_limit, Path(folder))
    text = markdown(rows, args.agencies, args.time_limit)
    print(text, end="")
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")
    return 1 if any(r.failed for r in rows) else 0


def register_jobs(sub: Any) -> None:
    parser = sub.add_parser("bench-jobs",
                            help="sustained load on a real server's durable jobs")
    parser.add_argument("--duration", type=bounded_float(0, 3600, low_open=True), default=60,
                        metavar="S", help="seconds of sustained load (default 60)")
    parser.add_argument("--clients", type=bounded_int(1, 64), default=4, metavar="N",
                        help="callers posting and polling at once (default 4)")
    parser.add_argument("--out", type=Path, default=None, metavar="FILE",
                        help="also write the figures (markdown) here")
    parser.set_defaults(func=run_jobs)


def run_jobs(args: argparse.Namespace) -> int:
    from benchmarks.jobs_load import markdown, run_load

    figures = run_load(args.duration, args.clients)
    text = markdown(figures)
    print(text, end="")
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")
    return 0 if figures.failed == 0 and figures.flood_retry_after else 1
