"""One benchmark run: generate the seeded instance, solve it one way, validate, measure.

`measure(job)` is what each fresh subprocess executes, so its peak memory belongs to that run
alone. The instance is generated inside the subprocess (the generator is a pure function of its
arguments, so every solver sees the same problem) and the clock starts after generation.
"""

from __future__ import annotations

import resource
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.mip import solve_mip
from models.problem import Problem
from models.result import RosterResult, SolverStats, StageStats
from scenarios.generator import generate
from scheduler.solve import report
from scheduler.solve.objective import trivial_bound
from scheduler.solve.polish import final_loads
from scheduler.solve.solver import rotation_roster, solve
from scheduler.validate.validator import validate


@dataclass(frozen=True)
class Size:
    name: str
    officers: int
    requests: int
    days: int
    time_limit: float  # seconds, for the offduty solver and the MIP alike


@dataclass(frozen=True)
class Job:
    size: Size
    solver: str
    seed: int
    workers: int = 2
    family: str = ""  # a benchmarks.families name; empty: the generator's default week


@dataclass
class Outcome:
    """What one run produced: the roster's figures, its timings and whether it validated."""

    size: str
    solver: str
    workers: int
    status: str
    metrics: dict[str, Any]
    first_s: float | None
    final_s: float
    peak_rss_mb: float
    violations: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    pairs: int | None = None  # (piece, officer) pairs the solver chose among
    family: str = ""
    seed: int = 0
    time_limit: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # seconds, from result.solver.phases


def instance(job: Job) -> Problem:
    s = job.size
    if job.family:
        from benchmarks.families import generate_from, generator_args, get_family

        problem = generate_from(generator_args(get_family(job.family), s, job.seed))
    else:
        problem = generate(s.officers, s.requests, s.days, job.seed)
    options = problem.options.model_copy(
        update={"time_limit_s": s.time_limit, "num_workers": job.workers, "seed": job.seed}
    )
    return problem.model_copy(update={"options": options})


def solve_greedy(problem: Problem) -> RosterResult:
    """The rotation-list roster alone, assembled (and so validated) like the solver's."""
    started = time.perf_counter()
    rotation = rotation_roster(problem)
    ctx, ps, locked, cands, draft = (
        rotation.ctx, rotation.ps, rotation.locked, rotation.cands, rotation.draft
    )
    bound = trivial_bound(ctx, ps, cands)  # greedy proves nothing
    wall = round(time.perf_counter() - started, 3)
    stats = SolverStats(
        status="feasible",
        wall_s=wall,
        first_solution_s=wall,
        workers=1,
        variables=sum(len(c) for c in cands.values()),
    )
    final = final_loads(ctx, ps, draft, locked)
    return report.assemble(ctx, ps, cands, draft, locked, final, "feasible", stats, bound, None, [])


def peak_rss_mb() -> float:
    """This process's peak resident memory in MiB.

    Linux keeps `ru_maxrss` across exec, so a spawned child would report at least its parent's
    size at fork; VmHWM belongs to the child's own address space. Elsewhere `ru_maxrss` it is
    (KiB on Linux, bytes on macOS).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def measure(job: Job) -> Outcome:
    """Run one solver on the job's instance and check the roster with the validator."""
    problem = instance(job)
    run = {"offduty": solve, "greedy": solve_greedy, "mip": solve_mip}[job.solver]
    started = time.perf_counter()
    result = run(problem)
    final_s = time.perf_counter() - started
    checked = validate(problem, result)
    first = result.solver.first_solution_s
    return Outcome(
        size=job.size.name,
        solver=job.solver,
        workers=job.workers if job.solver == "offduty" else 1,
        status=result.status,
        metrics=result.metrics.model_dump(),
        first_s=None if first is None else round(first, 3),
        final_s=round(final_s, 3),
        peak_rss_mb=peak_rss_mb(),
        violations=[f"{v.code}: {v.message}" for v in checked.violations],
        stages=stage_summary(result.solver.stages),
        pairs=result.solver.variables or None,
        family=job.family,
        seed=job.seed,
        time_limit=job.size.time_limit,
        phases=dict(result.solver.phases),
    )


def stage_summary(stages: list[StageStats]) -> list[str]:
    """One entry per stage name, in order: repeated solves (time windows) are counted."""
    groups: dict[str, list[StageStats]] = {}
    for stage in stages:
        groups.setdefault(stage.name, []).append(stage)
    out = []
    for name, runs in groups.items():
        wall = sum(r.wall_s for r in runs)
        if len(runs) == 1:
            out.append(f"{name} {runs[0].status} {wall:.1f}s")
            continue
        statuses = Counter(r.status for r in runs)
        detail = ", ".join(f"{n} {status}" for status, n in statuses.most_common())
        out.append(f"{name} x{len(runs)} ({detail}) {wall:.1f}s")
    return out


def measure_dict(job: Job) -> dict[str, Any]:
    """`measure` as plain data, for the pipe back to the parent process."""
    return asdict(measure(job))
