"""The three lexicographic CP-SAT stages of one model (S and M), with an LP start (`lp_start.py`).

1. coverage: priority-weighted position-equivalents filled (rules.md section 7), started from
   the LP relaxation's neighbourhood when the model is large enough to need it;
2. fairness: the largest total hours (hours to date plus new) among officers;
3. soft preferences: stability against a previous roster, customers' preferred officers,
   continuity of one officer on a long request, and fewer segments per split position.
Each stage is hinted with the previous roster and keeps what the earlier ones won.
"""

from __future__ import annotations

import dataclasses
import threading

import numpy as np
from ortools.sat.python.cp_model import LinearExpr

from models.result import RosterStatus
from scheduler.context import Context
from scheduler.solve.draft import Draft
from scheduler.solve.lp_start import EarlyLp, lp_start, out_of_time
from scheduler.solve.model import Model
from scheduler.solve.objective import coverage
from scheduler.solve.pieces import PieceSet
from scheduler.solve.stages import (
    WALL_GUARD,
    Clock,
    StageOutcome,
    hint,
    run_stage,
)
from scheduler.timeutil import to_minute

# Stage 3 weights: keeping a previous roster and honouring a customer's preference count most.
W_STABLE, W_PREFERRED, W_CONTINUITY, W_SEGMENTS = 4, 4, 2, 1
# The preference stage only breaks ties among equally covered, equally fair rosters: it gets at
# most this share of the limit, so a roster does not wait on it.
PREFERENCE_SHARE = 0.2
# From this many, CP-SAT's probing presolve alone can outlast a short limit.
LIGHT_PRESOLVE_ABOVE = 4_000


def _totals(ctx: Context, ps: PieceSet, m: Model) -> tuple[dict[int, object], int, int]:
    """Totals that can reach the max, as expressions; a lower and an upper bound on the max.

    Everyone with a candidate is in the fairness set, so the largest fixed total (hours to date
    plus locked) is already a lower bound; officers who cannot exceed it need no row.
    """
    fixed = {
        oi: ctx.officers[oi].hours_to_date + m.fixed_minutes.get(oi, 0)
        for oi in set(m.by_officer) | set(m.fixed_minutes)
    }
    lo = max(fixed.values(), default=0)
    totals: dict[int, object] = {}
    hi = lo
    for oi, items in m.by_officer.items():
        most = fixed[oi] + sum(ps.pieces[p].minutes for p, _ in items)
        if most > lo:
            minutes = [ps.pieces[p].minutes for p, _ in items]
            totals[oi] = fixed[oi] + LinearExpr.weighted_sum([v for _, v in items], minutes)
            hi = max(hi, most)
    return totals, lo, hi


def _largest_total(
    ctx: Context, ps: PieceSet, m: Model, x_on: set[tuple[int, int]], lo: int
) -> int:
    """The largest total (minutes) of the roster `x_on`, for the fairness stage's hint."""
    new: dict[int, int] = {}
    for p, oi in x_on:
        new[oi] = new.get(oi, 0) + ps.pieces[p].minutes
    fixed = m.fixed_minutes
    return max(
        [lo] + [ctx.officers[oi].hours_to_date + fixed.get(oi, 0) + n for oi, n in new.items()]
    )


def _preferences(ctx: Context, ps: PieceSet, m: Model, x_on: set[tuple[int, int]]):
    """Stage 3's objective; its helper variables are hinted from the roster `x_on`."""
    hinted = {
        (h.request_id, h.officer_id, to_minute(h.start), to_minute(h.end)) for h in ctx.problem.hint
    }
    terms = []
    for (p, oi), var in m.x.items():
        piece, off = ps.pieces[p], ctx.officers[oi]
        req = ctx.requests[piece.request]
        if (req.id, off.id, piece.start, piece.end) in hinted:
            terms.append(W_STABLE * var)
        if off.id in req.model.preferred_officers:
            terms.append(W_PREFERRED * var)
    for r in ps.split_requests:
        on_request: dict[int, list] = {}
        for p in ps.by_request[r]:
            for oi, var in m.by_piece.get(p, []):
                on_request.setdefault(oi, []).append(var)
        for oi, vars_ in on_request.items():
            used = m.cp.new_bool_var("")
            m.cp.add_max_equality(used, vars_)
            m.cp.add_hint(used, any((p, oi) in x_on for p in ps.by_request[r]))
            terms.append(-W_CONTINUITY * used)
        terms.extend(-W_SEGMENTS * m.y[p] for p in ps.by_request[r])
    return sum(terms)


def _why_stopped(stop_event: threading.Event | None) -> str:
    return (
        "stopped on request"
        if stop_event is not None and stop_event.is_set()
        else ("time limit reached")
    )


def three_stages(
    ctx: Context,
    ps: PieceSet,
    m: Model,
    start: Draft,
    clock: Clock,
    stop_event: threading.Event | None,
    first: np.ndarray | None = None,
    early: EarlyLp | None = None,
) -> tuple[Draft, RosterStatus, list[StageOutcome], list[str], float | None]:
    """The three lexicographic stages; also the LP relaxation's coverage bound, when solved.
    `first`: the pieces searched first, `early`: the first LP begun (`lp_start.lp_start`)."""
    opts = ctx.problem.options
    notes: list[str] = []
    if not m.x:
        if early is not None:
            early.stop()
        return start, "optimal", [], ["no officer may take any open shift; nothing to solve"], None
    covered = coverage(ps, m)
    m.cp.maximize(covered)
    start, outcomes, lp_bound = lp_start(ctx, ps, m, start, clock, stop_event, first, notes, early)
    if out_of_time(clock):
        notes.append("time limit reached before CP-SAT could search the whole model")
        return start, "feasible", outcomes, notes, lp_bound
    hint(m, {(p, o) for p, o in start.assign}, start.flow)
    light = len(m.x) >= LIGHT_PRESOLVE_ABOVE
    s1 = run_stage(
        m, "coverage", opts, clock.share(0.5), stop_event, light, wall_cap=clock.wall_cap()
    )
    outcomes.append(s1)
    if s1.status == "infeasible":
        notes.append(
            "the locked assignments leave no valid roster: CP-SAT proved it, no single "
            "rule explains it"
        )
        return Draft(), "infeasible", outcomes, notes, lp_bound
    if not s1.has_solution:
        found = [o for o in outcomes[:-1] if o.has_solution]
        if found:
            s1 = dataclasses.replace(
                max(found, key=lambda o: o.objective or 0),
                name="coverage",
                status="feasible",
                bound=s1.bound,
            )
        else:
            notes.append(
                f"{_why_stopped(stop_event)} before CP-SAT found a roster: "
                "greedy rotation-list roster"
            )
            return start, "feasible", outcomes, notes, lp_bound
    m.cp.add(covered >= round(s1.objective or 0))
    totals, lo, hi = _totals(ctx, ps, m)
    t_max = m.cp.new_int_var(lo, hi, "t_max")
    for expr in totals.values():
        m.cp.add(t_max >= expr)
    m.cp.minimize(t_max)
    hint(m, s1.x_on, s1.y)
    m.cp.add_hint(t_max, _largest_total(ctx, ps, m, s1.x_on, lo))  # a complete hint
    s2 = run_stage(
        m, "fairness", opts, clock.share(0.6), stop_event, light, wall_cap=clock.wall_cap()
    )
    outcomes.append(s2)
    best = s2 if s2.has_solution else s1
    if s2.has_solution:
        m.cp.add(t_max <= round(s2.objective or 0))
        hint(m, s2.x_on, s2.y)
        m.cp.add_hint(t_max, round(s2.objective or 0))
        m.cp.maximize(_preferences(ctx, ps, m, s2.x_on))
        s3 = run_stage(
            m,
            "preferences",
            opts,
            min(clock.share(1.0), PREFERENCE_SHARE * clock.limit),
            stop_event,
            light,
            wall_cap=clock.wall_cap(),
        )
        outcomes.append(s3)
        if s3.has_solution:
            best = s3
    if clock.deterministic and clock.elapsed() >= WALL_GUARD * clock.limit - 0.1:
        notes.append(
            f"deterministic budget not reached within {WALL_GUARD} times the time limit: "
            "this roster may differ between runs"
        )
    stages = [o for o in outcomes if o.name in ("coverage", "fairness", "preferences")]
    proven = all(o.status == "optimal" for o in stages) and len(stages) == 3
    if not proven:
        notes.append(f"{_why_stopped(stop_event)} before every stage was proven optimal")
    draft = Draft(sorted(best.x_on), dict(best.y))
    return draft, "optimal" if proven else "feasible", outcomes, notes, lp_bound
