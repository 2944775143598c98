"""The three lexicographic CP-SAT stages of one model (S and M), with an LP start.

1. coverage: priority-weighted position-equivalents filled (rules.md section 7), started from
   the LP relaxation's neighbourhood when the model is large enough to need it;
2. fairness: the largest total hours (hours to date plus new) among officers;
3. soft preferences: stability against a previous roster, customers' preferred officers,
   continuity of one officer on a long request, and fewer segments per split position.
Each stage is hinted with the previous roster and keeps what the earlier ones won.
"""

from __future__ import annotations

import dataclasses
import math
import threading

import numpy as np
from ortools.sat.python.cp_model import LinearExpr

from models.result import RosterStatus
from scheduler.context import Context
from scheduler.solve import splits
from scheduler.solve.draft import Draft
from scheduler.solve.model import Model
from scheduler.solve.objective import coverage, covered
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
# From this many pair variables, the coverage stage starts from the LP relaxation's neighbourhood.
LP_START_ABOVE = 1_000
# The LP neighbourhood's share of the search time left, and where the whole model has not the
# time to be searched after it (splits.SECONDS_PER_PAIR), a larger one: there the neighbourhood
# finds more, and one proven optimal returns the rest (docs/solver.md).
NEIGHBOURHOOD_SHARE = 0.3
SHORT_NEIGHBOURHOOD_SHARE = 0.6
# From this many, CP-SAT's probing presolve alone can outlast a short limit.
LIGHT_PRESOLVE_ABOVE = 4_000
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
) -> tuple[Draft, RosterStatus, list[StageOutcome], list[str], float | None]:
    """The three lexicographic stages; also the LP relaxation's coverage bound, when solved.
    `first`: the pieces searched first (`_lp_start`)."""
    opts = ctx.problem.options
    notes: list[str] = []
    if not m.x:
        return start, "optimal", [], ["no officer may take any open shift; nothing to solve"], None
    covered = coverage(ps, m)
    m.cp.maximize(covered)
    start, outcomes, lp_bound = _lp_start(ctx, ps, m, start, clock, stop_event, first, notes)
    if _out_of_time(clock):
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


def _out_of_time(clock: Clock) -> bool:
    """Too little search time left to start another solve (loading a large model into CP-SAT
    alone takes a tenth of a second); deterministic runs never skip on the wall clock."""
    return not clock.deterministic and clock.search_left() < 0.1


def _neighbourhood_share(clock: Clock, pairs: int) -> float:
    """The larger share only at a short limit: at 15 s it left the README's 300-officer what-if
    a largest total 6.5 h higher. Never in a deterministic run, whose stage budgets are spent
    whether or not a stage proves its optimum."""
    short = clock.search_left() < splits.SECONDS_PER_PAIR * pairs
    return SHORT_NEIGHBOURHOOD_SHARE if short and not clock.deterministic else NEIGHBOURHOOD_SHARE


def _lp_start(
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
    if len(m.x) < LP_START_ABOVE or _out_of_time(clock):
        if first is not None:
            _keep_to(m, first, start, notes)
        return start, [], None
    # GLOP's limit is wall time: a deterministic run gives it the deterministic slack, so that
    # a busy machine does not change whether the LP start happens (as the window search does).
    slack = DETERMINISTIC_WALL_FACTOR if clock.deterministic else 1.0
    relaxing = Relaxing(m.cp)
    whole = None if first is None else _Beside(relaxing.copy(), clock.search_left())
    try:
        pairs = m.x.keys() if first is None else _in_tier(m, first, start)
        zero = None if first is None else outside(m, pairs)
        share = DETERMINISTIC_LP_SHARE if clock.deterministic else LP_SHARE
        lp = relaxing.solve(clock.share(share) * slack, zero)
        lp_bound = None
        if first is None and lp is not None:
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
            stopped = _out_of_time(clock) or (stop_event is not None and stop_event.is_set())
            lp = whole.result(0.0 if stopped else clock.share(0.4))
            if lp is not None and not _out_of_time(clock):
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
    found = _search_among(ctx, m, keep, rounded(m, lp), clock, stop_event, pairs)
    start = _better(ps, start, found)
    proven = found.status == "optimal" and (found.objective or 0) < _integer_bound(lp)
    if not widen or not proven or clock.deterministic or _out_of_time(clock):
        return start, [found]  # unproven, or at the LP's bound: no pair could add anything
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
) -> StageOutcome:
    """The coverage stage among the pairs in `keep`, hinted with `guide` (pairs and split
    flows), for the neighbourhood's share of the time (WIDEN_SHARE where `pairs` is None)."""
    with clock.phase("model"):
        # A copy of the model (made in C++) with the pairs outside `keep` fixed to 0.
        sub = dataclasses.replace(m, cp=m.cp.clone())
        fix_outside(sub, keep)
        hint(sub, *guide)
    share = WIDEN_SHARE if pairs is None else _neighbourhood_share(clock, pairs)
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
        self._thread = threading.Thread(
            target=self._run, args=(seconds,), name="offduty-whole-lp", daemon=True
        )
        self._thread.start()

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
