"""How a solve's time limit is kept: what the work after the search may take, the deadlines it
keeps, whether the flow bound is affordable, which bound runs beside the search, and the note of
an answer that came late.

The search gets what is left of the limit once these reserves are kept (`Clock.reserve_for`);
the figures behind each estimate are in docs/solver.md, under "solve/solver.py".
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from scheduler.context import Context, coverage_scale
from scheduler.rules.eligibility import candidate_pools
from scheduler.rules.load import OfficerLoad
from scheduler.solve import resplit, splits
from scheduler.solve.draft import Draft
from scheduler.solve.explain import EXPLAIN_SHARE, explain_seconds
from scheduler.solve.flow_bound import crew_bound, few_supervisors, windows
from scheduler.solve.lagrange_bound import LagrangeThread
from scheduler.solve.lp_bound import LpBound
from scheduler.solve.objective import trivial_bound
from scheduler.solve.pieces import PieceSet
from scheduler.solve.stages import Clock

# The polish keeps at least this share of the limit: at M, improvable pairs were left when the
# window search ran to the report's reserve and the polish got almost nothing (docs/solver.md).
POLISH_SHARE = 0.04
# The explanations' reserve is what they would take, half again (`explain_seconds_within`).
EXPLAIN_MARGIN = 1.5
# And about this long per pair of the greedy roster at 2,000 officers (a move tries the piece's
# lighter candidates, so in proportion to the officers below that), at most POLISH_MOST of the
# limit: at city scale Kennesaw's autumn DST fortnight (8,266 pairs) polished in 0.9-1.5 s, a
# Rockport fortnight with a 4-hour continuous cap (23,628) stopped after 3.3 and 6.0 s with 29
# and 3 improvable pairs left (docs/solver.md).
POLISH_SECONDS_PER_PAIR = 3e-4
POLISH_MOST = 0.2
# Splitting open stretches again after the search keeps at most this share (`resplit_seconds`).
RESPLIT_SHARE = 0.05
# But a short limit's share splits next to nothing: on Rockport's Christmas week (S, seed 0) at
# 1 s, 0.05 s split 0-7 of its 76 stretches and 0.15 s 15-25 (docs/solver.md).
RESPLIT_LEAST_SECONDS = 0.15
CITY_OFFICERS = 2000
# The flow bound's cost per pool pair (1.1-2.3 us measured from S to L, with a margin), and the
# share of the limit it may take (docs/solver.md).
FLOW_SECONDS_PER_PAIR = 2.5e-6
# Over windows (`flow_bound.windows`) an officer's pairs of one request merge into one arc:
# 0.44-1.1 us a pair measured on Rockport's M and L fortnights, with a margin.
WINDOW_FLOW_SECONDS_PER_PAIR = 1.5e-6
BOUND_SHARE = 0.25
# Screening the windows' officers for that bound: 0.07-0.09 us a pair of the windows, which are
# a quarter to nine tenths of every split's pairs (Rockport's and Kennesaw's fortnights of 1,000
# to 2,000 officers). Every split's pairs, at this, must fit BOUND_SHARE, else the bound is
# `positions_bound`: 0.9 s of a 5 s limit on Rockport's Christmas fortnight at city scale.
WINDOW_POOL_SECONDS_PER_PAIR = 0.1e-6
# The report's idle cost: a request is explained, refused or checked once, a shift priced and
# validated (fitted on rosters of 150 to 6,000 requests, each empty, half and whole: 0 to 11,644
# shifts; docs/solver.md).
REPORT_SECONDS_PER_REQUEST = 0.09e-3
REPORT_SECONDS_PER_SHIFT = 0.16e-3
# The greedy roster stops once its report and this share of the limit (the polish and the
# explanations, each stopping at its own deadline) would no longer fit (`greedy_stop`).
GREEDY_MARGIN = 0.05
# The candidates' screening may take this share of what is left for the search, else the search
# is left out (`screening_until`).
SCREEN_MOST = 0.5
# What screening a piece takes: 56-198 us measured, 85-138 us on most (S to L, both agencies;
# docs/solver.md). The deadline above still stops a slower one.
SCREEN_SECONDS_PER_PIECE = 1e-4
OVERRUN = 1.05  # an answer later than this says so (the promise: the limit plus 5%)


def report_seconds(ctx: Context, clock: Clock, shifts: int) -> float:
    """Seconds to keep after the search and the explanations for the rest of the report:
    pricing, validating and assembling a roster of about `shifts` shifts (the greedy roster's,
    which the search rarely grows by more than a tenth).

    The report's cost grows with the requests and with the shifts, and with how busy the machine
    is (figures in docs/solver.md). The estimate is the idle cost scaled by how much slower than
    idle this machine ran the screening and the greedy roster, with a quarter again as margin:
    the limit is a promise."""
    requests = len(ctx.requests)
    idle = 0.05 + REPORT_SECONDS_PER_REQUEST * requests + REPORT_SECONDS_PER_SHIFT * shifts
    spent = clock.phases.get("screening", 0.0) + clock.phases.get("greedy", 0.0)
    slower = max(1.0, spent / (0.01 + 1.2e-3 * requests))
    return idle * min(slower, 4.0) * 1.25


def greedy_stop(ctx: Context, clock: Clock) -> Callable[[int], bool] | None:
    """When the greedy roster must stop so that its report still ends within the limit: asked
    with the shifts given so far, it says whether the report of that many (and a twentieth of
    the limit for the polish and explanations, which stop at their own deadlines) would no
    longer fit. A deterministic run never stops early: its roster may not depend on the
    machine's speed."""
    if clock.deterministic:
        return None
    locked, margin = len(ctx.locked), GREEDY_MARGIN * clock.limit

    def stop(shifts: int) -> bool:
        return clock.elapsed() + report_seconds(ctx, clock, shifts + locked) + margin > clock.limit

    return stop


def screening_until(clock: Clock, pieces: int) -> float | None:
    """The `time.perf_counter()` instant the candidates' screening must end by, or give up:
    SCREEN_MOST of what is left for the search. A screening that takes longer leaves no time for
    the search it is for: on Rockport's Christmas fortnight at city scale (5 s) it took 3.5 s
    after the pools, greedy roster and bound had used 3.8 s (docs/solver.md). Where its `pieces`
    at SCREEN_SECONDS_PER_PIECE would not fit either, it gives up before it begins. A
    deterministic run always screens."""
    if clock.deterministic:
        return None
    allowed = SCREEN_MOST * clock.search_left()
    if SCREEN_SECONDS_PER_PIECE * pieces > allowed:
        return time.perf_counter()
    return time.perf_counter() + allowed


def explain_seconds_within(
    ctx: Context, ps: PieceSet, start: Draft, pools: list[np.ndarray], limit: float
) -> float:
    """Explaining the open positions: what the first roster's would take, half again as margin,
    within a share. Without the margin, Rockport's fortnight with a 4-hour continuous cap (M,
    seed 0, 20 s) kept 0.42 s, its explanations took 0.24-0.32 s, and one run in six left 242
    open positions "not examined" after a polish that ran long (docs/solver.md)."""
    return min(EXPLAIN_SHARE * limit, EXPLAIN_MARGIN * explain_seconds(ctx, ps, start, pools))


def polish_seconds(ctx: Context, clock: Clock, report_s: float, pairs: int) -> float:
    """The polish's reserve: about what the report costs from a thousand requests on, a few
    milliseconds on a week of 150 (docs/solver.md), never below POLISH_SHARE, and at city scale
    what the `pairs` of the greedy roster need (`polish_needs`)."""
    needed = polish_needs(ctx, clock, pairs)
    return max(report_s * min(1.0, len(ctx.requests) / 1000), POLISH_SHARE * clock.limit, needed)


def resplit_seconds(
    ctx: Context, clock: Clock, ps: PieceSet, start: Draft, polish_s: float
) -> float:
    """The reserve for splitting open stretches again after the search (`resplit`): what the
    greedy roster's would take, and the polish after it where the polish's reserve `polish_s`
    does not already hold two; at most RESPLIT_SHARE of the limit or RESPLIT_LEAST_SECONDS,
    whichever is more. Counting a whole polish again kept 16.3 s after the search on Kennesaw's
    autumn DST fortnight at city scale (90 s), where both polishes took 2.6 s and the answer
    came 5.4 s early (docs/solver.md)."""
    if not ps.split_requests:
        return 0.0
    needed = resplit.seconds_needed(ctx, ps, start)
    if not needed:
        return 0.0
    after = max(0.0, 2 * polish_needs(ctx, clock, len(start.assign)) - polish_s)
    return min(max(RESPLIT_SHARE * clock.limit, RESPLIT_LEAST_SECONDS), needed + after)


def polish_needs(ctx: Context, clock: Clock, pairs: int) -> float:
    """What polishing the `pairs` of the greedy roster takes (POLISH_SECONDS_PER_PAIR at city
    scale, in proportion to the officers below it), at most POLISH_MOST of the limit."""
    scale = min(1.0, len(ctx.officers) / CITY_OFFICERS)
    return min(POLISH_MOST * clock.limit, POLISH_SECONDS_PER_PAIR * scale * pairs)


def flow_fits(pairs: int, limit: float) -> bool:
    """Whether the flow bound over `pairs` pool pairs fits its share of the limit."""
    return FLOW_SECONDS_PER_PAIR * pairs <= BOUND_SHARE * limit


def bound_before_search(
    ctx: Context, ps: PieceSet, pools: list[np.ndarray], limit: float
) -> tuple[float, str]:
    """The flow bound over `ps` and its pools, and a note saying where the bound came from;
    where the flow bound would take more than BOUND_SHARE of the limit (2,000 officers at 20 s:
    about 5 s of 20), the flow bound over each long request's windows of the agency minimum
    (`flow_bound.windows`, a fifth to a quarter of the pairs), and where that would too, the
    trivial bound over the pools. Each holds for every piece of `ps`, so for the fewer pieces a
    large model offers as well. The choice depends on the problem's size and the limit only,
    never on the machine's speed."""
    pairs = sum(len(pool) for pool in pools)
    if flow_fits(pairs * _passes(ctx, ps), limit):
        return crew_bound(ctx, ps, pools) / coverage_scale(), "bound from the flow relaxation"
    return bound_over_windows(ctx, ps, limit, pairs, pools)


def _passes(ctx: Context, ps: PieceSet) -> int:
    """How many flows `crew_bound` solves: a second one where supervisors are few."""
    return 2 if few_supervisors(ctx, ps) else 1


def bound_over_windows(
    ctx: Context,
    ps: PieceSet,
    limit: float,
    pairs: int,
    pools: list[np.ndarray] | None = None,
) -> tuple[float, str]:
    """The flow bound over windows of the agency minimum where it fits BOUND_SHARE of the
    limit, else the trivial bound over `pools` (those of every split), or without them over
    the windows' (an officer who may take a segment may take every window inside it, so the
    windows' officers include the segments'). `ps` needs every split's requests and their
    split requests only (`flow_bound.windows`), so the fewer pieces of a problem whose every
    split was too large to build (`pairs` of them, estimated) serve as well."""
    note = (
        f"bound from each request's possible officers: the flow relaxation ({pairs:,} pairs, "
        f"about {FLOW_SECONDS_PER_PAIR * pairs:.1f} s) would take more than "
        f"{BOUND_SHARE:.0%} of the time limit"
    )
    if pools is not None and not ps.split_requests:
        return trivial_bound(ctx, ps, pools), note
    if pools is None and WINDOW_POOL_SECONDS_PER_PAIR * pairs > BOUND_SHARE * limit:
        return positions_bound(ctx, ps), (
            f"bound from each request's positions, all filled: screening the windows' officers "
            f"(up to {pairs:,} pairs) would take more than {BOUND_SHARE:.0%} of the time limit"
        )
    spans = windows(ctx, ps)
    spans_pools = candidate_pools(ctx, spans)
    few = sum(len(pool) for pool in spans_pools)
    if WINDOW_FLOW_SECONDS_PER_PAIR * few * _passes(ctx, spans) <= BOUND_SHARE * limit:
        over = "bound from the flow relaxation over windows of the agency minimum"
        return crew_bound(ctx, spans, spans_pools) / coverage_scale(), over
    if pools is None:
        return trivial_bound(ctx, spans, spans_pools), note
    return trivial_bound(ctx, ps, pools), note


def positions_bound(ctx: Context, ps: PieceSet) -> float:
    """Every position of every request filled, at its priority: the bound that needs no
    screening, for a limit too short for any."""
    requests = (ctx.requests[r].model for r in ps.by_request)
    return float(sum(req.priority * req.officers_needed for req in requests))


def bound_beside(
    ctx: Context,
    ps: PieceSet,
    pools: list[np.ndarray],
    every_split: tuple[PieceSet, list[np.ndarray]] | None,
    capped: bool,
    locked: dict[int, OfficerLoad],
    start: Draft,
    clock: Clock,
) -> tuple[LpBound | None, LagrangeThread | None]:
    """The bound computed in a thread beside a search that would otherwise be left the flow
    bound (fewer splits offered, or the window search): the LP over every split where it fits
    half the limit, else the Lagrangian relaxation. A deterministic run gets neither the
    Lagrangian (its bound would depend on the machine's speed) nor, when it does not fit, the
    LP."""
    if every_split is None and sum(len(p) for p in pools) <= splits.LARGE_MODEL:
        return None, None
    full, full_pools = every_split if every_split is not None else (ps, pools)
    pairs = sum(len(p) for p in full_pools)
    goal = sum(ps.pieces[p].weight for p, _ in start.assign)
    if every_split is not None and not capped and LpBound.fits(pairs, clock.limit):
        return LpBound(ctx, full, full_pools, locked, clock.search_left(), goal), None
    if clock.deterministic or not LagrangeThread.fits(pairs, clock.limit):
        return None, None
    return None, LagrangeThread(ctx, full, full_pools, goal, clock.turns)


def explain_until(clock: Clock, report_s: float) -> float | None:
    """The `time.perf_counter()` instant after which open positions are no longer examined,
    keeping `report_s` for pricing and validating the roster. A deterministic run explains every
    one: its result may not depend on the machine's speed."""
    if clock.deterministic:
        return None
    return time.perf_counter() + max(0.0, clock.limit - clock.elapsed() - report_s)


def polish_deadline(clock: Clock, report_s: float) -> float:
    """Polish may use what is left of the limit, keeping `report_s` for assembling the result.

    A deterministic run's polish may not stop on the wall clock (a busy machine would then give
    another roster): it runs to its end, within the wall guard that caps the whole run."""
    if clock.deterministic:
        return time.monotonic() + max(0.05, (clock.wall_cap() or 0.0) - report_s)
    left = clock.limit - clock.elapsed() - report_s
    return time.monotonic() + max(0.05, left)


def overrun_note(clock: Clock, wall: float, phases: dict[str, float]) -> str | None:
    """What an answer later than its limit plus 5% says, naming its three longest phases. Only
    the work every answer needs (reading, screening, the greedy roster, pricing and validating
    it) can outlast the limit: the search itself always stops in time."""
    if wall <= clock.limit * OVERRUN:
        return None
    slowest = sorted(phases.items(), key=lambda kv: -kv[1])[:3]
    return (
        f"answered in {wall:.1f} s, over the {clock.limit:g} s limit: "
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slowest)
        + "; a problem this size needs a longer limit"
    )
