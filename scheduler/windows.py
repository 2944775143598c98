"""City scale: large-neighbourhood search over time windows, around CP-SAT.

A monolithic model of 400 officers and two weeks (about 90,000 pair variables) spends CP-SAT's
whole budget in presolve on two cores. Instead, start from the greedy roster and re-optimize one
window of local days at a time: the window's requests are free, every shift outside it is fixed
(it counts toward caps, overlap and rest exactly like a locked shift), and the current roster of
the window is the hint, so each window can only improve coverage. Windows sweep the horizon
until the time budget is spent.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import date

from ortools.sat.python import cp_model

from models.problem import SolveOptions
from scheduler.context import Context
from scheduler.eligibility import OfficerLoad
from scheduler.greedy import Draft
from scheduler.model import Model, build
from scheduler.pieces import PieceSet
from scheduler.stages import StageOutcome, hint, run_stage
from scheduler.timeutil import local_date

log = logging.getLogger(__name__)
WINDOW_VARIABLES = 12_000  # pair variables per window that CP-SAT handles in a couple of seconds


def _windows(ctx: Context, ps: PieceSet, cands: dict[int, list[int]]) -> list[list[int]]:
    """Requests grouped into runs of consecutive start dates of bounded model size."""
    by_day: dict[date, list[int]] = defaultdict(list)
    for r in ps.by_request:
        by_day[local_date(ctx.requests[r].start, ctx.tz)].append(r)
    windows: list[list[int]] = []
    size = 0
    for day in sorted(by_day):
        day_size = sum(len(cands[p]) for r in by_day[day] for p in ps.by_request[r])
        if windows and size + day_size <= WINDOW_VARIABLES:
            windows[-1].extend(by_day[day])
            size += day_size
        else:
            windows.append(list(by_day[day]))
            size = day_size
    return windows


def _fixed_loads(
    ctx: Context, ps: PieceSet, outside: list[tuple[int, int]], locked: dict[int, OfficerLoad]
) -> dict[int, OfficerLoad]:
    loads = {o: load.copy() for o, load in locked.items()}
    for p, o in outside:
        piece = ps.pieces[p]
        loads.setdefault(o, OfficerLoad(ctx, ctx.officers[o])).add(piece.start, piece.end)
    return loads


def _improve_window(
    ctx: Context,
    ps: PieceSet,
    cands: dict[int, list[int]],
    draft: Draft,
    requests: list[int],
    locked: dict[int, OfficerLoad],
    options: SolveOptions,
    budget: float,
    stop_event: threading.Event | None,
    fair: bool = False,
) -> tuple[Draft, StageOutcome]:
    """Re-solve one window with the rest fixed: for coverage, or (fair) for the largest total
    hours of the window's officers with the window's coverage kept."""
    inside_req = set(requests)
    inside = [(p, o) for p, o in draft.assign if ps.pieces[p].request in inside_req]
    outside = [(p, o) for p, o in draft.assign if ps.pieces[p].request not in inside_req]
    fixed = _fixed_loads(ctx, ps, outside, locked)
    sub_cands: dict[int, list[int]] = {p.index: [] for p in ps.pieces}
    for r in requests:
        for p in ps.by_request[r]:
            piece = ps.pieces[p]
            sub_cands[p] = [
                o for o in cands[p] if o not in fixed or fixed[o].fits(piece.start, piece.end)
            ]
    shifts = [(ps.pieces[p].request, o, ps.pieces[p].start, ps.pieces[p].end) for p, o in outside]
    sub_ctx = dataclasses.replace(ctx, locked=ctx.locked + shifts)
    sub_ps = dataclasses.replace(
        ps,
        by_request={r: ps.by_request[r] for r in requests},
        split_requests=ps.split_requests & inside_req,
    )
    m = build(sub_ctx, sub_ps, sub_cands)
    coverage = sum(ps.pieces[p].weight * var for (p, _), var in m.x.items())
    current = sum(ps.pieces[p].weight for p, _ in inside)
    if fair:
        current = _largest_total(ctx, ps, m, draft)
        m.cp.add(coverage >= sum(ps.pieces[p].weight for p, _ in inside))
        m.cp.minimize(_max_total(ctx, ps, m))
    else:
        m.cp.maximize(coverage)
    hint(
        m, set(inside), {p: n for p, n in draft.flow.items() if ps.pieces[p].request in inside_req}
    )
    name = "fairness-window" if fair else "coverage-window"
    outcome = run_stage(m, name, options, budget, stop_event, light=True)
    better = (outcome.objective or 0) < current if fair else (outcome.objective or 0) > current
    if outcome.has_solution and better:
        flow = {p: n for p, n in draft.flow.items() if ps.pieces[p].request not in inside_req}
        flow.update(outcome.y)
        return Draft(outside + sorted(outcome.x_on), flow), outcome
    return draft, outcome


def _largest_total(ctx: Context, ps: PieceSet, m: Model, draft: Draft) -> int:
    """The largest total (hours to date plus every shift) among the window's officers now."""
    minutes: dict[int, int] = defaultdict(int)
    for p, o in draft.assign:
        minutes[o] += ps.pieces[p].minutes
    for _, o, s, e in ctx.locked:
        minutes[o] += e - s
    return max((ctx.officers[o].hours_to_date + minutes[o] for o in m.by_officer), default=0)


def _max_total(ctx: Context, ps: PieceSet, m: Model) -> cp_model.IntVar:
    """A variable at least every window officer's total; outside shifts are fixed minutes."""
    fixed = {o: ctx.officers[o].hours_to_date + m.fixed_minutes.get(o, 0) for o in m.by_officer}
    most = max(f + sum(ps.pieces[p].minutes for p, _ in m.by_officer[o]) for o, f in fixed.items())
    t_max = m.cp.new_int_var(max(fixed.values()), max(most, max(fixed.values())), "t_max")
    for o, items in m.by_officer.items():
        m.cp.add(t_max >= fixed[o] + sum(ps.pieces[p].minutes * var for p, var in items))
    return t_max


def window_search(
    ctx: Context,
    ps: PieceSet,
    cands: dict[int, list[int]],
    start: Draft,
    locked: dict[int, OfficerLoad],
    seconds_left: Callable[[], float],
    stop_event: threading.Event | None,
) -> tuple[Draft, list[StageOutcome]]:
    """Sweep the windows for coverage (about two thirds of the time), then once for fairness."""
    windows = _windows(ctx, ps, cands)
    total = seconds_left()
    draft, outcomes = _sweep(
        ctx,
        ps,
        cands,
        start,
        locked,
        windows,
        lambda: seconds_left() - total / 3,
        stop_event,
        fair=False,
    )
    draft, more = _sweep(
        ctx, ps, cands, draft, locked, windows, seconds_left, stop_event, fair=True
    )
    return draft, outcomes + more


def _sweep(
    ctx: Context,
    ps: PieceSet,
    cands: dict[int, list[int]],
    draft: Draft,
    locked: dict[int, OfficerLoad],
    windows: list[list[int]],
    seconds_left: Callable[[], float],
    stop_event: threading.Event | None,
    fair: bool,
) -> tuple[Draft, list[StageOutcome]]:
    """Coverage sweeps repeat while they improve; a fairness sweep runs once."""
    outcomes: list[StageOutcome] = []
    deterministic = ctx.problem.options.deterministic
    fixed_budget = max(0.5, seconds_left()) / max(1, len(windows))
    improved = True
    while improved:
        improved = False
        for requests in windows:
            left = seconds_left()
            stopped = stop_event is not None and stop_event.is_set()
            if stopped or (left < 0.5 and not deterministic):
                return draft, outcomes
            # Deterministic runs: one sweep with equal fixed budgets, whatever the machine's speed.
            budget = fixed_budget if deterministic else min(left, max(2.0, left / len(windows)))
            before = draft
            draft, outcome = _improve_window(
                ctx,
                ps,
                cands,
                draft,
                requests,
                locked,
                ctx.problem.options,
                budget,
                stop_event,
                fair,
            )
            outcomes.append(outcome)
            improved = improved or (draft is not before and not deterministic and not fair)
    return draft, outcomes
