"""The roster solver: eligibility filter, greedy warm start, three CP-SAT stages, fairness polish.

Stages, in lexicographic order (each hinted with the previous solution, each keeping what the
earlier ones won as a constraint):
1. coverage: priority-weighted position-equivalents filled (rules.md section 7);
2. fairness: the largest total hours (hours to date plus new) among officers;
3. soft preferences: stability against a previous roster, customers' preferred officers,
   continuity of one officer on a long request, and fewer segments per split position.
A polish step then removes every improvable pair (it cannot undo stages 1 and 2). If CP-SAT has
no roster when time runs out, the greedy rotation-list roster is returned, status `feasible`.
Solving returns data and never raises for solver trouble; bad input raises `InputError`.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from ortools import __version__ as ortools_version  # type: ignore[attr-defined]

from models.problem import Problem
from models.result import RosterResult, RosterStatus, SolverStats, StageStats
from scheduler.context import Context, coverage_scale, prepare
from scheduler.pricing.holidays import holiday_dates
from scheduler.rules.eligibility import candidates, candidates_until
from scheduler.rules.load import OfficerLoad
from scheduler.solve import budget, report, splits
from scheduler.solve.draft import Draft
from scheduler.solve.fill import fill_and_polish
from scheduler.solve.greedy import greedy, greedy_until
from scheduler.solve.lexicographic import three_stages
from scheduler.solve.limits import capped as time_capped
from scheduler.solve.locks import check_locks, split_lock_violations, supervisor_lock_violations
from scheduler.solve.lp_start import EarlyLp, alone, neighbourhood_alone
from scheduler.solve.model import build
from scheduler.solve.objective import trivial_bound as _trivial_bound
from scheduler.solve.offer import offered_pieces
from scheduler.solve.pieces import Piece, PieceSet, build_pieces
from scheduler.solve.polish import final_loads, note_left
from scheduler.solve.splits import offer_note
from scheduler.solve.stages import Clock, StageOutcome
from scheduler.solve.windows import window_search
from scheduler.timeutil import local_date

log = logging.getLogger(__name__)

BUILD_SECONDS_PER_PAIR = 4e-5  # building the CP-SAT model alone
# Above this many possible pairs (L has millions: docs/solver.md), each piece keeps a few
# candidates beyond its positions, fewest hours to date first: about PAIRS_PER_SECOND pairs in
# all per second of the limit, between FEWEST_CANDIDATES and MOST_CANDIDATES a piece.
CAP_ABOVE = 400_000
PAIRS_PER_SECOND = 4_000
FEWEST_CANDIDATES, MOST_CANDIDATES = 12, 48


def _stats(
    ctx: Context,
    clock: Clock,
    outcomes: list[StageOutcome],
    status: str,
    variables: int,
    notes: list[str],
    first: float | None,
) -> SolverStats:
    opts = ctx.problem.options
    return SolverStats(
        status=status,
        wall_s=round(clock.elapsed(), 3),
        first_solution_s=first,
        objective=[o.objective for o in outcomes if o.objective is not None],
        bound=[o.bound for o in outcomes if o.bound is not None],
        stages=[
            StageStats(
                name=o.name,
                status=o.status,
                objective=o.objective,
                bound=o.bound,
                wall_s=round(o.wall_s, 3),
            )
            for o in outcomes
        ],
        seed=opts.seed,
        workers=opts.num_workers,
        deterministic=opts.deterministic,
        ortools=ortools_version,
        variables=variables,
        notes=notes,
    )


@dataclass
class _Search:
    """What a search produced: the roster, its status and stages, and the bounds it proved."""

    draft: Draft
    status: RosterStatus
    outcomes: list[StageOutcome]
    notes: list[str]
    variables: int
    bound: float | None
    max_total_bound: float | None = None


def solve(problem: Problem, *, stop_event: threading.Event | None = None) -> RosterResult:
    """A priced roster for the problem within `options.time_limit_s`, never an exception for
    solver trouble (an unknown agency or contract rate is an `InputError`).

    The limit counts from here to the assembled result; `solver.phases` says where it went."""
    with frozen_heap():
        return _solve(problem, stop_event)


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Leaves what exists when a solve starts (the modules, the parsed problem) out of the
    garbage collector's full passes until it ends. One such pass took 67 ms at S, 7% of a 1 s
    limit; where it fell in the splitting after the search, that ran past its deadline and was
    undone (docs/solver.md). A host that froze its heap itself keeps it as it was."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _solve(problem: Problem, stop_event: threading.Event | None) -> RosterResult:
    problem = time_capped(problem)  # OFFDUTY_TIME_LIMIT_CAP_S, for tests and CI
    clock = Clock(problem.options.time_limit_s, problem.options.deterministic)
    with clock.phase("prepare"):
        ctx = prepare(problem)
        warm_calendar(ctx)
    offer = offered_pieces(ctx, clock)
    ps, pools, climb = offer.ps, offer.pools, offer.climb
    with clock.phase("prepare"):
        violations, locked_loads = check_locks(ctx, ps)
        violations += split_lock_violations(ctx, ps)
    if violations:
        stats = _stats(ctx, clock, [], "infeasible", 0, [], None)
        return _finish(clock, report.infeasible(ctx, violations, stats))
    with clock.phase("greedy"):
        stop = budget.greedy_stop(ctx, clock)
        start, unreached = _rotation_start(ctx, ps, pools, locked_loads, stop)
    first = round(clock.elapsed(), 3)  # the greedy roster: valid, ready before any model
    report_s = budget.report_seconds(ctx, clock, len(start.assign) + len(ctx.locked))
    after = report_s + budget.explain_seconds_within(ctx, ps, start, pools, clock.limit)
    polish_s = budget.polish_seconds(ctx, clock, report_s, len(start.assign))
    resplit_s = budget.resplit_seconds(ctx, clock, ps, start, polish_s)
    polish_s += resplit_s
    clock.reserve_for(
        after + polish_s, report_s + budget.polish_needs(ctx, clock, len(start.assign))
    )
    # Splitting the greedy roster's open stretches again is worth less than an LP start:
    # where the search would not start, it may take that reserve (`lp_start`).
    clock.lend(resplit_s, after + polish_s - resplit_s)
    with clock.phase("screening"):
        capped = sum(len(pool) for pool in pools) > CAP_ABOVE
        cap = candidate_cap(len(ps.pieces), clock.limit)
        until = budget.screening_until(clock, len(ps.pieces))
        cands = candidates_until(ctx, ps, locked_loads, pools, cap if capped else None, until)
        screened = cands is not None
        if cands is None:  # no time left for a search: the greedy roster is the answer
            cands = _locked_crews(ctx, ps, locked_loads, pools)
        for p, o in start.assign:  # the greedy's pairs join the model: it can only improve
            if o not in cands.setdefault(p, []):
                cands[p].append(o)
        violations = supervisor_lock_violations(ctx, ps, cands)
    if violations:
        stats = _stats(ctx, clock, [], "infeasible", 0, [], None)
        return _finish(clock, report.infeasible(ctx, violations, stats))
    beside = (offer.every_split, capped, locked_loads, start, clock)
    lp, lagrange = (
        budget.bound_beside(ctx, ps, pools, *beside) if offer.built and screened else (None, None)
    )
    try:
        tier = None if climb is None else climb.first
        if screened:
            found = _search(
                ctx,
                ps,
                pools,
                cands,
                start,
                locked_loads,
                clock,
                stop_event,
                offer.bound,
                tier,
                capped,
            )
        else:
            found = _unscreened(ctx, ps, pools, start, offer.bound)
        if unreached:
            found.notes.append(
                f"time limit: the first roster stopped with {unreached} of "
                f"{len(ps.by_request)} requests not reached (their open positions say "
                "TIME_LIMIT); a longer limit staffs them"
            )
        clock.turns.written.set()  # whichever way the search went
        if offer.bound_note:
            found.notes.append(offer.bound_note)
        if found.status == "infeasible":
            stats = _stats(
                ctx, clock, found.outcomes, "infeasible", found.variables, found.notes, None
            )
            return _finish(clock, report.infeasible(ctx, [], stats))
        if offer.bound is not None:
            found.notes.append(offer_note(offer.offered, len(ps.pieces), climb))
        if capped and screened:
            found.notes.append(
                f"city scale: each shift kept its {cap} least-loaded candidates beyond its "
                "positions"
            )
        if lagrange is not None:
            with clock.phase("bound"):  # the step under way is waited for
                found.bound = lagrange.tighter(found.bound, found.notes)
        with clock.phase("polish"):
            # The polish may use the explanations' reserve: a roster left with improvable pairs
            # is unfair (rules.md section 7), an explanation cut short says "not examined". The
            # fillings after it may not.
            deadline = budget.polish_deadline(clock, report_s)
            done = fill_and_polish(
                ctx,
                ps,
                pools,
                found.draft,
                locked_loads,
                deadline,
                budget.polish_deadline(clock, after),
                clock.phase,
            )
            ps, draft, filled, moved = done.ps, done.draft, done.filled, done.moved
            cut = time.monotonic() >= deadline  # the polish may have stopped before its end
            final = final_loads(ctx, ps, draft, locked_loads)
        if filled:
            found.notes.append(
                f"{filled} open position(s) filled by free officers after the search"
            )
        if done.split:
            found.notes.append(
                f"{done.split} open stretch(es) of long requests split again where officers "
                "could work more of them"
            )
        if moved:
            found.notes.append(f"fairness polish moved {moved} shift(s) to lighter officers")
        if lp is not None:
            # A deterministic run waits for it (its wall time is not the promise), another only
            # until the report, and a stopped one not at all.
            wait = (
                (clock.wall_cap() or 0.0) if clock.deterministic else clock.limit - clock.elapsed()
            )
            stopped = stop_event is not None and stop_event.is_set()
            with clock.phase("bound"):  # waiting for the LP is the bound's time, not "other"
                found.bound = lp.tighter(
                    found.bound, found.notes, 0.0 if stopped else wait - after
                )
        stats = _stats(
            ctx, clock, found.outcomes, found.status, found.variables, found.notes, first
        )
        with clock.phase("report"):
            result = report.assemble(
                ctx,
                ps,
                cands if screened else _pool_officers(pools),
                draft,
                locked_loads,
                final,
                found.status,
                stats,
                found.bound,
                found.max_total_bound,
                found.notes,
                budget.explain_until(clock, report_s),
            )
        return _finish(clock, note_left(result) if cut else result)
    finally:
        # Whatever happened, the threads beside the search stop: they are not daemons, so a
        # program would otherwise wait for them at exit (`threads.py`).
        if lp is not None:
            lp.stop()
        if lagrange is not None:
            lagrange.stop()


def candidate_cap(pieces: int, limit: float) -> int:
    """Candidates a piece keeps beyond its positions at city scale. The window search writes
    every pair's rows before its first window, so more candidates pay only with a longer limit:
    on Kennesaw's autumn DST fortnight (L), 12 covered most at 20 s and 48 at 90 s
    (docs/solver.md)."""
    fit = int(PAIRS_PER_SECOND * limit / max(1, pieces))
    return max(FEWEST_CANDIDATES, min(MOST_CANDIDATES, fit))


def _finish(clock: Clock, result: RosterResult) -> RosterResult:
    """The wall time and its phases, measured after the result is assembled."""
    phases = clock.phase_seconds()
    wall = round(clock.elapsed(), 3)
    notes = list(result.solver.notes)
    if clock.deterministic:
        notes.append(
            f"deterministic: the {clock.limit:g} s limit is spent in CP-SAT's deterministic "
            f"time, so the roster does not depend on the machine; it took {wall:.2f} s of "
            "wall time"
        )
    elif (late := budget.overrun_note(clock, wall, phases)) is not None:
        notes.append(late)
    solver = result.solver.model_copy(update={"wall_s": wall, "phases": phases, "notes": notes})
    return result.model_copy(update={"solver": solver})


def _rotation_start(
    ctx: Context,
    ps: PieceSet,
    pools: list[np.ndarray],
    locked: dict[int, OfficerLoad],
    stop: Callable[[int], bool] | None,
) -> tuple[Draft, int]:
    """The greedy roster, and how many requests it did not reach before `stop` said so. It
    picks from the pools, before the screening: each pick runs every check of its layer, so the
    roster is the one the candidates would give (they are the pools less the officers those
    checks refuse), it sees every officer where the candidates are capped, and a screening
    that would not end in time is left out (`budget.screening_until`)."""
    rotation = {p.index: pools[p.index] for p in ps.pieces}
    loads = {o: load.copy() for o, load in _all_loads(ctx, locked).items()}
    return greedy_until(ctx, ps, rotation, loads, stop)


@dataclass
class _Pieces:
    pieces: list[Piece]


def _locked_crews(
    ctx: Context, ps: PieceSet, locked: dict[int, OfficerLoad], pools: list[np.ndarray]
) -> dict[int, list[int]]:
    """Without the screening, the candidates of the pieces whose supervisor a lock needs: a
    locked officer on a supervised request is refused when no supervisor could be on it with
    them (`supervisor_lock_violations`), and only the candidates say who could."""
    supervised = {
        r
        for r, o, _, _ in ctx.locked
        if ctx.requests[r].model.officers_needed >= ctx.limits.supervisor_at
        and not ctx.officers[o].supervisor
    }
    pieces = [ps.pieces[p] for r in sorted(supervised) for p in ps.by_request.get(r, [])]
    return candidates(ctx, _Pieces(pieces), locked, pools) if pieces else {}


def _pool_officers(pools: list[np.ndarray]) -> dict[int, list[int]]:
    """Every officer of some pool, as one entry: the officers the report lists hours for where
    no candidates were screened (they would have been among these)."""
    officers = np.unique(np.concatenate(pools)) if pools else np.zeros(0, dtype=np.int64)
    return {-1: officers.tolist()}


def _unscreened(
    ctx: Context,
    ps: PieceSet,
    pools: list[np.ndarray],
    start: Draft,
    full_bound: float | None,
) -> _Search:
    """The greedy roster as the answer, when screening the candidates would not end in time
    for a search; the bound counts the pools (a superset of the candidates)."""
    bound = _trivial_bound(ctx, ps, pools) if full_bound is None else full_bound
    note = (
        "time limit too short to screen the candidates for a search: greedy rotation-list roster"
    )
    return _Search(start, "feasible", [], [note], 0, bound)


def _search(
    ctx: Context,
    ps: PieceSet,
    pools: list[np.ndarray],
    cands: dict[int, list[int]],
    start: Draft,
    locked: dict[int, OfficerLoad],
    clock: Clock,
    stop_event: threading.Event | None,
    full_bound: float | None = None,
    first: np.ndarray | None = None,
    capped: bool = False,
) -> _Search:
    """One model in three stages, or above `splits.LARGE_MODEL` pairs the time-window search.

    `full_bound` is the flow bound over every split a long request allows, given when the
    pieces offered are fewer (`build_pieces(sparse=True)`): then it is the only valid bound.
    `first`: the pieces one model searches first (`splits.climbing_splits`)."""
    pairs = sum(len(c) for c in cands.values())
    if pairs > splits.LARGE_MODEL:
        bound = full_bound
        note = ""
        if bound is None:
            with clock.phase("bound"):
                bound, note = budget.bound_before_search(ctx, ps, pools, clock.limit)
        draft, status, outcomes, notes = _large(ctx, ps, cands, start, locked, clock, stop_event)
        return _Search(draft, status, outcomes, notes + [note] * bool(note), pairs, bound)
    capped_note = ""
    if capped and full_bound is None:
        # Capped candidates leave officers out: neither CP-SAT's bound nor an optimum over them
        # holds for the problem, the pools' bound does (and the status stays feasible).
        with clock.phase("bound"):
            full_bound, capped_note = budget.bound_before_search(ctx, ps, pools, clock.limit)
    if not clock.deterministic and clock.search_left() < BUILD_SECONDS_PER_PAIR * pairs:
        note = "time limit too short to build the model: greedy rotation-list roster"
        bound = _trivial_bound(ctx, ps, cands) if full_bound is None else full_bound
        return _Search(start, "feasible", [], [note] + [capped_note] * bool(capped_note), 0, bound)
    with clock.phase("model"):
        # The first LP is solved while the model is built (`lp_start.EarlyLp`).
        early = (
            EarlyLp(ctx, ps, cands, start, clock, first) if EarlyLp.wanted(cands, clock) else None
        )
    if early is not None and first is None and alone(pairs, clock, BUILD_SECONDS_PER_PAIR * pairs):
        # No stage would have the time to search a model of every pair: the neighbourhood's
        # model is written from the LP's rows alone.
        clock.turns.written.set()
        with clock.phase("search"):
            draft, outcomes, lp_bound = neighbourhood_alone(
                ctx, ps, early, start, clock, stop_event
            )
        locked_weight = early.written.rows.locked_weight
        bound = _coverage_bound(ctx, ps, cands, outcomes, locked_weight, lp_bound, full_bound)
        notes = ["time limit reached before CP-SAT could search the whole model"]
        notes += [capped_note] * bool(capped_note)
        return _Search(draft, "feasible", outcomes, notes, pairs, bound)
    with clock.phase("model"):
        try:
            # Where the early LP's rows are written, the model is written from them.
            m = build(ctx, ps, cands) if early is None else early.written.model()
        except BaseException:
            if early is not None:
                early.stop()
            raise
    clock.turns.written.set()
    log.info("model: %d pieces, %d pair variables", len(ps.pieces), len(m.x))
    with clock.phase("search"):
        found = three_stages(ctx, ps, m, start, clock, stop_event, first, early)
    draft, status, outcomes, notes, lp_bound = found
    fairness = next((o for o in outcomes if o.name == "fairness"), None)
    bound = _coverage_bound(ctx, ps, cands, outcomes, m.locked_weight, lp_bound, full_bound)
    if full_bound is not None and status == "optimal":
        # Optimal among the splits offered or the capped candidates, not proven over all.
        status = "feasible"
    return _Search(
        draft,
        status,
        outcomes,
        notes + [capped_note] * bool(capped_note),
        len(m.x),
        bound,
        round(fairness.bound / 60, 4) if fairness and fairness.bound is not None else None,
    )


def _coverage_bound(
    ctx: Context,
    ps: PieceSet,
    cands: dict[int, list[int]],
    outcomes: list[StageOutcome],
    locked_weight: int,
    lp_bound: float | None,
    full_bound: float | None = None,
) -> float | None:
    """`full_bound` where given (the bound over every split, or over uncapped pools: the only
    valid one then); else None when stage 1 is proven optimal (the bound is the coverage
    itself), otherwise the best of CP-SAT's bound (weak when a stage stops early), the LP
    relaxation's and every request filled as far as its candidates allow."""
    if full_bound is not None:
        return full_bound
    stage1 = next((o for o in outcomes if o.name == "coverage"), None)
    if stage1 and stage1.status == "optimal":
        return None
    bounds = [_trivial_bound(ctx, ps, cands)]
    if stage1 and stage1.bound is not None:
        bounds.append((stage1.bound + locked_weight) / coverage_scale())
    if lp_bound is not None:
        bounds.append((lp_bound + locked_weight) / coverage_scale())
    return min(bounds)


def _large(
    ctx: Context,
    ps: PieceSet,
    cands: dict[int, list[int]],
    start: Draft,
    locked: dict[int, OfficerLoad],
    clock: Clock,
    stop_event: threading.Event | None,
) -> tuple[Draft, RosterStatus, list[StageOutcome], list[str]]:
    """Too many pairs for one model: improve the greedy roster window by window."""
    with clock.phase("search"):
        draft, outcomes = window_search(ctx, ps, cands, start, clock, stop_event)
    notes = [
        f"large model: time-window search over {len(outcomes)} window solve(s) from the "
        "greedy roster"
    ]
    return draft, "feasible", outcomes, notes


def warm_calendar(ctx: Context) -> None:
    """Load the holiday calendar of the horizon's years now, not inside the report's reserve
    (the package itself is imported with `scheduler.pricing.holidays`)."""
    years = {local_date(r.start, ctx.tz).year for r in ctx.requests}
    for year in sorted(years | {local_date(r.end, ctx.tz).year for r in ctx.requests}):
        holiday_dates(ctx.agency, year)


def _all_loads(ctx: Context, locked_loads: dict) -> dict:
    from scheduler.rules.load import OfficerLoad

    return {o.index: locked_loads.get(o.index) or OfficerLoad(ctx, o) for o in ctx.officers}


@dataclass
class RotationRoster:
    """A problem's rotation-list roster on its own, with what it was built from."""

    ctx: Context
    ps: PieceSet
    locked: dict[int, OfficerLoad]
    cands: dict[int, list[int]]
    draft: Draft


def rotation_roster(problem: Problem) -> RotationRoster:
    """The rotation-list roster without the solver: the baseline of the benchmark, and the
    source of realistic locked shifts for generated problems."""
    ctx = prepare(problem)
    ps = build_pieces(ctx)
    _, locked = check_locks(ctx, ps)
    cands = candidates(ctx, ps, locked)
    loads = {
        o.index: (locked[o.index].copy() if o.index in locked else OfficerLoad(ctx, o))
        for o in ctx.officers
    }
    return RotationRoster(ctx, ps, locked, cands, greedy(ctx, ps, cands, loads))
