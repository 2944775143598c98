"""The MIP baseline: the offduty solver's first two stages as one mixed-integer program for HiGHS.

Stage 1 maximizes priority-weighted coverage (`piece.weight`, the CP-SAT stage 1 objective);
stage 2 keeps coverage at stage 1's value and minimizes the largest total minutes (hours to date
plus new). Like the offduty solver, stage 1 starts from the greedy rotation-list roster and
falls back to it when HiGHS finds nothing better in time (`warm_start=False` starts cold). There
is no stage 3 (soft preferences) and no fairness polish: this is what a plain MIP of the same
rules gives, not a copy of the offduty pipeline. The roster comes back as a `Draft`, so
`scheduler.solve.report.assemble` prices, explains and validates it like any other. HiGHS runs
on its default threads; its branch and bound is essentially sequential.
"""

from __future__ import annotations

import importlib.metadata
import logging
import math
import os
import sys
import time
from dataclasses import dataclass, field

import highspy
import numpy as np

from models.problem import Problem
from models.result import RosterResult, RosterStatus, SolverStats, StageStats
from scheduler.context import Context, coverage_scale, prepare
from scheduler.rules.eligibility import candidates
from scheduler.rules.load import OfficerLoad
from scheduler.solve import report
from scheduler.solve.draft import Draft
from scheduler.solve.greedy import greedy
from scheduler.solve.locks import check_locks
from scheduler.solve.mip import INF, MipModel, Rows, formulate
from scheduler.solve.objective import trivial_bound
from scheduler.solve.pieces import PieceSet, build_pieces
from scheduler.solve.polish import final_loads
from scheduler.solve.stages import StageOutcome

log = logging.getLogger(__name__)

# Stage 1's share of the time left after the model is built; stage 2 gets the rest.
STAGE1_SHARE = 0.6
# Both objectives take whole values (coverage units, minutes), so a gap under 1 proves optimality.
ABS_GAP = 0.5
# Above this many pair columns HiGHS's presolve and symmetry detection ignore the time limit: on M
# (123k columns) presolve took 24-36 s and symmetry detection 65 s of a 9 s stage budget, where
# with both off the stage ends on time (16.3 s of 15 s). The solver switches strategy at the
# same size (scheduler.solve.splits.LARGE_MODEL).
LARGE_MIP = 30_000


@dataclass
class MipRun:
    """The two stages' outcome: the roster, its status and the bounds the MIP proved."""

    draft: Draft
    status: RosterStatus
    stages: list[StageOutcome] = field(default_factory=list)
    first_solution_s: float | None = None
    coverage_bound: float | None = None  # position-equivalents; None when proven by stage 1
    max_total_bound: float | None = None  # hours
    notes: list[str] = field(default_factory=list)


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance. The first one in a process prints a banner from C++ before any
    option can be set, so standard output is muted at the descriptor level while it is made."""
    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)
    return h


def _load(m: MipModel, seed: int) -> highspy.Highs:
    h = new_highs()
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", ABS_GAP)
    h.setOptionValue("random_seed", seed)
    if len(m.x) > LARGE_MIP:
        h.setOptionValue("presolve", "off")
        h.setOptionValue("mip_detect_symmetry", False)
    n = len(m.upper)
    cols = np.arange(n, dtype=np.int32)
    h.addVars(n, np.zeros(n), np.array(m.upper, dtype=np.float64))
    h.changeColsIntegrality(n, cols, np.ones(n, dtype=np.uint8))  # 1 = integer
    if len(m.rows):
        lower, upper, starts, index, value = m.rows.arrays()
        h.addRows(len(lower), lower, upper, len(index), starts, index, value)
    return h


def _whole_bound(bound: float, maximize: bool) -> float | None:
    """The dual bound rounded inward: both objectives only take whole values."""
    if not math.isfinite(bound):
        return None
    return float(math.floor(bound + 1e-6) if maximize else math.ceil(bound - 1e-6))


def _run(h: highspy.Highs, m: MipModel, name: str, budget: float, maximize: bool) -> StageOutcome:
    """One stage under its own time limit; the first improving solution's time is recorded."""
    h.setOptionValue("time_limit", max(budget, 0.01))
    started = time.perf_counter()
    first: list[float] = []

    def on_solution(_event: object) -> None:
        if not first:
            first.append(time.perf_counter() - started)

    h.cbMipImprovingSolution.subscribe(on_solution)
    try:
        h.run()
    finally:
        h.cbMipImprovingSolution.unsubscribe(on_solution)
    info = h.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    model_status = h.getModelStatus()
    status = (
        "optimal"
        if model_status == highspy.HighsModelStatus.kOptimal
        else "infeasible"
        if model_status == highspy.HighsModelStatus.kInfeasible
        else "feasible"
        if has_solution
        else "unknown"
    )
    out = StageOutcome(
        name, status, None, None, time.perf_counter() - started, first[0] if first else None
    )
    if has_solution:
        values = h.getSolution().col_value
        out.objective = float(round(info.objective_function_value))
        out.x_on = {key for key, col in m.x.items() if values[col] > 0.5}
        out.y = {p: int(round(values[col])) for p, col in m.y.items()}
    out.bound = (
        out.objective if status == "optimal" else _whole_bound(info.mip_dual_bound, maximize)
    )
    log.info(
        "mip %s: %s objective=%s bound=%s in %.2fs",
        name,
        status,
        out.objective,
        out.bound,
        out.wall_s,
    )
    return out


def _coverage_stage(
    h: highspy.Highs, ps: PieceSet, m: MipModel, budget: float, start: Draft | None
) -> StageOutcome:
    cols = np.array(list(m.x.values()), dtype=np.int32)
    weights = np.array([float(ps.pieces[p].weight) for p, _ in m.x], dtype=np.float64)
    h.changeColsCost(len(cols), cols, weights)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    if start is not None:
        n = len(m.upper)
        h.setSolution(n, np.arange(n, dtype=np.int32), m.values(start.assign, start.flow))
    return _run(h, m, "coverage", budget, maximize=True)


def _fairness_stage(
    h: highspy.Highs, ctx: Context, ps: PieceSet, m: MipModel, s1: StageOutcome, budget: float
) -> StageOutcome:
    """Coverage held at stage 1's value; minimize t_max >= every officer's total minutes."""
    n = len(m.upper)
    fixed = {oi: ctx.officers[oi].hours_to_date + m.fixed_minutes.get(oi, 0) for oi in m.by_officer}
    lo = max(
        (ctx.officers[oi].hours_to_date + mins for oi, mins in m.fixed_minutes.items()), default=0
    )
    h.addVar(lo, INF)
    t_max = n
    h.changeColsIntegrality(1, np.array([t_max], dtype=np.int32), np.ones(1, dtype=np.uint8))
    rows = Rows()
    for oi, items in m.by_officer.items():
        rows.add(
            [(t_max, 1.0), *((col, -float(ps.pieces[p].minutes)) for p, col in items)], lo=fixed[oi]
        )
    rows.add(
        ((col, float(ps.pieces[p].weight)) for (p, _), col in m.x.items()),
        lo=round(s1.objective or 0),
    )
    lower, upper, starts, index, value = rows.arrays()
    h.addRows(len(lower), lower, upper, len(index), starts, index, value)
    costs = np.zeros(n + 1)
    costs[t_max] = 1.0
    h.changeColsCost(n + 1, np.arange(n + 1, dtype=np.int32), costs)
    h.changeObjectiveSense(highspy.ObjSense.kMinimize)
    h.setSolution(n + 1, np.arange(n + 1, dtype=np.int32), _start(ps, m, s1, fixed, lo))
    return _run(h, m, "fairness", budget, maximize=False)


def _start(
    ps: PieceSet, m: MipModel, s1: StageOutcome, fixed: dict[int, int], lo: int
) -> np.ndarray:
    """Stage 1's roster as a full starting point for stage 2, t_max included."""
    totals = dict(fixed)
    for p, oi in s1.x_on:
        totals[oi] += ps.pieces[p].minutes
    return np.append(m.values(s1.x_on, s1.y), max([lo, *totals.values()]))


def _highs_coverage_bound(
    ctx: Context, ps: PieceSet, cands: dict[int, list[int]], m: MipModel, s1: StageOutcome
) -> float:
    """Stage 1's dual bound (locked coverage added) or the trivial bound, whichever is lower:
    without presolve HiGHS may only know the sum of all weights. The solver's own
    `solver._coverage_bound` takes CP-SAT's and the LP's bounds instead: two solvers, two bounds."""
    trivial = trivial_bound(ctx, ps, cands)
    if s1.bound is None:
        return trivial
    return min((s1.bound + m.locked_weight) / coverage_scale(), trivial)


def _without_roster(run: MipRun, s1: StageOutcome, start: Draft | None) -> MipRun:
    """Stage 1 found nothing: infeasible (locks), or the starting roster if there was one."""
    run.notes.append(f"MIP stage 1 ended {s1.status} without a roster of its own")
    if s1.status == "infeasible":
        run.status = "infeasible"
    elif start is not None:
        run.status, run.draft = "feasible", start
        run.notes.append("the starting roster (greedy rotation list) is returned")
    return run


def run_stages(
    ctx: Context,
    ps: PieceSet,
    cands: dict[int, list[int]],
    origin: float,
    deadline: float,
    start: Draft | None = None,
) -> MipRun:
    """Both stages before `deadline`; `first_solution_s` counts from `origin` (both are
    `time.perf_counter()` instants). `start`, when given, is stage 1's starting solution and the
    roster returned if HiGHS finds none of its own."""
    m = formulate(ctx, ps, cands)
    log.info("mip: %d pair columns, %d rows", len(m.x), len(m.rows))
    if not m.x:
        return MipRun(Draft(), "optimal", notes=["no officer may take any open shift"])
    h = _load(m, ctx.problem.options.seed)
    stage1_at = time.perf_counter()
    s1 = _coverage_stage(h, ps, m, STAGE1_SHARE * (deadline - stage1_at), start)
    run = MipRun(Draft(), "no_solution", [s1])
    if s1.first_solution_s is not None:
        run.first_solution_s = round(stage1_at - origin + s1.first_solution_s, 3)
    if s1.status != "optimal":
        run.coverage_bound = _highs_coverage_bound(ctx, ps, cands, m, s1)
    if not s1.has_solution:
        return _without_roster(run, s1, start)
    best = s1
    s2 = _fairness_stage(h, ctx, ps, m, s1, deadline - time.perf_counter())
    run.stages.append(s2)
    if s2.has_solution:
        best = s2
    if s2.bound is not None:
        run.max_total_bound = round(s2.bound / 60, 4)
    proven = s1.status == "optimal" and s2.status == "optimal"
    run.status = "optimal" if proven else "feasible"
    if not proven:
        run.notes.append("time limit reached before both MIP stages were proven optimal")
    run.draft = Draft(sorted(best.x_on), dict(best.y))
    return run


def _stats(run: MipRun, started: float, variables: int, seed: int) -> SolverStats:
    return SolverStats(
        status=run.status,
        wall_s=round(time.perf_counter() - started, 3),
        first_solution_s=run.first_solution_s,
        objective=[o.objective for o in run.stages if o.objective is not None],
        bound=[o.bound for o in run.stages if o.bound is not None],
        stages=[
            StageStats(
                name=o.name,
                status=o.status,
                objective=o.objective,
                bound=o.bound,
                wall_s=round(o.wall_s, 3),
            )
            for o in run.stages
        ],
        seed=seed,
        workers=1,
        variables=variables,
        notes=[f"HiGHS {importlib.metadata.version('highspy')}", *run.notes],
    )


def solve_mip(
    problem: Problem, time_limit_s: float | None = None, warm_start: bool = True
) -> RosterResult:
    """The MIP baseline's roster for `problem` within `time_limit_s` (default: the problem's
    own `options.time_limit_s`), assembled and validated like the offduty solver's.

    With `warm_start`, stage 1 starts from the greedy rotation-list roster, as the offduty
    solver does, and falls back to it when HiGHS finds no roster in time."""
    started = time.perf_counter()
    limit = time_limit_s if time_limit_s is not None else problem.options.time_limit_s
    ctx = prepare(problem)
    ps = build_pieces(ctx)
    violations, locked_loads = check_locks(ctx, ps)
    if violations:
        stats = SolverStats(status="infeasible", wall_s=round(time.perf_counter() - started, 3))
        return report.infeasible(ctx, violations, stats)
    cands = candidates(ctx, ps, locked_loads)
    start = None
    if warm_start:
        loads = {
            o.index: (
                locked_loads[o.index].copy() if o.index in locked_loads else OfficerLoad(ctx, o)
            )
            for o in ctx.officers
        }
        start = greedy(ctx, ps, cands, loads)
        first = round(time.perf_counter() - started, 3)
    run = run_stages(ctx, ps, cands, started, started + limit, start)
    if start is not None:
        run.first_solution_s = first
    seed = problem.options.seed
    stats = _stats(run, started, sum(len(c) for c in cands.values()), seed)
    final = final_loads(ctx, ps, run.draft, locked_loads)
    return report.assemble(
        ctx,
        ps,
        cands,
        run.draft,
        locked_loads,
        final,
        run.status,
        stats,
        run.coverage_bound,
        run.max_total_bound,
        run.notes,
    )
