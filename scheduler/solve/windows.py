"""City scale: large-neighbourhood search over time windows, around CP-SAT.

A monolithic model of a city's fortnight spends CP-SAT's whole budget in presolve on two cores
(figures in docs/solver.md, "The figures behind the code's reasoning"). Instead, start from the
greedy roster and re-optimize one window of local days at a time: the window's requests are free,
every shift outside it is fixed (it counts toward caps, overlap and rest exactly like a locked
shift), and the current roster of the window is the hint, so each window can only improve coverage.
Windows sweep the horizon until the time budget is spent. A large window is first solved as an LP
(`relaxation.py`) and CP-SAT then chooses only among the pairs the LP uses, which is what makes a
sweep fast enough to repeat.
"""

from __future__ import annotations

import bisect
import dataclasses
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from models.problem import SolveOptions
from scheduler.context import Context
from scheduler.rules.load import DAY, OfficerLoad
from scheduler.solve import objective
from scheduler.solve.draft import Draft
from scheduler.solve.model import Model, build
from scheduler.solve.pieces import PieceSet
from scheduler.solve.relaxation import fix_outside, solve_relaxation, support
from scheduler.solve.stages import (
    DETERMINISTIC_WALL_FACTOR,
    Clock,
    StageOutcome,
    hint,
    run_stage,
)
from scheduler.timeutil import local_date

log = logging.getLogger(__name__)
WINDOW_VARIABLES = 12_000  # pair variables per window that CP-SAT handles in a couple of seconds
RENS_ABOVE = 3_000  # smaller windows are searched whole: CP-SAT proves them fast, and exactly
COVERAGE_SHARE = 0.7  # of the window search's time, for the coverage sweeps


@dataclasses.dataclass
class _Budget:
    """Seconds a sweep may still spend: the clock's search time left, less what a later sweep
    keeps for itself."""

    clock: Clock
    keep: float

    def left(self) -> float:
        return self.clock.search_left() - self.keep


def _windows(ctx: Context, ps: PieceSet, cands: dict[int, list[int]]) -> list[list[int]]:
    """Requests grouped into runs of consecutive start dates of bounded model size. A day is
    never cut: a half-day window fixes the other half's shifts, and coverage fell when M's
    largest day was cut in two (docs/solver.md)."""
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
    clock: Clock | None = None,
) -> tuple[Draft, StageOutcome]:
    """Re-solve one window with the rest fixed: for coverage, or (fair) for the heavy
    officers' hours with the window's coverage kept (`_excess`).

    A window of more than RENS_ABOVE pairs is built whole, for its LP relaxation, and then every
    pair outside those the LP uses and the current roster's is fixed to 0 (a relaxation-induced
    neighbourhood; `fix_outside`). Near-integral LPs make that nearly the whole window's optimum in
    a fraction of CP-SAT's time alone (docs/solver.md). If GLOP proves nothing in 60% of the budget
    (deterministic runs: four times the budget, so a wall-clock limit cannot change the roster), or
    the window is small, it is searched whole."""
    phase = clock.phase if clock is not None else _no_phase
    inside_req = set(requests)
    inside = [(p, o) for p, o in draft.assign if ps.pieces[p].request in inside_req]
    outside = [(p, o) for p, o in draft.assign if ps.pieces[p].request not in inside_req]
    started = time.perf_counter()
    with phase("model"):
        sub_ctx, sub_ps, sub_cands = _window_problem(ctx, ps, cands, requests, outside, locked)
        m, current = _window_model(ctx, ps, sub_ctx, sub_ps, sub_cands, draft, inside, fair)
    if len(m.x) > RENS_ABOVE:
        lp_seconds = (DETERMINISTIC_WALL_FACTOR if options.deterministic else 0.6) * budget
        if clock is not None and not options.deterministic:
            # Never past the search's deadline: what follows it (polish, report) keeps its time.
            lp_seconds = min(lp_seconds, max(0.05, clock.search_left()))
        with phase("search"):
            lp = solve_relaxation(m.cp, lp_seconds)
        if lp is not None:
            keep = support(m, lp, set(inside))
            log.debug("window LP %.0f, %d of %d pairs free", lp.objective, len(keep), len(m.x))
            with phase("model"):
                fix_outside(m, keep)
    if options.deterministic:
        seconds = max(0.5, budget)  # deterministic time, whatever building the model took
    else:
        seconds = max(0.5, budget - (time.perf_counter() - started))
        if clock is not None:
            seconds = min(seconds, max(0.05, clock.search_left()))
    hint(
        m, set(inside), {p: n for p, n in draft.flow.items() if ps.pieces[p].request in inside_req}
    )
    name = "fairness-window" if fair else "coverage-window"
    with phase("search"):
        outcome = run_stage(m, name, options, seconds, stop_event, light=True)
    better = (outcome.objective or 0) < current if fair else (outcome.objective or 0) > current
    if outcome.has_solution and better:
        flow = {p: n for p, n in draft.flow.items() if ps.pieces[p].request not in inside_req}
        flow.update(outcome.y)
        return Draft(outside + sorted(outcome.x_on), flow), outcome
    return draft, outcome


def _setup_seconds(ps: PieceSet, cands: dict[int, list[int]], requests: list[int]) -> float:
    """Seconds a window takes before its search can stop: finding the candidates that still
    fit, building the model and translating it for GLOP (about 70 us per pair on a 2-core
    machine; counting the build alone, the last window of a sweep overran the search's
    deadline and left the polish 0.07 s: docs/solver.md)."""
    return 7e-5 * sum(len(cands[p]) for r in requests for p in ps.by_request[r])


@contextmanager
def _no_phase(name: str) -> Iterator[None]:
    yield


def _window_problem(
    ctx: Context,
    ps: PieceSet,
    cands: dict[int, list[int]],
    requests: list[int],
    outside: list[tuple[int, int]],
    locked: dict[int, OfficerLoad],
) -> tuple[Context, PieceSet, dict[int, list[int]]]:
    """The window's requests free, every shift outside it fixed like a locked one, and the
    candidates that still fit beside those shifts."""
    inside_req = set(requests)
    fixed = _fixed_loads(ctx, ps, outside, locked)
    near = _outside_starts(ps, outside)
    sub_cands: dict[int, list[int]] = {p.index: [] for p in ps.pieces}
    for r in requests:
        for p in ps.by_request[r]:
            piece = ps.pieces[p]
            sub_cands[p] = [
                o
                for o in cands[p]
                if o not in fixed or _still_fits(fixed[o], near.get(o, []), piece.start, piece.end)
            ]
    shifts = [(ps.pieces[p].request, o, ps.pieces[p].start, ps.pieces[p].end) for p, o in outside]
    sub_ctx = dataclasses.replace(ctx, locked=ctx.locked + shifts)
    sub_ps = dataclasses.replace(
        ps,
        by_request={r: ps.by_request[r] for r in requests},
        split_requests=ps.split_requests & inside_req,
    )
    return sub_ctx, sub_ps, sub_cands


def _outside_starts(ps: PieceSet, outside: list[tuple[int, int]]) -> dict[int, list[int]]:
    starts: dict[int, list[int]] = defaultdict(list)
    for p, o in outside:
        starts[o].append(ps.pieces[p].start)
    for s in starts.values():
        s.sort()
    return starts


def _still_fits(load: OfficerLoad, near: list[int], start: int, end: int) -> bool:
    """Whether a candidate (already checked against locked shifts and on-duty time) still fits
    beside the outside shifts. The week may hold one anywhere; overlap, the day and the 24-hour
    rule only involve shifts that come within a day (and the travel gap) of this one, so
    the expensive rest check is skipped for officers with no such shift."""
    if load.over_week(start, end):
        return False
    limits = load.ctx.limits
    # Outside shifts are at most per_24h long, so one that starts earlier cannot come near.
    i = bisect.bisect_left(near, start - DAY - limits.gap - limits.per_24h)
    if i == len(near) or near[i] >= end + DAY + limits.gap:
        return True
    return load.fits(start, end)


def _window_model(
    ctx: Context,
    ps: PieceSet,
    sub_ctx: Context,
    sub_ps: PieceSet,
    sub_cands: dict[int, list[int]],
    draft: Draft,
    inside: list[tuple[int, int]],
    fair: bool,
) -> tuple[Model, float]:
    """The window's model with its objective, and the current roster's objective value."""
    m = build(sub_ctx, sub_ps, sub_cands)
    covered = objective.coverage(ps, m)
    current: float = sum(ps.pieces[p].weight for p, _ in inside)
    if fair:
        m.cp.add(covered >= current)
        current = _excess(ctx, ps, m, draft)
    else:
        m.cp.maximize(covered)
    return m, current


STEP = 180  # minutes between the thresholds of the fairness penalty
SLOPES = (16, 8, 4, 2, 1)  # per minute above each threshold, the highest (3 h below the top) first


def _excess(ctx: Context, ps: PieceSet, m: Model, draft: Draft) -> float:
    """Minimize a convex penalty of the window officers' totals: minutes above the roster's
    largest total are forbidden, and each minute above thresholds 3, 6, ... 15 hours below it
    costs 1, 3, 7, 15 or 31, more the higher it lies. Unlike the largest total alone, this
    keeps lowering the heavy officers when the largest one cannot shed a shift in this window,
    and it is an LP whose relaxation stays close to integral. Returns the penalty of the
    current roster."""
    minutes: dict[int, int] = defaultdict(int)
    for p, o in draft.assign:
        minutes[o] += ps.pieces[p].minutes
    for _, o, s, e in ctx.locked:
        minutes[o] += e - s
    totals = {o.index: o.hours_to_date + minutes[o.index] for o in ctx.officers}
    top = max(totals.values(), default=0)
    thresholds = [top - STEP * k for k in range(1, len(SLOPES) + 1)]
    terms = []
    current = 0.0
    for o, items in m.by_officer.items():
        fixed = ctx.officers[o].hours_to_date + m.fixed_minutes.get(o, 0)
        total = fixed + sum(ps.pieces[p].minutes * var for p, var in items)
        m.cp.add(total <= max(top, totals[o]))
        most = fixed + sum(ps.pieces[p].minutes for p, _ in items)
        for threshold, slope in zip(thresholds, SLOPES, strict=True):
            if most <= threshold:
                continue
            over = m.cp.new_int_var(0, most - threshold, "")
            m.cp.add(over >= total - threshold)
            terms.append(slope * over)
            current += slope * max(0, totals[o] - threshold)
    m.cp.minimize(sum(terms))
    return current


def window_search(
    ctx: Context,
    ps: PieceSet,
    cands: dict[int, list[int]],
    start: Draft,
    locked: dict[int, OfficerLoad],
    clock: Clock,
    stop_event: threading.Event | None,
) -> tuple[Draft, list[StageOutcome]]:
    """Sweep the windows for coverage (COVERAGE_SHARE of the time, or until a sweep improves
    nothing), then once for fairness. Coverage comes first in the objective, and once each window
    costs less to build, 70% won more coverage than half on the M families without raising the
    largest total at equal coverage (docs/solver.md)."""
    windows = _windows(ctx, ps, cands)
    total = clock.search_left()
    # A deterministic run splits its virtual budget, not the wall time left (which depends on
    # how fast this machine got here), equally over the windows of each sweep.
    virtual = clock.share(1.0) / max(1, len(windows)) if clock.deterministic else 0.0
    draft, outcomes = _sweep(
        ctx,
        ps,
        cands,
        start,
        locked,
        windows,
        _Budget(clock, total * (1 - COVERAGE_SHARE)),
        stop_event,
        fair=False,
        fixed_budget=virtual * COVERAGE_SHARE,
    )
    draft, more = _sweep(
        ctx,
        ps,
        cands,
        draft,
        locked,
        windows,
        _Budget(clock, 0.0),
        stop_event,
        fair=True,
        fixed_budget=virtual * (1 - COVERAGE_SHARE),
    )
    return draft, outcomes + more


def _sweep(
    ctx: Context,
    ps: PieceSet,
    cands: dict[int, list[int]],
    draft: Draft,
    locked: dict[int, OfficerLoad],
    windows: list[list[int]],
    budget_of: _Budget,
    stop_event: threading.Event | None,
    fair: bool,
    fixed_budget: float = 0.0,
) -> tuple[Draft, list[StageOutcome]]:
    """Coverage sweeps repeat while they improve; a fairness sweep runs once. A deterministic
    run gives each window `fixed_budget` of deterministic time, in one sweep."""
    outcomes: list[StageOutcome] = []
    deterministic = ctx.problem.options.deterministic
    improved = True
    while improved:
        improved = False
        for requests in windows:
            left = budget_of.left()
            stopped = stop_event is not None and stop_event.is_set()
            if stopped or (left < 0.5 and not deterministic):
                return draft, outcomes
            if not deterministic and left < 0.5 + _setup_seconds(ps, cands, requests):
                continue  # its model is built before its search can stop; a smaller one may fit
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
                budget_of.clock,
            )
            outcomes.append(outcome)
            improved = improved or (draft is not before and not deterministic and not fair)
    return draft, outcomes
