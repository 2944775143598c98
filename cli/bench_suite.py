"""`offduty bench-suite`: every problem family against greedy, HiGHS and the stored references.

`offduty bench-suite` (`make bench`) writes suite.csv and RESULTS.md into `--out`;
`offduty bench-suite --refs` (`make bench-refs`) computes the HiGHS references (12x each
size's limit) of S and M into `--refs-dir`, keeping those already stored and up to date.
Exits 1 when a solver returns a roster that the validator rejects.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.families import FAMILIES, SUITE_SIZES, suite_problems
from benchmarks.refs import REFS_DIR, compute_references
from benchmarks.run import InvalidRoster, run_isolated
from benchmarks.runners import Outcome
from benchmarks.suite import (
    cliff_rows,
    compare,
    load_references,
    plan_suite,
    run_jobs,
    suite_keys,
    worst_per_family,
)
from benchmarks.suite_tables import suite_markdown, write_suite_csv
from benchmarks.tables import highs_version
from models.common import InputError

OUTCOMES = "suite-outcomes.json"  # every run's figures, so RESULTS.md can be rewritten
SHARED_NOTE = (
    "computed on a shared 2-core machine with other jobs running; HiGHS limits are wall-clock, "
    "so a quieter machine may give HiGHS a stronger reference"
)


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "bench-suite",
        help="benchmark every problem family against greedy, HiGHS and stored references",
        description="Solve each family's problems (S and M on two seeds, L on one) with offduty, "
        "greedy and HiGHS; validate every roster; write suite.csv and RESULTS.md.",
    )
    parser.add_argument("--sizes", type=_sizes, default=["S", "M", "L"], help="of S,M,L")
    parser.add_argument("--families", type=_families, help="comma-separated family names")
    parser.add_argument("--out", type=Path, default=Path("benchmarks"), help="results folder")
    parser.add_argument("--refs-dir", type=Path, default=REFS_DIR, help="stored references")
    parser.add_argument("--refs", action="store_true", help="compute the HiGHS references")
    parser.add_argument(
        "--rerender",
        action="store_true",
        help="rewrite RESULTS.md from the runs saved in --out (after new references)",
    )
    parser.add_argument(
        "--budget", type=float, default=14.0, help="minutes for the suite (default 14)"
    )
    parser.set_defaults(func=run)


def _sizes(text: str) -> list[str]:
    names = [part.strip().upper() for part in text.split(",") if part.strip()]
    if not names or any(n not in SUITE_SIZES for n in names):
        raise argparse.ArgumentTypeError(f"sizes are a comma-separated list of S, M, L: {text!r}")
    return names


def _families(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [n for n in names if n not in FAMILIES]
    if not names or unknown:
        raise argparse.ArgumentTypeError(
            f"unknown family {', '.join(unknown) or repr(text)} (known: {', '.join(FAMILIES)})"
        )
    return names


def _progress(o: Outcome) -> None:
    m = o.metrics
    figures = f"coverage {m['coverage']:.1f}" if m else "; ".join(o.stages)[:200]
    print(
        f"{o.size} {o.family} seed {o.seed} {o.solver} ({o.time_limit:g} s): {o.status}, "
        f"{figures}, {o.final_s:.1f} s, {o.peak_rss_mb:.0f} MB",
        flush=True,
    )


def run(args: argparse.Namespace) -> int:
    if args.budget <= 0:
        raise InputError("--budget", "must be a positive number of minutes")
    try:
        return _references(args) if args.refs else _suite(args)
    except InvalidRoster as exc:
        print(f"offduty bench-suite: INVALID ROSTER: {exc}", file=sys.stderr)
        return 1


def _references(args: argparse.Namespace) -> int:
    wanted = None if args.families is None else set(args.families)
    problems = [
        p for p in suite_problems(tuple(args.sizes)) if wanted is None or p[0].name in wanted
    ]
    started = time.perf_counter()
    written = compute_references(args.refs_dir, problems, run_isolated, SHARED_NOTE)
    print(f"wrote {len(written)} reference(s) in {(time.perf_counter() - started) / 60:.1f} min")
    return 0


def _refs_note(refs: dict[Any, Any]) -> str:
    """How many references were compared against and what HiGHS spent on them."""
    wall = sum(run.get("wall_s") or 0.0 for ref in refs.values() for run in ref.runs.values())
    dates = sorted({ref.computed for ref in refs.values()})
    return (
        f"{len(refs)} stored HiGHS references compared against (computed {', '.join(dates)}; "
        f"HiGHS wall time {wall / 60:.1f} min, both runs of each); {SHARED_NOTE}"
    )


def _saved(args: argparse.Namespace) -> tuple[list[Outcome], float]:
    path = args.out / OUTCOMES
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError("--rerender", f"no saved runs in {path}: {exc}") from exc
    return [Outcome(**o) for o in data["outcomes"]], float(data["elapsed_s"])


def _suite(args: argparse.Namespace) -> int:
    if args.rerender:
        outcomes, elapsed = _saved(args)
    else:
        started = time.perf_counter()
        jobs = plan_suite(args.sizes, args.families)
        outcomes = run_jobs(jobs, on_outcome=_progress, budget_s=60 * args.budget)
        elapsed = time.perf_counter() - started
    refs, notes = load_references(args.refs_dir, suite_keys(args.sizes, args.families))
    rows = compare(outcomes, refs)
    missing = [
        f"{f} {s} seed {n}"
        for f, s, n in suite_keys(args.sizes, args.families)
        if s != "L" and (f, s, n) not in refs
    ]
    if missing:
        notes.append("no stored HiGHS reference for: " + ", ".join(missing))
    notes.append(_refs_note(refs))
    header = (
        f"Produced by `offduty bench-suite --sizes {','.join(args.sizes)}` on "
        f"{date.today().isoformat()} in {elapsed / 60:.1f} min, {os.cpu_count()} CPUs, "
        f"HiGHS {highs_version()}, Python {platform.python_version()}. References: "
        f"{SHARED_NOTE}.\n"
    )
    text = suite_markdown(rows, cliff_rows(outcomes, refs), worst_per_family(rows), header, notes)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        write_suite_csv(rows, args.out / "suite.csv")
        saved = {"elapsed_s": elapsed, "outcomes": [asdict(o) for o in outcomes]}
        (args.out / OUTCOMES).write_text(json.dumps(saved, indent=1) + "\n", encoding="utf-8")
        (args.out / "RESULTS.md").write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError("--out", f"cannot write {args.out}: {exc.strerror}") from exc
    print(f"wrote {args.out / 'suite.csv'} and {args.out / 'RESULTS.md'}")
    return 0
