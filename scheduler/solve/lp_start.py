"""The coverage stage's start from the LP relaxation (`lp_start`): GLOP's optimum, the
neighbourhood of the pairs it uses (widened where that is proven optimal below the LP), and
where a larger split tier's LP is solved beside it, that tier's neighbourhood too.

CP-SAT's presolve alone can outlast a short limit on a large model, while GLOP solves its LP
relaxation in a fraction of that and the relaxation is nearly integral (docs/solver.md).
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time

import numpy as np

from scheduler.context import Context
from scheduler.solve import splits
from scheduler.solve.draft import Draft
from scheduler.solve.model import Model
from scheduler.solve.objective import covered
from scheduler.solve.pieces import PieceSet
from scheduler.solve.relaxation import (
    Relaxation,
    Relaxing,
    Written,
    cheapest,
    fix_outside,
    outside,
    rounded,
    support,
    widened,
)
from scheduler.solve.rows import PAIR, Window
from scheduler.solve.stages import (
    DETERMINISTIC_WALL_FACTOR,
    Clock,
    StageOutcome,
    hint,
    run_stage,
)
from scheduler.solve.threads import beside

# From this many pair variables, the coverage stage starts from the LP relaxation's neighbourhood.
LP_START_ABOVE = 1_000
# The LP neighbourhood's share of the search time left, and where the whole model has not the
# time to be searched after it (splits.SECONDS_PER_PAIR), a larger one: there the neighbourhood
# finds more, and one proven optimal returns the rest (docs/solver.md).
NEIGHBOURHOOD_SHARE = 0.3
SHORT_NEIGHBOURHOOD_SHARE = 0.6
# Where GLOP ran out of time, its last point guides a neighbourhood searched with nearly all the
# search time left: nothing after it has the time to search the whole model (docs/solver.md).
UNPROVEN_NEIGHBOURHOOD_SHARE = 0.9
# GLOP's share of the search time left for the LP start. With 0.4, Rockport's Christmas week
# (S, seed 2) at 1 s gave GLOP 0.15-0.18 s for an LP it solves in 0.16 s: one run in three
# ended with the greedy roster (docs/solver.md). The share is a cap: GLOP returns when solved.
# A deterministic run keeps 0.4: its shares are taken from a virtual budget whatever GLOP uses,
# and 0.6 left the stages after less of it (the demo's nightly: 156.97 positions, not 157.006).
LP_SHARE = 0.6
DETERMINISTIC_LP_SHARE = 0.4
# A neighbourhood proven optimal with time left is searched again with this many times its
# pairs added, those of least reduced cost (`relaxation.widened`), for this share of the time
# left (docs/solver.md).
WIDEN_FACTOR = 8
WIDEN_SHARE = 0.5
# The longest the LP start waits for an early LP past its own time limit (`EarlyLp`).
JOIN_SECONDS = 0.05
# And past that, for the last point of an early LP interrupted for overrunning its limit.
INTERRUPTED_JOIN_SECONDS = 0.2


# Too little search time left to start another solve below this: loading a large model into
# CP-SAT alone takes a tenth of a second.
LEAST_SOLVE_SECONDS = 0.1
# What the LP start needs to borrow the resplit's reserve (`Clock.borrow`): on Rockport's
# Christmas week (S, seeds 2 and 3, 1 s) its neighbourhoods found 486,467-511,717 in 0.20-0.33 s.
BORROW_LEAST_SECONDS = 0.15
# CP-SAT's first roster from a complete hint comes after loading and presolving the model:
# 0.07 s for 1,085 pairs, 0.17 s for 3,114, 0.48-0.68 s for 15,174-16,935 (four S problems);
# the coverage stage gets COVERAGE_SHARE of the time left (`lexicographic.three_stages`).
LOAD_SECONDS_PER_PAIR = 3e-5
COVERAGE_SHARE = 0.5


def out_of_time(clock: Clock) -> bool:
    """Too little search time left to start another solve; deterministic runs never skip on
    the wall clock."""
    return not clock.deterministic and clock.search_left() < LEAST_SOLVE_SECONDS


def short_of(clock: Clock, seconds: float) -> bool:
    """Less than `seconds` of search time left (never in a deterministic run, as `out_of_time`)."""
    return not clock.deterministic and clock.search_left() < seconds


def _seconds(clock: Clock, share: float, pairs: int) -> float:
    """A share of the search time left for the last neighbourhood before the stages, or all of
    it where the share would leave the coverage stage too little to load the model of `pairs`
    pair variables (LOAD_SECONDS_PER_PAIR) or to start at all. On Rockport's July fortnight
    with a 4-hour continuous cap (S, seed 23) the neighbourhood covered 485,053 in 0.21 s at
    1 s, and at 2 s 0.42 s went to stages that found nothing (docs/solver.md)."""
    seconds = clock.share(share)
    if clock.deterministic:
        return seconds
    rest = clock.search_left() - seconds
    if rest < LEAST_SOLVE_SECONDS or COVERAGE_SHARE * rest < LOAD_SECONDS_PER_PAIR * pairs:
        return clock.search_left()
    return seconds


def _neighbourhood_share(clock: Clock, pairs: int) -> float:
    """The larger share only at a short limit: at 15 s it left the README's 300-officer what-if
    a largest total 6.5 h higher. Never in a deterministic run, whose stage budgets are spent
    whether or not a stage proves its optimum."""
    short = clock.search_left() < splits.SECONDS_PER_PAIR * pairs
    return SHORT_NEIGHBOURHOOD_SHARE if short and not clock.deterministic else NEIGHBOURHOOD_SHARE


class EarlyLp:
    """The LP start's first LP, written from the candidates as arrays and solved in a thread
    while the CP-SAT model is built: GLOP leaves Python's lock, so the two share the machine's
    cores. On Rockport's July fortnight with a 4-hour continuous cap (S, seed 23, 1 s) GLOP
    needs 0.33-0.48 s and was given 0.17-0.23 s after a model build of 0.13-0.19 s; its last
    point then guided the neighbourhood to 425-489 covered, where 2 s gives 526-536
    (docs/solver.md). Not in a deterministic run, whose stage budgets are virtual."""

    def __init__(
        self,
        ctx: Context,
        ps: PieceSet,
        cands: dict[int, list[int]],
        start: Draft,
        clock: Clock,
        first: np.ndarray | None,
    ) -> None:
        self.written = Written(ctx, ps, cands)
        relaxing = self.written.relaxing
        # The larger tier's LP, solved later beside the first's, from its own copy: the first
        # fixes the pairs outside its tier in the translation it solves.
        self.whole = None if first is None else relaxing.copy()
        keys = self.written.rows.x
        zero = None
        if first is not None:
            tier = {key for key in keys if first[key[0]]} | set(start.assign)
            zero = [column for key, column in keys.items() if key not in tier]
        self._seconds = clock.share(LP_SHARE)
        self._began = time.perf_counter()
        self._lp = _Beside(relaxing, self._seconds, zero, unproven=True)

    @staticmethod
    def wanted(cands: dict[int, list[int]], clock: Clock) -> bool:
        return (
            not clock.deterministic
            and sum(len(c) for c in cands.values()) >= LP_START_ABOVE
            and not out_of_time(clock)
        )

    def result(self) -> Relaxation | None:
        """The LP optimum, or GLOP's last point where its time ran out; None where it had
        none, or where it outlived its own limit by JOIN_SECONDS."""
        left = self._began + self._seconds - time.perf_counter()
        lp = self._lp.result(max(0.0, left) + JOIN_SECONDS)
        if lp is None and not self._lp.done():
            # GLOP overran its limit (on a busy machine it did by over 0.05 s in two runs of
            # three on a Kennesaw week of 200 officers at 5 s): interrupted now, it returns its
            # last point shortly, which guides the neighbourhood as well (docs/solver.md).
            lp = self._lp.result(INTERRUPTED_JOIN_SECONDS)
        return lp

    def stop(self) -> None:
        self._lp.result(0.0)

    def done(self) -> bool:
        """Its LP solved, or given up: `result` then waits for nothing."""
        return self._lp.done()


def lp_start(
    ctx: Context,
    ps: PieceSet,
    m: Model,
    start: Draft,
    clock: Clock,
    stop_event: threading.Event | None,
    first: np.ndarray | None = None,
    notes: list[str] | None = None,
    early: EarlyLp | None = None,
) -> tuple[Draft, list[StageOutcome], float | None]:
    """A better first roster than greedy's, and a coverage bound, from the LP relaxation.

    CP-SAT's presolve alone can outlast a short limit (on Rockport's Christmas week the answer
    at 2 s was the greedy roster: docs/solver.md). GLOP
    solves the relaxation in a fraction of that, it is nearly integral, and CP-SAT, choosing
    only among the pairs the LP uses plus greedy's, finds a roster close to it at once. That
    roster is the coverage stage's hint; the LP optimum is a proven upper bound.

    With `first` (a mask over the pieces: `splits.climbing_splits`), the LP and its
    neighbourhood are first those of the pieces in it, then of every piece, from the first's
    roster; when the second LP is not solved in time, the stages after keep to the first's
    pieces (and the roster's), as if only those had been offered, and `notes` say so.

    `early`: the first LP, already begun while the model was built (`EarlyLp`)."""
    if early is not None and not early.written.columns_of(m):
        early.stop()
        early = None
    if out_of_time(clock) and early is not None and early.done():
        # Its LP solved, a neighbourhood is worth more than splitting the greedy roster's
        # open stretches again: it takes that reserve (docs/solver.md).
        clock.borrow(BORROW_LEAST_SECONDS)
    if len(m.x) < LP_START_ABOVE or out_of_time(clock):
        if early is not None:
            early.stop()
        if first is not None:
            _keep_to(m, first, start, notes)
        return start, [], None
    # GLOP's limit is wall time: a deterministic run gives it the deterministic slack, so that
    # a busy machine does not change whether the LP start happens (as the window search does).
    slack = DETERMINISTIC_WALL_FACTOR if clock.deterministic else 1.0
    relaxing = early.written.relaxing if early is not None else Relaxing.of_model(ctx, ps, m)
    if first is None:
        whole = None
    else:
        translated = (
            early.whole if early is not None and early.whole is not None else relaxing.copy()
        )
        whole = _Beside(translated, clock.search_left())
    try:
        pairs = m.x.keys() if first is None else _in_tier(m, first, start)
        if early is not None:
            lp = early.result()
        else:
            zero = None if first is None else outside(m, pairs)
            share = DETERMINISTIC_LP_SHARE if clock.deterministic else LP_SHARE
            # Where GLOP runs out of time, its last feasible point still guides the
            # neighbourhood (not in a deterministic run: whether it runs out depends on the
            # machine).
            lp = relaxing.solve(clock.share(share) * slack, zero, unproven=not clock.deterministic)
        lp_bound = None
        if first is None and lp is not None and lp.proven:
            lp_bound = _integer_bound(lp)
        outcomes: list[StageOutcome] = []
        if lp is not None:
            # Where the larger tier's LP is solved by now, its neighbourhood is widened instead.
            wide = whole is None or not whole.done()
            start, found = _neighbourhood(
                ctx, ps, m, lp, start, clock, stop_event, len(pairs), wide, last=whole is None
            )
            outcomes += found
        if whole is not None:
            # The whole model's LP, solved beside the first tier's LP and neighbourhood: waited
            # for while 40% of the time left has not passed.
            stopped = out_of_time(clock) or (stop_event is not None and stop_event.is_set())
            # Where the first tier's LP gave nothing, the larger one will not either in time.
            lp = whole.result(0.0 if stopped or lp is None else clock.share(0.4))
            if lp is not None and not out_of_time(clock):
                start, found = _neighbourhood(
                    ctx, ps, m, lp, start, clock, stop_event, len(m.x), last=True
                )
                outcomes += found
                first = None  # the stages may use every piece
    finally:
        if whole is not None:
            whole.result(0.0)  # an LP still running is stopped
        if early is not None:
            early.stop()
    if first is not None:
        _keep_to(m, first, start, notes)
    return start, outcomes, lp_bound


def alone(pairs: int, clock: Clock, build_seconds: float) -> bool:
    """Whether the LP's neighbourhood is all a search of one model of `pairs` pair variables
    has the time for: after building that model (`build_seconds`), the neighbourhood's share
    of what is left would leave the coverage stage too little to load it, however little GLOP
    took (`_seconds`). Never in a deterministic run, whose stages run on a virtual budget."""
    if clock.deterministic:
        return False
    left = clock.search_left() - build_seconds
    rest = (1 - SHORT_NEIGHBOURHOOD_SHARE) * left
    return rest < LEAST_SOLVE_SECONDS or COVERAGE_SHARE * rest < LOAD_SECONDS_PER_PAIR * pairs


def neighbourhood_alone(
    ctx: Context,
    ps: PieceSet,
    early: EarlyLp,
    start: Draft,
    clock: Clock,
    stop_event: threading.Event | None,
) -> tuple[Draft, list[StageOutcome], float | None]:
    """The coverage stage where only the LP's neighbourhood has the time (`alone`): its model
    is written from the early LP's rows (`rows.Window.model`) with the pairs the LP uses and the
    roster's, not cut out of a model of every pair, so the time building that model took goes
    to the search. A neighbourhood proven optimal below the LP with time left is widened as in
    `_neighbourhood`. Also the LP's bound, where it was proven."""
    try:
        lp = early.result()
    finally:
        early.stop()
    if lp is not None and short_of(clock, BORROW_LEAST_SECONDS):
        clock.borrow(BORROW_LEAST_SECONDS)  # as `lp_start` does: the LP's neighbourhood is worth it
    if lp is None or out_of_time(clock):
        return start, [], None
    window, cols = early.written.horizon.whole()
    values = lp.values[cols]
    keep = window.support(values, set(start.assign))
    found = _search_window(ctx, window, keep, window.rounded(values), clock, stop_event)
    start = _better(ps, start, found)
    bound = _integer_bound(lp) if lp.proven else None
    short = bound is not None and found.status == "optimal" and (found.objective or 0) < bound
    if not short or out_of_time(clock) or lp.reduced is None:
        return start, [found], bound
    pairs = window.kind == PAIR
    cost = np.where(pairs & ~keep, lp.reduced[cols], np.inf)
    wider = keep.copy()
    wider[cheapest(cost, WIDEN_FACTOR * int(np.count_nonzero(keep & pairs)))] = True
    again = _search_window(ctx, window, wider, (set(start.assign), start.flow), clock, stop_event)
    return _better(ps, start, again), [found, again], bound


def _search_window(
    ctx: Context,
    window: Window,
    keep: np.ndarray,
    guide: tuple[set[tuple[int, int]], dict[int, int]],
    clock: Clock,
    stop_event: threading.Event | None,
) -> StageOutcome:
    """The coverage stage among the window's columns in `keep`, hinted with `guide`, for all
    the search time left."""
    with clock.phase("model"):
        m = window.model(keep)
        hint(m, *guide)
    return run_stage(
        m,
        "coverage-lp-neighbourhood",
        ctx.problem.options,
        clock.search_left(),
        stop_event,
        light=True,
        wall_cap=clock.wall_cap(),
    )


def _keep_to(m: Model, first: np.ndarray, start: Draft, notes: list[str] | None) -> None:
    """The stages after keep to the first tier's pieces and the roster's."""
    fix_outside(m, _in_tier(m, first, start))
    if notes is not None:
        notes.append(
            "the larger tier was not searched in time: the roster uses the first tier's pieces"
        )


def _integer_bound(lp: Relaxation) -> int:
    """The integer optimum is an integer; the slack covers GLOP's relative tolerance."""
    return math.floor(lp.objective + 1e-6 * max(1.0, abs(lp.objective)))


def _neighbourhood(
    ctx: Context,
    ps: PieceSet,
    m: Model,
    lp: Relaxation,
    start: Draft,
    clock: Clock,
    stop_event: threading.Event | None,
    pairs: int,
    widen: bool = True,
    last: bool = False,
) -> tuple[Draft, list[StageOutcome]]:
    """CP-SAT among the pairs the LP uses and the roster's, hinted with the LP optimum
    rounded (`relaxation.rounded`); `pairs`, the model's searched after it, sets its share of
    the time (`_neighbourhood_share`). With `widen`, a neighbourhood proven optimal with time left
    is searched again with the pairs of least reduced cost added (`relaxation.widened`), hinted
    with its roster: on Rockport with 12-hour weekly caps the LP's own pairs were proven optimal
    2.7% below the problem's optimum (docs/solver.md). A deterministic run does not widen:
    whether the first search is proven in time depends on the machine. `last`: no other
    neighbourhood is planned after this one (`_seconds`)."""
    keep = support(m, lp, set(start.assign))
    guide = rounded(m, lp)
    found = _search_among(ctx, m, keep, guide, clock, stop_event, pairs, lp.proven, last)
    start = _better(ps, start, found)
    # Proven optimal among its pairs and short of a proven LP bound: other pairs may add some.
    short = found.status == "optimal" and lp.proven and (found.objective or 0) < _integer_bound(lp)
    if not widen or not short or clock.deterministic or out_of_time(clock):
        return start, [found]
    wider = widened(m, lp, keep | set(start.assign), WIDEN_FACTOR * len(keep))
    guide = (set(start.assign), start.flow)
    again = _search_among(ctx, m, wider, guide, clock, stop_event, None, last=last)
    return _better(ps, start, again), [found, again]


def _search_among(
    ctx: Context,
    m: Model,
    keep: set[tuple[int, int]],
    guide: tuple[set[tuple[int, int]], dict[int, int]],
    clock: Clock,
    stop_event: threading.Event | None,
    pairs: int | None,
    proven: bool = True,
    last: bool = False,
) -> StageOutcome:
    """The coverage stage among the pairs in `keep`, hinted with `guide` (pairs and split
    flows), for the neighbourhood's share of the time (WIDEN_SHARE where `pairs` is None,
    UNPROVEN_NEIGHBOURHOOD_SHARE where the LP guiding it was not `proven`); where it is the
    `last` neighbourhood, what the stages after it could not use as well (`_seconds`)."""
    with clock.phase("model"):
        # A copy of the model (made in C++) with the pairs outside `keep` fixed to 0.
        sub = dataclasses.replace(m, cp=m.cp.clone())
        fix_outside(sub, keep)
        hint(sub, *guide)
    if pairs is None:
        share = WIDEN_SHARE
    elif not proven:
        share = UNPROVEN_NEIGHBOURHOOD_SHARE
    else:
        share = _neighbourhood_share(clock, pairs)
    return run_stage(
        sub,
        "coverage-lp-neighbourhood",
        ctx.problem.options,
        _seconds(clock, share, len(m.x)) if last else clock.share(share),
        stop_event,
        light=True,
        wall_cap=clock.wall_cap(),
    )


def _better(ps: PieceSet, start: Draft, found: StageOutcome) -> Draft:
    """The neighbourhood's roster where it covers at least as much as `start`, else `start`."""
    if found.has_solution and (found.objective or 0) >= covered(ps, start):
        return Draft(sorted(found.x_on), dict(found.y))
    return start


class _Beside:
    """An LP solved in a thread (`Relaxing.solve`), for at most `seconds`."""

    def __init__(
        self,
        relaxing: Relaxing,
        seconds: float,
        zero: list[int] | None = None,
        unproven: bool = False,
    ) -> None:
        self._relaxing = relaxing
        self._value: Relaxation | None = None
        self._thread = beside(self._run, (seconds, zero, unproven), "offduty-lp")

    def _run(self, seconds: float, zero: list[int] | None, unproven: bool) -> None:
        self._value = self._relaxing.solve(seconds, zero, unproven)

    def done(self) -> bool:
        """Solved, or given up."""
        return not self._thread.is_alive()

    def result(self, wait: float) -> Relaxation | None:
        """The LP optimum, waiting at most `wait` seconds; an LP still running is interrupted
        and not waited for (at worst it runs to its own time limit, the search's deadline)."""
        self._thread.join(max(0.0, wait))
        if self._thread.is_alive():
            self._relaxing.interrupt()
            return None
        return self._value


def _in_tier(m: Model, tier: np.ndarray, start: Draft) -> set[tuple[int, int]]:
    """The pairs on pieces of the tier (a mask over the pieces), and the roster's."""
    return {key for key in m.x if tier[key[0]]} | set(start.assign)
