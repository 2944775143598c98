"""The pieces a solve offers its search: every split a long request allows, or at a large model
or a short limit fewer of them (`splits`), with the bound that still covers every split; every
split itself is built only where something can use it (docs/solver.md, "Every split left
unbuilt where nothing would use it").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scheduler.context import Context
from scheduler.rules.eligibility import candidate_pools
from scheduler.solve import budget, splits
from scheduler.solve.pieces import PieceSet, build_pieces
from scheduler.solve.splits import Climb, climbing_splits, fewer_splits, offer_fewer_splits
from scheduler.solve.stages import Clock


@dataclass
class Offer:
    """The pieces the search is offered and their pools; where long requests are offered fewer
    split points than they allow, the bound over every split (`bound`, with its note), what was
    offered, and every split's pieces and pools when they were built (`every_split`)."""

    ps: PieceSet
    pools: list[np.ndarray]
    bound: float | None = None
    bound_note: str = ""
    offered: str = ""
    climb: Climb | None = None
    every_split: tuple[PieceSet, list[np.ndarray]] | None = None
    built: bool = True  # every split was built (else the bound comes from windows: no LP beside)


def offered_pieces(ctx: Context, clock: Clock) -> Offer:
    """The pieces offered. Every split is built and screened only where its flow bound fits the
    limit (`budget.flow_fits`): beyond that (a fortnight of long requests at a 1-hour minimum
    has 7 million pool pairs, 2.3 s to build and screen) nothing else uses it either, since the
    LP, the Lagrangian bound and a climb to every split fit only far smaller problems. Its size
    is then estimated from the even splits (`splits.every_split_pairs`), and the bound comes from
    windows of the agency minimum."""
    even: PieceSet | None = None
    with clock.phase("prepare"):
        active = sum(1 for o in ctx.officers if o.active)
        arcs = splits.every_split_arcs(ctx)
        if not budget.flow_fits(splits.every_split_pieces(ctx, arcs) * active, clock.limit):
            even = splits.even_splits(ctx)
    if even is not None:
        with clock.phase("screening"):
            even_pools = candidate_pools(ctx, even)
        if not even.split_requests:  # no long request: the even splits are every split
            return _fewer(ctx, clock, even, even_pools, built=True)
        with clock.phase("prepare"):
            estimate = splits.every_split_pairs(ctx, even, even_pools, arcs)
        if not budget.flow_fits(estimate, clock.limit):
            with clock.phase("bound"):
                bound, note = budget.bound_over_windows(ctx, even, clock.limit, estimate)
            known = (even, even_pools)
            return _fewer(ctx, clock, None, None, built=False, bound=bound, note=note, even=known)
    with clock.phase("prepare"):
        ps = build_pieces(ctx)
    with clock.phase("screening"):
        pools = candidate_pools(ctx, ps)
    screened = None if even is None else (even, even_pools)  # a pool depends on its segment
    return _fewer(ctx, clock, ps, pools, built=True, even=screened)


def _fewer(
    ctx: Context,
    clock: Clock,
    full: PieceSet | None,
    pools: list[np.ndarray] | None,
    built: bool,
    bound: float | None = None,
    note: str = "",
    even: tuple[PieceSet, list[np.ndarray]] | None = None,
) -> Offer:
    """Every split (`full`, `pools`, when built), or the fewer splits of a large model with the
    bound over every split (given when every split was not built, with the `even` splits
    already screened)."""
    if full is not None and pools is not None:
        if not full.split_requests or not offer_fewer_splits(
            sum(len(p) for p in pools), clock.limit
        ):
            return Offer(full, pools)
        with clock.phase("bound"):
            bound, note = budget.bound_before_search(ctx, full, pools, clock.limit)
    with clock.phase("prepare"):
        climb: Climb | None = None
        if clock.deterministic:  # one tier: climbing depends on how fast GLOP runs
            ps, fewer, offered = fewer_splits(ctx, full, pools, clock.limit, even)
        else:
            ps, fewer, offered, climb = climbing_splits(ctx, full, pools, clock.limit, even)
            if climb is not None:
                ps, fewer = climb.pieces, climb.pools
    every = (full, pools) if full is not None and pools is not None else None
    return Offer(ps, fewer, bound, note, offered, climb, every, built)
