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
    fix_outside,
    outside,
    rounded,
    support,
    widened,
)
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


def out_of_time(clock: Clock) -> bool:
    """Too little search time left to start another solve (loading a large model into CP-SAT
    alone takes a tenth of a second); deterministic runs never skip on the wall clock."""
    return not clock.deterministic and clock.search_left() < 0.1


def _neighbourhood_share(clock: Clock, pairs: int) -> float:
    """The larger share only at a short limit: at 15 s it left the README's 300-officer what-if
    a largest total 6.5 h higher. Never in a deterministic run, whose stage budgets are spent
    whether or not a stage proves its optimum."""
    short = clock.search_left() < splits.SECONDS_PER_PAIR * pairs
    return SHORT_NEIGHBOURHOOD_SHARE if short and not clock.deterministic else NEIGHBOURHOOD_SHARE


def lp_start(
    ctx: Context,
    ps: PieceSet,
    m: Model,
    start: Draft,
    clock: Clock,
    stop_event: threading.Event | None,
    first: np.ndarray | None = None,
    notes: list[str] | None = None,
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
    pieces (and the roster's), as if only those had been offered, and `notes` say so."""
    if len(m.x) < LP_START_ABOVE or out_of_time(clock):
        if first is not None:
            _keep_to(m, first, start, notes)
        return start, [], None
    # GLOP's limit is wall time: a deterministic run gives it the deterministic slack, so that
    # a busy machine does not change whether the LP start happens (as the window search does).
    slack = DETERMINISTIC_WALL_FACTOR if clock.deterministic else 1.0
    relaxing = Relaxing.of_model(ctx, ps, m)
    whole = None if first is None else _Beside(relaxing.copy(), clock.search_left())
    try:
        pairs = m.x.keys() if first is None else _in_tier(m, first, start)
        zero = None if first is None else outside(m, pairs)
        share = DETERMINISTIC_LP_SHARE if clock.deterministic else LP_SHARE
        # Where GLOP runs out of time, its last feasible point still guides the neighbourhood
        # (not in a deterministic run: whether it runs out depends on the machine).
        lp = relaxing.solve(clock.share(share) * slack, zero, unproven=not clock.deterministic)
        lp_bound = None
        if first is None and lp is not None and lp.proven:
            lp_bound = _integer_bound(lp)
        outcomes: list[StageOutcome] = []
        if lp is not None:
            # Where the larger tier's LP is solved by now, its neighbourhood is widened instead.
            wide = whole is None or not whole.done()
            start, found = _neighbourhood(
                ctx, ps, m, lp, start, clock, stop_event, len(pairs), wide
            )
            outcomes += found
        if whole is not None:
            # The whole model's LP, solved beside the first tier's LP and neighbourhood: waited
            # for while 40% of the time left has not passed.
            stopped = out_of_time(clock) or (stop_event is not None and stop_event.is_set())
            lp = whole.result(0.0 if stopped else clock.share(0.4))
            if lp is not None and not out_of_time(clock):
                start, found = _neighbourhood(ctx, ps, m, lp, start, clock, stop_event, len(m.x))
                outcomes += found
                first = None  # the stages may use every piece
    finally:
        if whole is not None:
            whole.result(0.0)  # an LP still running is stopped
    if first is not None:
        _keep_to(m, first, start, notes)
    return start, outcomes, lp_bound


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
) -> tuple[Draft, list[StageOutcome]]:
    """CP-SAT among the pairs the LP uses and the roster's, hinted with the LP optimum
    rounded (`relaxation.rounded`); `pairs`, the model's searched after it, sets its share of
    the time (`_neighbourhood_share`). With `widen`, a neighbourhood proven optimal with time left
    is searched again with the pairs of least reduced cost added (`relaxation.widened`), hinted
    with its roster: on Rockport with 12-hour weekly caps the LP's own pairs were proven optimal
    2.7% below the problem's optimum (docs/solver.md). A deterministic run does not widen:
    whether the first search is proven in time depends on the machine."""
    keep = support(m, lp, set(start.assign))
    found = _search_among(ctx, m, keep, rounded(m, lp), clock, stop_event, pairs, lp.proven)
    start = _better(ps, start, found)
    # Proven optimal among its pairs and short of a proven LP bound: other pairs may add some.
    short = found.status == "optimal" and lp.proven and (found.objective or 0) < _integer_bound(lp)
    if not widen or not short or clock.deterministic or out_of_time(clock):
        return start, [found]
    wider = widened(m, lp, keep | set(start.assign), WIDEN_FACTOR * len(keep))
    guide = (set(start.assign), start.flow)
    again = _search_among(ctx, m, wider, guide, clock, stop_event, None)
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
) -> StageOutcome:
    """The coverage stage among the pairs in `keep`, hinted with `guide` (pairs and split
    flows), for the neighbourhood's share of the time (WIDEN_SHARE where `pairs` is None,
    UNPROVEN_NEIGHBOURHOOD_SHARE where the LP guiding it was not `proven`)."""
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
        clock.share(share),
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

    def __init__(self, relaxing: Relaxing, seconds: float) -> None:
        self._relaxing = relaxing
        self._value: Relaxation | None = None
        self._thread = beside(self._run, (seconds,), "offduty-whole-lp")

    def _run(self, seconds: float) -> None:
        self._value = self._relaxing.solve(seconds)

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
