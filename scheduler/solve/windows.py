"""City scale: large-neighbourhood search over time windows, around CP-SAT.

A monolithic model of a city's fortnight spends CP-SAT's whole budget in presolve on two cores
(figures in docs/solver.md, "The figures behind the code's reasoning"). Instead, start from the
greedy roster and re-optimize one window of local days at a time: the window's requests are free,
every shift outside it is fixed (it counts toward caps, overlap and rest exactly like a locked
shift), and the current roster of the window is the hint, so each window can only improve coverage.
Windows sweep the horizon until the time budget is spent.

Every window's rows come from the horizon's, written once as arrays (`rows.py`): a window is a
cut of them with the outside fixed. A large window is first solved as an LP and CP-SAT then
chooses only among the pairs the LP uses, which is what makes a sweep fast enough to repeat;
once such sweeps stop paying, the next ones search whole windows.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import partial

import numpy as np

from models.problem import SolveOptions
from scheduler.context import Context
from scheduler.solve.draft import Draft, roster_rows
from scheduler.solve.fair_window import excess, hold_the_top
from scheduler.solve.model import fill
from scheduler.solve.objective import covered
from scheduler.solve.pieces import PieceSet
from scheduler.solve.rows import FLOW, PAIR, Horizon, Rows, Window
from scheduler.solve.stages import (
    DETERMINISTIC_WALL_FACTOR,
    Clock,
    StageOutcome,
    hint,
    run_stage,
)
from scheduler.solve.threads import beside
from scheduler.timeutil import local_date

log = logging.getLogger(__name__)
WINDOW_VARIABLES = 12_000  # pair variables per window that CP-SAT handles in a couple of seconds
RENS_ABOVE = 3_000  # smaller windows are searched whole: CP-SAT proves them fast, and exactly
COVERAGE_SHARE = 0.7  # of the window search's time, for the coverage sweeps
# Writing the horizon's rows once, and cutting, relaxing and modelling one window, per pair
# variable on a busy 2-core machine (docs/solver.md).
ROWS_SECONDS_PER_PAIR = 1.5e-5
SETUP_SECONDS_PER_PAIR = 1e-5
# A coverage sweep of LP neighbourhoods that gains less than this share makes the next sweeps
# search whole windows (docs/solver.md).
RENS_STALL = 0.001


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
        day_size = _pairs(ps, cands, by_day[day])
        if windows and size + day_size <= WINDOW_VARIABLES:
            windows[-1].extend(by_day[day])
            size += day_size
        else:
            windows.append(list(by_day[day]))
            size = day_size
    return windows


def _improve_window(
    ctx: Context,
    ps: PieceSet,
    horizon: Horizon,
    draft: Draft,
    requests: list[int],
    options: SolveOptions,
    budget: float,
    stop_event: threading.Event | None,
    fair: bool = False,
    clock: Clock | None = None,
    whole: bool = False,
    officers: set[int] | None = None,
    ahead: _Ahead | None = None,
    then: Callable[[float], None] | None = None,
) -> tuple[Draft, StageOutcome]:
    """Re-solve one window with the rest fixed: for coverage, or (fair) for the heavy
    officers' hours with the window's coverage kept (`fair_window.excess`). The window is the
    requests', or given `officers` those officers' over the horizon (for coverage only:
    `rows.Horizon.cut_officers`).

    The window is cut out of the horizon's rows (`rows.Horizon.cut`). One of more than
    RENS_ABOVE pairs is first solved as an LP, and CP-SAT then gets only the pairs the LP uses
    and the current roster's (a relaxation-induced neighbourhood). Near-integral LPs make that
    nearly the whole window's optimum in a fraction of CP-SAT's time alone (docs/solver.md). If
    GLOP proves nothing in 60% of the budget (deterministic runs: four times the budget, so a
    wall-clock limit cannot change the roster), or the window is small, it is searched whole.
    Given `ahead`, the window was cut and its LP solved while the window before it was searched
    (`_Ahead`); `then(budget)` is called once the window is cut, with what is left of its
    budget: there the next window's cut and LP start (`_Lookahead.start`)."""
    phase = clock.phase if clock is not None else _no_phase
    inside_req = set(requests)
    started = time.perf_counter()
    with phase("model"):
        cut = (
            _cut(ctx, ps, horizon, draft, requests, officers)
            if ahead is None
            else ahead.cut_for(draft)
        )
        win, inside, outside, free_flows = cut.win, cut.inside, cut.outside, cut.free_flows
        current: float = sum(ps.pieces[p].weight for p, _ in inside)
        if fair:
            current = excess(ctx, ps, win, draft, inside_req, current)
    if then is not None:
        then(max(0.0, budget - (time.perf_counter() - started)))
    keep = None
    if win.pairs > RENS_ABOVE and not whole:
        lp_seconds = (
            DETERMINISTIC_WALL_FACTOR * budget
            if options.deterministic or clock is None
            else _lp_seconds(budget, clock)
        )
        with phase("search"):
            values = ahead.result(stop_event) if ahead is not None else win.relax(lp_seconds)
        if values is not None:
            keep = win.support(values, set(inside))
            log.debug("window LP: %d of %d pairs free", int(keep.sum()), win.pairs)
    with phase("model"):
        m = win.model(keep)
    if options.deterministic:
        seconds = max(0.5, budget)  # deterministic time, whatever building the model took
    else:
        seconds = max(0.5, budget - (time.perf_counter() - started))
        if clock is not None:
            seconds = min(seconds, max(0.05, clock.search_left()))
    hint(m, set(inside), {p: n for p, n in draft.flow.items() if p in free_flows})
    name = (
        "fairness-window" if fair else "coverage-window" if officers is None else "officer-window"
    )
    with phase("search"):
        outcome = run_stage(m, name, options, seconds, stop_event, light=True)
    better = (outcome.objective or 0) < current if fair else (outcome.objective or 0) > current
    if outcome.has_solution and better:
        flow = {p: n for p, n in draft.flow.items() if p not in free_flows}
        flow.update(outcome.y)
        return Draft(outside + sorted(outcome.x_on), flow), outcome
    return draft, outcome


@dataclasses.dataclass
class _Cut:
    """A window cut from the horizon's rows for a roster: its rows, and the roster's shifts in
    it, outside it, and the split flows it frees."""

    win: Window
    inside: list[tuple[int, int]]
    outside: list[tuple[int, int]]
    free_flows: set[int]


def _cut(
    ctx: Context,
    ps: PieceSet,
    horizon: Horizon,
    draft: Draft,
    requests: list[int],
    officers: set[int] | None,
) -> _Cut:
    """The window of `requests`, or given `officers` those officers' over the horizon, with
    the rest of `draft` fixed."""
    # The roster's shifts in the window and outside it, in array steps: a city's roster has
    # 20,000 shifts, looked at once per window (docs/solver.md).
    roster = roster_rows(draft)
    in_window = (
        np.isin(horizon.request_of_piece[roster[:, 0]], requests)
        if officers is None
        else np.isin(roster[:, 1], list(officers))
    )
    inside = [draft.assign[i] for i in np.flatnonzero(in_window).tolist()]
    outside = [draft.assign[i] for i in np.flatnonzero(~in_window).tolist()]
    fixed_on = horizon.columns(roster[~in_window]).tolist()
    win = (
        horizon.cut(set(requests), fixed_on)
        if officers is None
        else horizon.cut_officers(officers, fixed_on)
    )
    if officers is not None:
        hold_the_top(ctx, ps, win, draft, roster)
    free_flows = {win.keys[c] for c in np.flatnonzero(win.kind == FLOW).tolist()}
    return _Cut(win, inside, outside, free_flows)


class _Ahead:
    """The next window, cut and its LP solved in a thread while this window is searched. The
    LPs took two thirds of the window search's time on L, and GLOP runs on one core and leaves
    Python's lock, so it runs beside this window's models and search (docs/solver.md). Both
    start once this window is cut. The cut is Python: it waits for its turn (`stages.Turns`),
    outside the writing of this window's models, and comes when this window waits for its LP
    or for CP-SAT; where this window needs it first, this window makes it. Both are made for
    the roster before this window's search; where that search changed the roster, the next
    window is cut again from the new one, and the LP only chooses which of its pairs CP-SAT
    gets (the roster's own among them, so a search can only improve on it)."""

    def __init__(
        self,
        lps: _Lookahead,
        draft: Draft,
        requests: list[int],
        officers: set[int] | None,
        lead: float,
        seconds: float,
    ) -> None:
        self.lps, self.draft, self.seconds = lps, draft, seconds
        self.key = _key(requests, officers)
        self.window = requests, officers
        self.cut: _Cut | None = None
        self.values: np.ndarray | None = None
        self._claim = threading.Lock()  # the cut is made once, by whichever thread comes first
        self._stop = threading.Event()
        self.thread = beside(self._run, (lead,), "window-lp")

    def _run(self, lead: float) -> None:
        clock = self.lps.clock
        if clock is not None and not clock.turns.wait(self._stop):
            return  # stopped while the search's thread wrote its own models
        cut = self._cut_once()
        if cut.win.pairs <= RENS_ABOVE or self._stop.is_set():
            return
        if clock is not None:  # GLOP never past the search's deadline
            lead = max(0.0, min(lead, clock.search_left() - self.seconds))
        self.values = cut.win.relax(lead + self.seconds)

    def _cut_once(self) -> _Cut:
        with self._claim:
            if self.cut is None:
                self.cut = self.lps.cut(self.draft, *self.window)
            return self.cut

    def cut_for(self, draft: Draft) -> _Cut:
        """The window cut for `draft`: the one made ahead if it was made for it (waited for, or
        made here if the thread has not begun it), else a new one."""
        if draft is self.draft:
            return self._cut_once()
        return self.lps.cut(draft, *self.window)

    def result(self, stop_event: threading.Event | None) -> np.ndarray | None:
        """The LP's column values once GLOP returns, or None if it proved no optimum. GLOP's
        limit is the window before's search (`lead`) and this one's LP share (`seconds`), and
        it is waited for at most its share: it never gets less time than an LP solved here.
        With the share alone, GLOP beside CP-SAT ran out of time on four of Rockport's
        Christmas days (M, 20 s) that it solves alone in 1.2 s (docs/solver.md)."""
        until = time.perf_counter() + self.seconds
        while self.thread.is_alive():
            self.thread.join(0.05)
            late = time.perf_counter() > until
            if late or (stop_event is not None and stop_event.is_set()):
                self._interrupt()
        return self.values

    def stop(self) -> None:
        self._interrupt()
        self.thread.join()

    def _interrupt(self) -> None:
        self._stop.set()  # not begun: GLOP is not started
        if self.cut is not None:
            self.cut.win.interrupt()  # begun, or about to: GLOP returns


class _Lookahead:
    """Each window cut and its LP started while the window before it is searched (`_Ahead`),
    one at a time. Not in a deterministic run: there a window's LP is solved from the roster
    the window before it left, whatever the machine's speed."""

    def __init__(
        self, ctx: Context, ps: PieceSet, horizon: Horizon, clock: Clock | None = None
    ) -> None:
        self.ctx, self.ps, self.horizon, self.clock = ctx, ps, horizon, clock
        self._pending: _Ahead | None = None
        # The horizon's lazy caches (`Horizon.cut`, `columns`) are written by one cut at a time.
        # A window with nothing started ahead is cut without it: the first window's cut, on the
        # search's thread before any lookahead, fills `columns` and `matrix`, and what a later
        # cut may add (a window's `_shapes` entry) is one dictionary store of the same value.
        self._cutting = threading.Lock()

    def cut(self, draft: Draft, requests: list[int], officers: set[int] | None) -> _Cut:
        with self._cutting:
            return _cut(self.ctx, self.ps, self.horizon, draft, requests, officers)

    def start(
        self,
        draft: Draft,
        requests: list[int],
        officers: set[int] | None,
        lead: float,
        seconds: float,
    ) -> None:
        """Cut the window of `requests` (or of `officers`) for `draft` and solve its LP, unless
        it is searched without one (RENS_ABOVE): `seconds` for the LP once the window is
        reached, and the `lead`, the search before it (`_Ahead.result`)."""
        self.stop()
        if not self.ctx.problem.options.deterministic:
            self._pending = _Ahead(self, draft, requests, officers, lead, seconds)

    def take(self, requests: list[int], officers: set[int] | None = None) -> _Ahead | None:
        """What was started for this window, if it was; anything else is stopped."""
        pending, self._pending = self._pending, None
        if pending is not None and pending.key != _key(requests, officers):
            pending.stop()
            return None
        return pending

    def stop(self) -> None:
        if self._pending is not None:
            self._pending.stop()
            self._pending = None


def _key(requests: list[int], officers: set[int] | None) -> tuple[int, ...]:
    return tuple(sorted(officers)) if officers is not None else tuple(requests)


def _lp_seconds(budget: float, clock: Clock) -> float:
    """A window LP's time limit: 60% of the window's budget, never past the search's deadline,
    so that what follows the search (polish, report) keeps its time."""
    return min(0.6 * budget, max(0.05, clock.search_left()))


def _pairs(ps: PieceSet, cands: dict[int, list[int]], requests: list[int]) -> int:
    """The candidate pairs of a window's requests."""
    return sum(len(cands[p]) for r in requests for p in ps.by_request[r])


def _budget(left: float, pairs: int, pairs_left: int) -> float:
    """A window's seconds: the sweep's time left shared among the windows it has still to solve
    in proportion to their pairs, at least 2 s, at most all of it. An even share gave the largest
    days, last in a sweep (`_smallest_first`), too little for GLOP to end (docs/solver.md)."""
    return min(left, max(2.0, left * pairs / max(1, pairs_left)))


@contextmanager
def _no_phase(name: str) -> Iterator[None]:
    yield


def window_search(
    ctx: Context,
    ps: PieceSet,
    cands: dict[int, list[int]],
    start: Draft,
    clock: Clock,
    stop_event: threading.Event | None,
) -> tuple[Draft, list[StageOutcome]]:
    """Write the rows once (every window's, or at a short limit those of the first windows
    that fit: `_windows_in_time`), then sweep the windows for coverage (COVERAGE_SHARE of
    the time, or until the sweeps improve nothing), then for fairness, and for coverage again
    with what the fairness sweeps leave. Coverage comes first in the objective, and once each
    window costs less to build, 70% won more coverage than half on the M families without
    raising the largest total at equal coverage (docs/solver.md)."""
    windows = _windows(ctx, ps, cands)
    if not clock.deterministic:
        windows = _windows_in_time(ps, cands, windows, clock.search_left())
        if not windows:
            return start, []  # no time to write a window's rows and search it: greedy's roster
    with clock.phase("model"):
        rows = Rows()
        fill(ctx, ps, _columns(ps, cands, windows, start), rows)
        horizon = rows.freeze(ps)
    windows = _smallest_first(ps, cands, windows)
    clock.turns.written.set()
    total = clock.search_left()
    # A deterministic run splits its virtual budget, not the wall time left (which depends on
    # how fast this machine got here), equally over the windows of each sweep.
    virtual = clock.share(1.0) / max(1, len(windows)) if clock.deterministic else 0.0
    lps = _Lookahead(ctx, ps, horizon, clock)

    def sweep(
        draft: Draft, keep: float, fair: bool, fixed: float = 0.0
    ) -> tuple[Draft, list[StageOutcome]]:
        return _sweep(
            ctx,
            ps,
            cands,
            horizon,
            draft,
            windows,
            _Budget(clock, keep),
            stop_event,
            fair=fair,
            lps=lps,
            fixed_budget=fixed,
        )

    try:
        keep = total * (1 - COVERAGE_SHARE)  # for the fairness sweeps
        draft, outcomes = sweep(start, keep, False, virtual * COVERAGE_SHARE)
        draft, more = sweep(draft, 0.0, True, virtual * (1 - COVERAGE_SHARE))
        outcomes += more
        if not clock.deterministic and clock.search_left() >= 2.0:
            # The fairness sweeps ended early: nothing more to even out, or a window too large
            # to load in its time. What is left goes back to coverage (docs/solver.md).
            draft, more = sweep(draft, 0.0, False)
            outcomes += more
    finally:
        lps.stop()  # an LP started for a window no sweep reached
    return draft, outcomes


def _smallest_first(
    ps: PieceSet, cands: dict[int, list[int]], windows: list[list[int]]
) -> list[list[int]]:
    """The windows in order of their pairs, the fewest first (stable: days in order among
    equals). A small window's LP and search cost less and won more coverage a pair on
    Rockport's Christmas fortnight (M): in order of days, a sweep of 20 s never reached its last
    three days and spent 2 s on a 21,116-pair day whose LP did not end (docs/solver.md)."""
    return sorted(windows, key=lambda requests: _pairs(ps, cands, requests))


def _windows_in_time(
    ps: PieceSet, cands: dict[int, list[int]], windows: list[list[int]], seconds: float
) -> list[list[int]]:
    """All windows when writing every pair's rows takes at most half of `seconds`; else the
    first ones (in time) whose rows do. Writing every pair's rows first left a short limit on
    a large fortnight the greedy roster (Rockport's Christmas, M, 5 s: docs/solver.md)."""
    kept: list[list[int]] = []
    pairs = 0
    for requests in windows:
        pairs += _pairs(ps, cands, requests)
        if ROWS_SECONDS_PER_PAIR * pairs > 0.5 * (seconds - 0.5):
            break
        kept.append(requests)
    return kept


def _columns(
    ps: PieceSet, cands: dict[int, list[int]], windows: list[list[int]], start: Draft
) -> dict[int, list[int]]:
    """The pairs the rows need: every candidate of the windows searched, and the roster's
    pairs elsewhere, which stay fixed (any other pair there is fixed to 0, so leaving it out
    states the same rows)."""
    searched = {p for requests in windows for r in requests for p in ps.by_request[r]}
    if len(searched) == len(ps.pieces):
        return cands
    held: dict[int, list[int]] = defaultdict(list)
    for p, o in start.assign:
        held[p].append(o)
    return {p: cands[p] if p in searched else held.get(p, []) for p in cands}


def _sweep(
    ctx: Context,
    ps: PieceSet,
    cands: dict[int, list[int]],
    horizon: Horizon,
    draft: Draft,
    windows: list[list[int]],
    budget_of: _Budget,
    stop_event: threading.Event | None,
    fair: bool,
    lps: _Lookahead,
    fixed_budget: float = 0.0,
) -> tuple[Draft, list[StageOutcome]]:
    """Sweeps repeat while they improve. Coverage sweeps start with LP neighbourhoods; when one
    gains less than RENS_STALL, the next ones search whole windows (on L, seed 0, a whole window
    raised the coverage the neighbourhoods had converged to by 0.3-0.7%: docs/solver.md). Each
    coverage sweep of the days is followed by a pass of officers' windows (`_officer_pass`). A
    deterministic run gives each window `fixed_budget` of deterministic time, in one sweep of the
    days alone."""
    outcomes: list[StageOutcome] = []
    deterministic = ctx.problem.options.deterministic
    improved = True
    whole = False
    passes = 0
    officers_stalled = False
    sizes = [_pairs(ps, cands, requests) for requests in windows]
    lps.stop()  # an LP started for a window the last sweep did not reach
    while improved:
        improved = False
        swept_from = covered(ps, draft)
        for i, requests in enumerate(windows):
            left = budget_of.left()
            stopped = stop_event is not None and stop_event.is_set()
            if stopped or (left < 0.5 and not deterministic):
                return draft, outcomes
            if not deterministic and left < 0.5 + SETUP_SECONDS_PER_PAIR * sizes[i]:
                continue  # its model is built before its search can stop; a smaller one may fit
            # Deterministic runs: one sweep with equal fixed budgets, whatever the machine's speed.
            budget = fixed_budget if deterministic else _budget(left, sizes[i], sum(sizes[i:]))
            mine, then = lps.take(requests), None
            if not (fair or whole) and i + 1 < len(windows):
                nxt = _lp_seconds(_budget(left, sizes[i + 1], sum(sizes[i + 1 :])), budget_of.clock)
                then = partial(lps.start, draft, windows[i + 1], None, seconds=nxt)
            before = draft
            draft, outcome = _improve_window(
                ctx,
                ps,
                horizon,
                draft,
                requests,
                ctx.problem.options,
                budget,
                stop_event,
                fair,
                budget_of.clock,
                whole,
                ahead=mine,
                then=then,
            )
            outcomes.append(outcome)
            improved = improved or (draft is not before and not deterministic)
            if fair and not deterministic and not outcome.has_solution:
                # Not even the roster's own hours were loaded in time, and the windows left are
                # larger (`_smallest_first`): on L, 7 of 12 such windows spent 2 s each for nothing.
                return draft, outcomes
        stalled = covered(ps, draft) - swept_from <= RENS_STALL * swept_from
        if not (fair or deterministic or officers_stalled):
            # Officers' windows until a pass gains less than RENS_STALL, as the days' sweeps.
            before, was = draft, covered(ps, draft)
            draft, more = _officer_pass(
                ctx, ps, horizon, draft, budget_of, stop_event, passes, lps
            )
            outcomes += more
            improved, passes = improved or draft is not before, passes + 1
            officers_stalled = covered(ps, draft) - was <= RENS_STALL * was
        if stalled and not (whole or fair or deterministic):
            whole, improved = True, True
    return draft, outcomes


def _officer_pass(
    ctx: Context,
    ps: PieceSet,
    horizon: Horizon,
    draft: Draft,
    budget_of: _Budget,
    stop_event: threading.Event | None,
    seed: int,
    lps: _Lookahead,
) -> tuple[Draft, list[StageOutcome]]:
    """After each sweep of the days, one pass of officers' windows: the officers with pairs, in
    an order shuffled by `seed` (the pass's number, so a run repeats itself), in groups of at
    most WINDOW_VARIABLES pairs, each group's pairs free over the whole horizon. On Kennesaw's
    autumn DST fortnight (weekly caps of 12 h) they won 1.2-1.5% at M and 0.8% at L where the
    day windows had converged (docs/solver.md)."""
    pairs = np.bincount(horizon.officer[horizon.kind == PAIR], minlength=len(ctx.officers))
    groups: list[list[int]] = [[]]
    size = 0
    for o in np.random.default_rng(seed).permutation(np.flatnonzero(pairs)).tolist():
        if groups[-1] and size + pairs[o] > WINDOW_VARIABLES:
            groups.append([])
            size = 0
        groups[-1].append(o)
        size += int(pairs[o])
    outcomes: list[StageOutcome] = []
    for i, group in enumerate(groups):
        left = budget_of.left()
        if (stop_event is not None and stop_event.is_set()) or left < 0.5:
            break
        if left < 0.5 + SETUP_SECONDS_PER_PAIR * int(pairs[group].sum()):
            continue  # its model is built before its search can stop
        budget = min(left, max(2.0, left / len(groups)))
        mine, then = lps.take([], set(group)), None
        if i + 1 < len(groups):
            nxt = _lp_seconds(budget, budget_of.clock)
            then = partial(lps.start, draft, [], set(groups[i + 1]), seconds=nxt)
        draft, outcome = _improve_window(
            ctx,
            ps,
            horizon,
            draft,
            [],
            ctx.problem.options,
            budget,
            stop_event,
            clock=budget_of.clock,
            officers=set(group),
            ahead=mine,
            then=then,
        )
        outcomes.append(outcome)
    return draft, outcomes
