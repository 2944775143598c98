"""`offduty bench`: the offduty solver against the greedy baseline and the HiGHS MIP.

Writes results.csv and RESULTS.md into `--out` (default: the benchmarks folder) and prints each
run as it finishes. Exits 1 when a solver returns a roster that the validator rejects.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.run import SIZES, InvalidRoster, Row, plan, run_bench
from benchmarks.runners import Outcome
from benchmarks.tables import MAIN, RATIOS, header, markdown_table, results_markdown, write_csv
from cli import bench_suite
from models.common import InputError


def register(sub: Any) -> None:
    bench_suite.register(sub)  # the family suite, `make bench` since issue 11
    parser = sub.add_parser(
        "bench",
        help="benchmark the solver against the greedy baseline and a MIP",
        description=(
            "Solve seeded instances (S, M, L) with the offduty solver, the greedy rotation "
            "list and the HiGHS MIP; validate every roster; write results.csv and RESULTS.md."
        ),
    )
    parser.add_argument(
        "--sizes", type=_sizes, default=["S", "M", "L"], help="comma-separated, of S,M,L"
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        help="seconds per solver run for every size (default: S 10, M 30, L 90)",
    )
    parser.add_argument("--seed", type=int, default=0, help="instance and solver seed")
    parser.add_argument("--out", type=Path, default=Path("benchmarks"), help="results folder")
    parser.add_argument(
        "--no-sweep", action="store_true", help="skip the one-worker runs of the workers sweep"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=14.0,
        help="minutes for the whole benchmark; runs past it are stopped or skipped (default 14)",
    )
    parser.set_defaults(func=run)


def _sizes(text: str) -> list[str]:
    names = [part.strip().upper() for part in text.split(",") if part.strip()]
    unknown = [n for n in names if n not in SIZES]
    if not names or unknown:
        raise argparse.ArgumentTypeError(f"sizes are a comma-separated list of S, M, L: {text!r}")
    return names


def _progress(o: Outcome) -> None:
    m = o.metrics
    figures = (
        f"coverage {m['coverage']:.1f}, max total {m['max_total_hours']:.1f} h"
        if m
        else "; ".join(o.stages)
    )
    print(
        f"{o.size} {o.solver:<8} workers {o.workers}: {o.status:<9} {figures}, "
        f"{o.final_s:.1f} s, {o.peak_rss_mb:.0f} MB",
        flush=True,
    )


def _command(args: argparse.Namespace) -> str:
    """The invocation as RESULTS.md records it (without --out, which may be a local path)."""
    parts = ["offduty bench", f"--sizes {','.join(args.sizes)}", f"--seed {args.seed}"]
    if args.time_limit is not None:
        parts.append(f"--time-limit {args.time_limit:g}")
    if args.no_sweep:
        parts.append("--no-sweep")
    return " ".join(parts)


def run(args: argparse.Namespace) -> int:
    if args.time_limit is not None and args.time_limit <= 0:
        raise InputError("--time-limit", "must be a positive number of seconds")
    if args.budget <= 0:
        raise InputError("--budget", "must be a positive number of minutes")
    jobs = plan(args.sizes, args.seed, args.time_limit, sweep=not args.no_sweep)
    started = time.perf_counter()
    try:
        rows: list[Row] = run_bench(jobs, on_outcome=_progress, budget_s=60 * args.budget)
    except InvalidRoster as exc:
        print(f"offduty bench: INVALID ROSTER: {exc}", file=sys.stderr)
        return 1
    text = results_markdown(
        rows, header(jobs, args.seed, _command(args), time.perf_counter() - started)
    )
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        write_csv(rows, args.out / "results.csv")
        (args.out / "RESULTS.md").write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError("--out", f"cannot write {args.out}: {exc.strerror}") from exc
    main = [r for r in rows if r.solver != "offduty" or r.workers == 2]
    print()
    print(markdown_table(main, MAIN))
    print(markdown_table(main, RATIOS))
    print(f"wrote {args.out / 'results.csv'} and {args.out / 'RESULTS.md'}")
    return 0
