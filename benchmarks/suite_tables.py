"""Writing the family suite: suite.csv (every figure) and RESULTS.md (tables a person reads)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from benchmarks.suite import SuiteRow

PROBLEM = [
    ("family", "family"),
    ("agency", "agency"),
    ("seed", "seed"),
    ("status", "status"),
    ("coverage", "offduty"),
    ("greedy", "greedy"),
    ("highs", "HiGHS same limit"),
    ("reference", "HiGHS ref (12x)"),
    ("vs_greedy", "/ greedy"),
    ("vs_highs", "/ HiGHS"),
    ("vs_reference", "/ ref"),
    ("max_total_h", "max total h"),
    ("ref_max_total_h", "ref max h"),
    ("gap_pct", "bound gap %"),
    ("search_pct", "search %"),
    ("screen_model_pct", "screening+model %"),
    ("resplit_pct", "resplit %"),
    ("wall", "wall s / limit"),
    ("peak_mb", "peak MB"),
]
CLIFF = [
    ("family", "family"),
    ("seed", "seed"),
    ("limit_s", "limit s"),
    ("coverage", "offduty"),
    ("reference", "HiGHS ref (120 s)"),
    ("vs_reference", "/ ref"),
    ("gap_pct", "bound gap %"),
    ("max_total_h", "max total h"),
    ("wall", "wall s / limit"),
]
WORST = [
    ("family", "family"),
    ("seed", "seed"),
    ("vs_greedy", "/ greedy"),
    ("vs_highs", "/ HiGHS"),
    ("vs_reference", "/ ref"),
    ("gap_pct", "bound gap %"),
]
LEGEND = """\
How to read these tables:
- offduty / greedy / HiGHS: priority-weighted coverage (rules.md section 7) of each roster.
  HiGHS same limit is the MIP baseline at the size's limit: rerun at S; at M taken from the
  stored references (marked *), because rerunning it would break the 15-minute budget.
  HiGHS ref is the stored reference: the MIP given 12 times the limit (`make bench-refs`).
  L has no MIP figure at all: HiGHS finds nothing useful at 2000 officers x 6000 requests.
- / greedy, / HiGHS, / ref: offduty's coverage divided by that column (above 1: offduty ahead).
- bound gap %: how far offduty's coverage is below the bound offduty itself proved.
- search %, screening+model %, resplit %: shares of the time limit by
  `result.solver.phases` (blank when the solver does not report phases), as issue 11's targets
  are stated. search is CP-SAT and the LPs; resplit splits open stretches of long requests again
  after it (docs/solver.md).
- wall s / limit: offduty's wall time from the call to the result, against its time limit.
"""


def _cell(row: SuiteRow, key: str) -> str:
    if key == "wall":
        return "" if row.wall_s is None else f"{row.wall_s:.1f} / {row.limit_s:g}"
    value = getattr(row, key)
    if value is None:
        return ""
    if key == "highs" and row.highs_from == "refs":
        return f"{value:.4g}*"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1000 else f"{value:.1f}"
    return str(value)


def markdown_table(rows: Sequence[SuiteRow], columns: list[tuple[str, str]]) -> str:
    head = "| " + " | ".join(title for _, title in columns) + " |"
    rule = "|" + "|".join("---" for _ in columns) + "|"
    body = ["| " + " | ".join(_cell(r, key) for key, _ in columns) + " |" for r in rows]
    return "\n".join([head, rule, *body]) + "\n"


def suite_markdown(
    rows: Sequence[SuiteRow],
    cliff: Sequence[SuiteRow],
    worst: Sequence[SuiteRow],
    header: str,
    notes: Sequence[str] = (),
) -> str:
    parts = ["# Benchmark results: problem families\n", header.rstrip() + "\n"]
    for size in ("S", "M", "L"):
        chosen = [r for r in rows if r.size == size]
        if chosen:
            limit = chosen[0].limit_s
            parts += [f"## Size {size} ({limit:g} s)\n", markdown_table(chosen, PROBLEM)]
    if cliff:
        parts += ["## No cliff: offduty on S at 1, 2, 5 and 10 s\n", markdown_table(cliff, CLIFF)]
    for size in ("S", "M", "L"):
        chosen = [r for r in worst if r.size == size]
        if chosen:
            parts += [f"## Worst member per family, size {size}\n", markdown_table(chosen, WORST)]
    if notes:
        parts += ["## Notes\n", "\n".join(f"- {n}" for n in notes) + "\n"]
    parts.append(LEGEND)
    return "\n".join(parts)


def write_suite_csv(rows: Sequence[SuiteRow], path: Path) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SuiteRow.columns())
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in asdict(row).items()})
