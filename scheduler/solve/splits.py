"""Which split points a long request is offered: every one, or at a large model or a short
limit fewer of them, in tiers (`pieces.anchors`); the pools of the fewer pieces come from the
full set's. The figures behind each threshold are in docs/solver.md, under "solve/solver.py".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from scheduler.context import Context
from scheduler.rules.eligibility import candidate_pools
from scheduler.solve.pieces import ANCHOR_STEP, PieceSet, build_pieces, count_arcs

# Above this many pair variables one monolithic model spends its budget in presolve.
LARGE_MODEL = 30_000
# Building, relaxing and first searching a model, per pair variable, on a busy 2-core machine.
SECONDS_PER_PAIR = 4e-4
# A model one tier larger is climbed to where it would fit this many times the limit: at 1 s
# building it left the greedy roster on Rockport's Christmas week, seeds 2 and 3
# (docs/solver.md).
CLIMB = 2.0


def offer_fewer_splits(pool_pairs: int, limit: float) -> bool:
    """Whether long requests get only their anchor splits (`pieces.anchors`): above the size
    of one model, or when building and relaxing the full model would not fit the limit
    (SECONDS_PER_PAIR; the short limits where every split left only the greedy roster are in
    docs/solver.md)."""
    return pool_pairs > LARGE_MODEL or pool_pairs * SECONDS_PER_PAIR > limit


def even_splits(ctx: Context) -> PieceSet:
    """Long requests' even splits alone: the smallest tier (`TIERS`), and for requests no
    longer than the maximum the same pieces as every split."""
    return build_pieces(ctx, sparse=True, step=None, duty_edges=False)


def every_split_arcs(ctx: Context) -> dict[int, int]:
    """How many pieces every split would make of each request left open to the solve, counted
    without building them: one for a request no longer than the maximum, else its segments
    (`pieces.count_arcs`). Counted once for both figures below: on a day of 400 requests, 80%
    of them long, counting twice took 0.18 s of a profiled 1.1 s solve at 0.5 s
    (docs/solver.md)."""
    lim = ctx.limits
    return {
        req.index: (
            1
            if req.minutes <= lim.max_continuous
            else count_arcs(req, lim.min_minutes, lim.max_continuous)
        )
        for req in ctx.requests
        if req.rejected is None
    }


def every_split_pieces(ctx: Context, arcs: dict[int, int] | None = None) -> int:
    """How many pieces every split would make (`every_split_arcs`, unless given)."""
    return sum((every_split_arcs(ctx) if arcs is None else arcs).values())


def every_split_pairs(
    ctx: Context,
    even: PieceSet,
    even_pools: list[np.ndarray],
    arcs: dict[int, int] | None = None,
) -> int:
    """About how many pool pairs every split would have, without building it: each long
    request's segments, counted (`every_split_arcs`, unless given), times the mean pool of its
    even splits; the other requests' pools as they are. Shorter segments have larger pools, so
    this is low: 0.88-1.0 of the true pairs on eight families (docs/solver.md)."""
    counts = every_split_arcs(ctx) if arcs is None else arcs
    total = 0.0
    for r, ids in even.by_request.items():
        sizes = [len(even_pools[i]) for i in ids]
        if r in even.split_requests:
            total += counts[r] * sum(sizes) / len(sizes)
        else:
            total += sum(sizes)
    return round(total)


# The tiers of `fewer_splits`, largest first: (anchor step, duty edges, how to say it).
TIERS = (
    (ANCHOR_STEP, True, "splits at 2-hour points, even splits and the duty edges"),
    (None, True, "only their even splits and the duty edges"),
    (None, False, "only their even splits"),
)


def fewer_splits(
    ctx: Context,
    full: PieceSet | None,
    pools: list[np.ndarray] | None,
    limit: float,
    even: tuple[PieceSet, list[np.ndarray]] | None = None,
) -> tuple[PieceSet, list[np.ndarray], str]:
    """The pieces a large model offers, their pools, and how to say what was offered: the
    first of these that makes one model fitting the limit, else the last (`pieces.anchors`):

    - splits at 2-hour points, the even splits and the duty edges;
    - the even splits and the duty edges;
    - the even splits alone. The window search always gets these: its coverage depends on how
      many windows it solves, and on the M families the even splits alone covered up to 9% more
      than with the 2-hour points, at 20 s and at 60 s (docs/solver.md).

    The pools come from every split's (`full`, `pools`), or where every split was too large to
    build (None) from the screening (`candidate_pools`); `even`, the even splits and their pools
    where already screened."""
    tier, ps, fewer = _fitting(ctx, limit, _pools_of(ctx, full, pools), even)
    return ps, fewer, TIERS[tier][2]


@dataclass
class Climb:
    """Pieces offered in two steps: those of the tier that fits the limit (`first`, a mask over
    `pieces`), then those of the next larger tier, where its LP is solved in time
    (`lp_start.lp_start`)."""

    pieces: PieceSet
    pools: list[np.ndarray]
    first: np.ndarray
    offered: str


def climbing_splits(
    ctx: Context,
    full: PieceSet | None,
    pools: list[np.ndarray] | None,
    limit: float,
    even: tuple[PieceSet, list[np.ndarray]] | None = None,
) -> tuple[PieceSet, list[np.ndarray], str, Climb | None]:
    """`fewer_splits`, and the next larger tier to climb to when there is one within
    LARGE_MODEL pairs (never every split when it was too large to build). The tier that fits is
    searched first, so the larger one can only add to its roster: on Rockport's Christmas week
    (S) the 2-hour points' LP took GLOP 1.0 s on seed 0 and 4.3 s on seed 2, so choosing it by
    its size alone left a short limit the greedy roster (docs/solver.md)."""
    pools_of = _pools_of(ctx, full, pools)
    tried: dict[int, tuple[PieceSet, list[np.ndarray]]] = {}
    tier, ps, fewer = _fitting(ctx, limit, pools_of, even, tried)
    offered = TIERS[tier][2]
    pairs = sum(len(p) for p in fewer)
    if offer_fewer_splits(pairs, CLIMB * limit):  # LARGE_MODEL, or the limit
        return ps, fewer, offered, None  # so is every larger tier (it has more pairs)
    if tier == 0:
        if full is None or pools is None:
            return ps, fewer, offered, None
        top, top_pools, larger = full, pools, "every split"
    else:
        step, edges, larger = TIERS[tier - 1]
        if tier - 1 in tried:  # built and screened while finding the tier that fits
            top, top_pools = tried[tier - 1]
        else:
            top = build_pieces(ctx, sparse=True, step=step, duty_edges=edges)
            top_pools = pools_of(top)
    if offer_fewer_splits(sum(len(p) for p in top_pools), CLIMB * limit):
        return ps, fewer, offered, None
    chosen = set(piece_index(ps))
    first = np.fromiter(
        ((p.request, p.start, p.end) in chosen for p in top.pieces),
        dtype=bool,
        count=len(top.pieces),
    )
    return ps, fewer, offered, Climb(top, top_pools, first, larger)


def offer_note(offered: str, pieces: int, climb: Climb | None) -> str:
    """What a result says of the pieces offered (`pieces` of them, or with `climb` its
    larger tier's)."""
    if climb is None:
        return (
            f"large model: long requests were offered {offered} ({pieces} pieces); the bound "
            "covers every split"
        )
    return (
        f"large model: long requests were offered {offered} ({int(climb.first.sum())} pieces), "
        f"then {climb.offered} ({pieces} pieces) where its LP was solved in time; the bound "
        "covers every split"
    )


def _pools_of(
    ctx: Context, full: PieceSet | None, pools: list[np.ndarray] | None
) -> Callable[[PieceSet], list[np.ndarray]]:
    """How a tier's pools are found: taken from every split's, or screened."""
    if full is None or pools is None:
        return lambda ps: candidate_pools(ctx, ps)
    index = piece_index(full)
    return lambda ps: same_pools(full, pools, ps, index)


def _fitting(
    ctx: Context,
    limit: float,
    pools_of: Callable[[PieceSet], list[np.ndarray]],
    even: tuple[PieceSet, list[np.ndarray]] | None = None,
    tried: dict[int, tuple[PieceSet, list[np.ndarray]]] | None = None,
) -> tuple[int, PieceSet, list[np.ndarray]]:
    """The first tier whose model fits the limit, else the last (the even splits, `even` when
    known): its number, pieces, pools; each larger tier built on the way is kept in `tried`
    (a climb offers the one before the tier that fits). Each tier holds the pieces of the next,
    so when the even splits alone are too many for one model, or for the limit, no tier is
    built or screened but theirs (on a fortnight of long requests at a 1-hour minimum, the
    2-hour points' 80,000 pieces took 1.2 s to build and screen; on a Rockport fortnight at
    0.5 s, two tiers that could not fit were built in 0.25 s of a 0.62 s answer)."""
    last = len(TIERS) - 1
    if even is None:
        pieces = even_splits(ctx)
        even = pieces, pools_of(pieces)
    pairs = sum(len(p) for p in even[1])
    if offer_fewer_splits(pairs, limit):  # LARGE_MODEL, or the limit
        return last, *even  # every larger tier has more pairs: none fits either
    for tier, (step, edges, _) in enumerate(TIERS[:last]):
        ps = build_pieces(ctx, sparse=True, step=step, duty_edges=edges)
        fewer = pools_of(ps)
        if tried is not None:
            tried[tier] = ps, fewer
        pairs = sum(len(p) for p in fewer)
        if pairs <= LARGE_MODEL and not offer_fewer_splits(pairs, limit):
            return tier, ps, fewer
    return last, *even


def piece_index(ps: PieceSet) -> dict[tuple[int, int, int], int]:
    return {(p.request, p.start, p.end): p.index for p in ps.pieces}


def same_pools(
    full: PieceSet,
    pools: list[np.ndarray],
    fewer: PieceSet,
    index: dict[tuple[int, int, int], int] | None = None,
) -> list[np.ndarray]:
    """The pools of the fewer pieces, taken from the full set's (a pool depends only on its
    segment: `candidate_pools`); `index`, `piece_index(full)`, serves several lookups."""
    index = piece_index(full) if index is None else index
    return [pools[index[p.request, p.start, p.end]] for p in fewer.pieces]
