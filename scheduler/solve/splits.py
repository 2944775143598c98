"""Which split points a long request is offered: every one, or at a large model or a short
limit fewer of them, in tiers (`pieces.anchors`); the pools of the fewer pieces come from the
full set's. The figures behind each threshold are in docs/solver.md, under "solve/solver.py".
"""

from __future__ import annotations

import numpy as np

from scheduler.context import Context
from scheduler.solve.pieces import ANCHOR_STEP, PieceSet, build_pieces

# Above this many pair variables one monolithic model spends its budget in presolve.
LARGE_MODEL = 30_000
# Building, relaxing and first searching a model, per pair variable, on a busy 2-core machine.
SECONDS_PER_PAIR = 4e-4


def offer_fewer_splits(pool_pairs: int, limit: float) -> bool:
    """Whether long requests get only their anchor splits (`pieces.anchors`): above the size
    of one model, or when building and relaxing the full model would not fit the limit
    (SECONDS_PER_PAIR; the short limits where every split left only the greedy roster are in
    docs/solver.md)."""
    return pool_pairs > LARGE_MODEL or pool_pairs * SECONDS_PER_PAIR > limit


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
    tiers = (
        (ANCHOR_STEP, True, "splits at 2-hour points, even splits and the duty edges"),
        (None, True, "only their even splits and the duty edges"),
        (None, False, "only their even splits"),
    )
    index = piece_index(full)
    for step, edges, offered in tiers:
        ps = build_pieces(ctx, sparse=True, step=step, duty_edges=edges)
        fewer = same_pools(full, pools, ps, index)
        pairs = sum(len(p) for p in fewer)
        if pairs <= LARGE_MODEL and not offer_fewer_splits(pairs, limit):
            return ps, fewer, offered
    return ps, fewer, offered


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
