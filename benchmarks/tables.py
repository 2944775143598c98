"""Writing benchmark rows: results.csv (every figure) and RESULTS.md (tables a person reads)."""

from __future__ import annotations

import csv
import importlib.metadata
import os
import platform
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path

from ortools import __version__ as ortools_version  # type: ignore[attr-defined]

from benchmarks.run import Row
from benchmarks.runners import Job

MAIN = [
    ("size", "size"),
    ("solver", "solver"),
    ("workers", "workers"),
    ("status", "status"),
    ("pairs", "pairs"),
    ("filled", "positions"),
    ("coverage", "coverage"),
    ("coverage_bound", "bound"),
    ("gap_pct", "gap %"),
    ("max_total_hours", "max total h"),
    ("max_total_bound", "its lower bound"),
    ("improvable_pairs", "improvable pairs"),
    ("first_s", "first roster s"),
    ("final_s", "final s"),
    ("peak_rss_mb", "peak RSS MB"),
]
RATIOS = [
    ("size", "size"),
    ("solver", "solver"),
    ("workers", "workers"),
    ("coverage_vs_greedy", "coverage / greedy"),
    ("coverage_vs_mip", "coverage / MIP"),
    ("max_total_vs_greedy", "max total / greedy"),
    ("max_total_vs_mip", "max total / MIP"),
]
SWEEP = [
    ("size", "size"),
    ("workers", "workers"),
    ("status", "status"),
    ("coverage", "coverage"),
    ("gap_pct", "gap %"),
    ("max_total_hours", "max total h"),
    ("first_s", "first roster s"),
    ("final_s", "final s"),
    ("peak_rss_mb", "peak RSS MB"),
]
LEGEND = """\
How to read these tables:
- pairs: the (piece, officer) pairs the solver chose among (above 400,000 possible pairs the
  offduty solver keeps a capped subset; greedy and the MIP use them all).
- positions: positions filled (a split position counts its share) / positions requested.
- coverage: priority-weighted position-equivalents filled (rules.md section 7); bound: the
  coverage the solver proved no roster can exceed (greedy proves none); gap %: how far coverage
  is below the best bound any solver proved on the same instance.
- max total h: the largest hours to date plus new hours; its lower bound holds for rosters with
  the stage-1 coverage. improvable pairs: shifts that could move to a lighter free officer.
- first roster s / final s: wall time from the call to the first valid roster and to the result
  (instance generation excluded). Peak RSS: the run's own process, started fresh.
- Ratios compare runs of the same invocation on the same instance.
"""


def _cell(row: Row, key: str) -> str:
    if key == "filled":
        if row.positions_filled is None:
            return ""
        return f"{round(row.positions_filled, 1):g} / {row.positions_requested}"
    value = getattr(row, key)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1000 else f"{value:.1f}"
    return str(value)


def markdown_table(rows: Sequence[Row], columns: list[tuple[str, str]]) -> str:
    head = "| " + " | ".join(title for _, title in columns) + " |"
    rule = "|" + "|".join("---" for _ in columns) + "|"
    body = ["| " + " | ".join(_cell(r, key) for key, _ in columns) + " |" for r in rows]
    return "\n".join([head, rule, *body]) + "\n"


def results_markdown(rows: Sequence[Row], header: str) -> str:
    main = [r for r in rows if r.solver != "offduty" or r.workers == 2]
    sweep = [r for r in rows if r.solver == "offduty"]
    stages = [r for r in rows if r.stages]
    parts = [
        "# Benchmark results\n",
        header.rstrip() + "\n",
        "## Rosters\n",
        markdown_table(main, MAIN),
        "## Ratios (same invocation)\n",
        markdown_table(main, RATIOS),
        "## Workers sweep (offduty solver)\n",
        markdown_table(sweep, SWEEP),
        "## Stages\n",
        markdown_table(
            stages,
            [
                ("size", "size"),
                ("solver", "solver"),
                ("workers", "workers"),
                ("stages", "stage status and wall time"),
            ],
        ),
        LEGEND,
    ]
    return "\n".join(parts)


def write_csv(rows: Sequence[Row], path: Path) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=Row.columns())
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in asdict(row).items()})


def header(jobs: Sequence[Job], seed: int, command: str, elapsed_s: float) -> str:
    """Where the figures come from: command, instances, time limits, versions, total time."""
    sizes = {j.size.name: j.size for j in jobs}
    limits = ", ".join(f"{s.name} {s.time_limit:g} s" for s in sizes.values())
    shapes = "; ".join(
        f"{s.name}: {s.officers} officers, {s.requests} requests, {s.days} days"
        for s in sizes.values()
    )
    return (
        f"Produced by `{command}` on {date.today().isoformat()} in {elapsed_s / 60:.1f} min, "
        f"{os.cpu_count()} CPUs, OR-Tools {ortools_version}, HiGHS {highs_version()}, "
        f"Python {platform.python_version()}. Wall times depend on the machine and on what "
        f"else it runs; compare rows of one file, not across files.\n\n"
        f"Instances: the shared generator (kennesaw-ga), seed {seed}; {shapes}. "
        f"Time limits (offduty solver and MIP alike): {limits}.\n"
    )


def highs_version() -> str:
    try:
        return importlib.metadata.version("highspy")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
