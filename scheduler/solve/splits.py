"""Which split points a long request is offered: every one, or at a large model or a short
limit fewer of them, in tiers (`pieces.anchors`); the pools of the fewer pieces come from the
full set's. The figures behind each threshold are in docs/solver.md, under "solve/solver.py".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scheduler.context import Context
from scheduler.solve.pieces import ANCHOR_STEP, PieceSet, build_pieces

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


# The tiers of `fewer_splits`, largest first: (anchor step, duty edges, how to say it).
TIERS = (
    (ANCHOR_STEP, True, "splits at 2-hour points, even splits and the duty edges"),
    (None, True, "only their even splits and the duty edges"),
    (None, False, "only their even splits"),
)


def fewer_splits(
    ctx: Context, full: PieceSet, pools: list[np.ndarray], limit: float
) -> tuple[PieceSet, list[np.ndarray], str]:
    """The pieces a large model offers, their pools, and how to say what was offered: the
    first of these that makes one model fitting the limit, else the last (`pieces.anchors`):

    - splits at 2-hour points, the even splits and the duty edges;
    - the even splits and the duty edges;
    - the even splits alone. The window search always gets these: its coverage depends on how
      many windows it solves, and on the M families the even splits alone covered up to 9% more
      than with the 2-hour points, at 20 s and at 60 s (docs/solver.md)."""
    tier, ps, fewer = _fitting(ctx, full, pools, limit, piece_index(full))
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
    ctx: Context, full: PieceSet, pools: list[np.ndarray], limit: float
) -> tuple[PieceSet, list[np.ndarray], str, Climb | None]:
    """`fewer_splits`, and the next larger tier to climb to when there is one within
    LARGE_MODEL pairs. The tier that fits is searched first, so the larger one can only add to
    its roster: on Rockport's Christmas week (S) the 2-hour points' LP took GLOP 1.0 s on seed 0
    and 4.3 s on seed 2, so choosing it by its size alone left a short limit the greedy roster
    (docs/solver.md)."""
    index = piece_index(full)
    tier, ps, fewer = _fitting(ctx, full, pools, limit, index)
    offered = TIERS[tier][2]
    if tier == 0:
        top, top_pools, larger = full, pools, "every split"
    else:
        step, edges, larger = TIERS[tier - 1]
        top = build_pieces(ctx, sparse=True, step=step, duty_edges=edges)
        top_pools = same_pools(full, pools, top, index)
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


def _fitting(
    ctx: Context,
    full: PieceSet,
    pools: list[np.ndarray],
    limit: float,
    index: dict[tuple[int, int, int], int],
) -> tuple[int, PieceSet, list[np.ndarray]]:
    """The first tier whose model fits the limit, else the last: its number, pieces, pools."""
    for tier, (step, edges, _) in enumerate(TIERS):
        ps = build_pieces(ctx, sparse=True, step=step, duty_edges=edges)
        fewer = same_pools(full, pools, ps, index)
        pairs = sum(len(p) for p in fewer)
        if pairs <= LARGE_MODEL and not offer_fewer_splits(pairs, limit):
            return tier, ps, fewer
    return len(TIERS) - 1, ps, fewer


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
