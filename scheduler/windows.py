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

from models.problem import SolveOptions
from scheduler.context import Context
from scheduler.eligibility import OfficerLoad
from scheduler.greedy import Draft
from scheduler.model import build
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
) -> tuple[Draft, StageOutcome]:
    inside_req = set(requests)
    inside = [(p, o) for p, o in draft.assign if ps.pieces[p].request in inside_req]
    outside = [(p, o) for p, o in draft.assign if ps.pieces[p].request not in inside_req]
    fixed = _fixed_loads(ctx, ps, outside, locked)
    sub_cands: dict[int, list[int]] = {p.index: [] for p in ps.pieces}
    for r in requests:
        for p in ps.by_request[r]:
            piece = ps.pieces[p]
            sub_cands[p] = [
                o
                for o in cands[p]
                if o not in fixed or fixed[o].fits(piece.start, piece.end)
            ]
    shifts = [(ps.pieces[p].request, o, ps.pieces[p].start, ps.pieces[p].end) for p, o in outside]
    sub_ctx = dataclasses.replace(ctx, locked=ctx.locked + shifts)
    sub_ps = dataclasses.replace(
        ps,
        by_request={r: ps.by_request[r] for r in requests},
        split_requests=ps.split_requests & inside_req,
    )
    m = build(sub_ctx, sub_ps, sub_cands)
    m.cp.maximize(sum(ps.pieces[p].weight * var for (p, _), var in m.x.items()))
    hint(
        m, set(inside), {p: n for p, n in draft.flow.items() if ps.pieces[p].request in inside_req}
    )
    outcome = run_stage(m, "coverage-window", options, budget, stop_event, light=True)
    current = sum(ps.pieces[p].weight for p, _ in inside)
    if outcome.has_solution and (outcome.objective or 0) > current:
        flow = {p: n for p, n in draft.flow.items() if ps.pieces[p].request not in inside_req}
        flow.update(outcome.y)
        return Draft(outside + sorted(outcome.x_on), flow), outcome
    return draft, outcome


def window_search(
    ctx: Context,
    ps: PieceSet,
    cands: dict[int, list[int]],
    start: Draft,
    locked: dict[int, OfficerLoad],
    seconds_left: Callable[[], float],
    stop_event: threading.Event | None,
) -> tuple[Draft, list[StageOutcome]]:
    """Sweep the windows, improving coverage, until time runs out or a sweep changes nothing."""
    windows = _windows(ctx, ps, cands)
    draft = start
    outcomes: list[StageOutcome] = []
    improved = True
    deterministic = ctx.problem.options.deterministic
    fixed_budget = seconds_left() / max(1, len(windows))
    while improved:
        improved = False
        for requests in windows:
            left = seconds_left()
            stopped = stop_event is not None and stop_event.is_set()
            if stopped or (left < 0.5 and not deterministic):
                return draft, outcomes
            # Deterministic runs: one sweep with equal fixed budgets, whatever the machine's speed.
            budget = fixed_budget if deterministic else min(left, max(2.0, left / len(windows)))
            before = sum(ps.pieces[p].weight for p, _ in draft.assign)
            draft, outcome = _improve_window(
                ctx, ps, cands, draft, requests, locked, ctx.problem.options, budget, stop_event
            )
            outcomes.append(outcome)
            if sum(ps.pieces[p].weight for p, _ in draft.assign) > before and not deterministic:
                improved = True
    return draft, outcomes
