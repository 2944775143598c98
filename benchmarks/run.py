"""The benchmark harness behind `offduty bench` (issue 4): three solvers on seeded instances.

For each size it runs, in this order, the greedy rotation-list baseline, the offduty solver (two
workers, its default), the HiGHS MIP (sizes S and M) and the offduty solver on one worker (the
workers sweep, S and M). Each run happens in a fresh `spawn` subprocess so its peak memory is its
own; every roster goes through the validator and the harness stops at the first one that fails.
Ratios against greedy and the MIP come from the same invocation, never from older figures.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from multiprocessing.connection import Connection
from typing import Any

from benchmarks.runners import Job, Outcome, Size, measure, measure_dict

log = logging.getLogger(__name__)

SIZES = {
    "S": Size("S", officers=60, requests=150, days=7, time_limit=10.0),
    "M": Size("M", officers=400, requests=1200, days=14, time_limit=20.0),  # its target
    "L": Size("L", officers=2000, requests=6000, days=14, time_limit=90.0),
}
MIP_SIZES = ("S", "M")  # the MIP finds nothing useful at L within any budget we can afford
SWEEP_SIZES = ("S", "M")
DEFAULT_WORKERS = 2


class InvalidRoster(RuntimeError):
    """A solver returned a roster that breaks a hard rule: the benchmark must not go on."""


@dataclass
class Row:
    """One line of results.csv: a run's figures and its ratios against greedy and the MIP."""

    size: str
    solver: str
    workers: int
    status: str
    positions_requested: int | None
    positions_filled: float | None
    coverage: float | None
    coverage_bound: float | None  # the solver's own proven bound (greedy proves none)
    gap_pct: float | None  # against the best bound any solver proved on this instance
    max_total_hours: float | None
    max_total_bound: float | None
    improvable_pairs: int | None
    first_s: float | None
    final_s: float | None
    peak_rss_mb: float | None
    coverage_vs_greedy: float | None
    coverage_vs_mip: float | None
    max_total_vs_greedy: float | None
    max_total_vs_mip: float | None
    stages: str
    pairs: int | None = None

    @classmethod
    def columns(cls) -> list[str]:
        return [f.name for f in fields(cls)]


def plan(
    sizes: Iterable[str], seed: int, time_limit: float | None = None, sweep: bool = True
) -> list[Job]:
    """The runs of one benchmark, in execution order."""
    jobs = []
    for name in sizes:
        size = SIZES[name]
        if time_limit is not None:
            size = Size(size.name, size.officers, size.requests, size.days, time_limit)
        jobs.append(Job(size, "greedy", seed, workers=1))
        jobs.append(Job(size, "offduty", seed, DEFAULT_WORKERS))
        if name in MIP_SIZES:
            jobs.append(Job(size, "mip", seed, workers=1))
        if sweep and name in SWEEP_SIZES:
            jobs.append(Job(size, "offduty", seed, 1))
    return jobs


def hard_timeout(job: Job) -> float:
    """When to give up on a run: preparing a large instance and assembling its roster take time
    beyond the solver's limit, the MIP has two stages, and a spawned process imports everything."""
    scale = job.size.officers * job.size.requests / (400 * 1200)
    return 3 * job.size.time_limit + 60 + 60 * scale


def _child(job: Job, conn: Connection) -> None:
    try:
        conn.send(measure_dict(job))
    except BaseException:  # the parent reports it; a child must never die silently
        conn.send({"error": traceback.format_exc()})
    finally:
        conn.close()


def run_isolated(job: Job, timeout: float | None = None) -> Outcome:
    """`measure(job)` in a fresh spawned process (its own peak memory), stopped after `timeout`
    seconds (default: `hard_timeout(job)`)."""
    timeout = hard_timeout(job) if timeout is None else timeout
    mp = multiprocessing.get_context("spawn")
    receive, send = mp.Pipe(duplex=False)
    proc = mp.Process(target=_child, args=(job, send), daemon=True)
    proc.start()
    send.close()
    data: dict[str, Any] | None = None
    try:
        if receive.poll(timeout):
            data = receive.recv()
    except EOFError:
        data = {"error": f"the run's process died (exit code {proc.exitcode})"}
    finally:
        if data is None:
            proc.terminate()
        proc.join()
        receive.close()
    if data is None:
        return _failed(job, "timeout", f"no result after {timeout:.0f} s")
    if "error" in data:
        return _failed(job, "error", data["error"])
    return Outcome(**data)


def _failed(job: Job, status: str, why: str) -> Outcome:
    log.error("%s %s (workers %d): %s", job.size.name, job.solver, job.workers, why)
    workers = job.workers if job.solver == "offduty" else 1
    return Outcome(job.size.name, job.solver, workers, status, {}, None, 0.0, 0.0, [], [why])


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else round(a / b, 4)


def _best_bound(outcomes: list[Outcome]) -> float | None:
    bounds = [
        o.metrics["coverage_upper_bound"]
        for o in outcomes
        if o.solver != "greedy" and o.metrics and o.status in ("optimal", "feasible")
    ]
    return min(bounds) if bounds else None


def summarize(outcomes: list[Outcome]) -> list[Row]:
    """Rows with gaps and ratios, each computed against runs of the same size in this call."""
    rows = []
    for o in outcomes:
        same = [p for p in outcomes if p.size == o.size]
        # A run without a roster (timeout, no_solution) is nothing to compare against.
        rostered = [p for p in same if p.metrics and p.status in ("optimal", "feasible")]
        greedy = next((p.metrics for p in rostered if p.solver == "greedy"), {})
        mip = next((p.metrics for p in rostered if p.solver == "mip"), {})
        m = o.metrics
        best = _best_bound(same)
        coverage = m.get("coverage")
        gap = None if best is None or coverage is None else round(100 * (best - coverage) / best, 2)
        rows.append(
            Row(
                size=o.size,
                solver=o.solver,
                workers=o.workers,
                status=o.status,
                positions_requested=m.get("positions_requested"),
                positions_filled=m.get("positions_filled"),
                coverage=coverage,
                coverage_bound=None if o.solver == "greedy" else m.get("coverage_upper_bound"),
                gap_pct=gap,
                max_total_hours=m.get("max_total_hours"),
                max_total_bound=m.get("max_total_lower_bound"),
                improvable_pairs=m.get("improvable_pairs"),
                first_s=o.first_s,
                final_s=o.final_s if m else None,
                peak_rss_mb=o.peak_rss_mb if m else None,
                coverage_vs_greedy=_ratio(coverage, greedy.get("coverage")),
                coverage_vs_mip=_ratio(coverage, mip.get("coverage")),
                max_total_vs_greedy=_ratio(m.get("max_total_hours"), greedy.get("max_total_hours")),
                max_total_vs_mip=_ratio(m.get("max_total_hours"), mip.get("max_total_hours")),
                stages="; ".join(o.stages),
                pairs=o.pairs,
            )
        )
    return rows


def run_bench(
    jobs: list[Job],
    isolate: bool = True,
    on_outcome: Callable[[Outcome], None] | None = None,
    budget_s: float | None = None,
) -> list[Row]:
    """Run every job (in order), validate every roster, and summarize. With `budget_s`, a run
    is stopped when the budget runs out and the runs after it are reported as skipped, so the
    whole benchmark keeps its time budget whatever the machine's load."""
    deadline = None if budget_s is None else time.perf_counter() + budget_s
    outcomes = []
    for job in jobs:
        log.info("running %s %s (workers %d)", job.size.name, job.solver, job.workers)
        left = None if deadline is None else deadline - time.perf_counter()
        if left is not None and left < 1:
            outcome = _failed(job, "skipped", "the benchmark's time budget was spent")
        elif isolate:
            outcome = run_isolated(job, None if left is None else min(left, hard_timeout(job)))
        else:
            outcome = measure(job)
        if outcome.violations:
            shown = "\n  ".join(outcome.violations[:10])
            raise InvalidRoster(
                f"{job.size.name} {job.solver} (workers {outcome.workers}) broke "
                f"{len(outcome.violations)} hard rule(s):\n  {shown}"
            )
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    return summarize(outcomes)
