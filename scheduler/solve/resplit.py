"""Open stretches of long requests split again where free officers fit other boundaries.

A large model offers long requests only some of their splits (`splits.fewer_splits`), and the
window search only the even ones, so a position can be left open for hours while free officers
could work most of it on other boundaries: on Rockport's Christmas week (S, seed 0) the even
splits alone covered 461.7 at 1 s where the 2-hour points covered 479.3 at 5 s (docs/solver.md).

After the search, each run of consecutive open pieces of a request (a stretch [a, b) of one
position that nobody works) is split again over every boundary of the 30-minute grid: a
longest path over the stretch's grid points picks its segments, each worth its weight where an
officer may take it (the greedy and polish layer's checks) and nothing where no one may. The
stretch's old pieces give up that position and the new segments carry it, so every position still
partitions its request into segments of the minimum to the maximum (rules.md section 6), and
coverage can only rise: nobody worked the stretch before.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

import numpy as np

from scheduler.context import Context, piece_weight
from scheduler.rules.eligibility import candidate_pools
from scheduler.rules.load import OfficerLoad
from scheduler.solve.draft import Draft
from scheduler.solve.explain import OpenPositions
from scheduler.solve.pieces import Piece, PieceSet, arcs_over, grid_points
from scheduler.solve.polish import Busy, Staff, WeekMinutes, final_loads, lightest_taker, totals
from scheduler.solve.splits import piece_index


@dataclass
class Resplit:
    """The roster after `resplit`: its pieces (the search's and the new segments), their pools,
    the draft, and how many shifts the new segments gave out."""

    ps: PieceSet
    pools: list[np.ndarray]
    draft: Draft
    filled: int


@dataclass
class _Stretch:
    request: int
    chain: list[int]  # the open pieces, in order: one position of each is given up
    points: list[int]  # the grid points from the chain's start to its end
    arcs: list[int]  # every segment between them on some valid partition, as pieces

    def weight(self, ps: PieceSet) -> int:
        return sum(ps.pieces[p].weight for p in self.chain)


def resplit(
    ctx: Context,
    ps: PieceSet,
    pools: list[np.ndarray],
    draft: Draft,
    locked: dict[int, OfficerLoad],
    deadline: float = float("inf"),
) -> Resplit:
    """The draft with each open stretch of a long request split again where that lets free
    officers work part of it (most valuable stretch first), each segment to its lightest taker;
    stops at `deadline` (a `time.monotonic()` instant), leaving the rest as they were."""
    open_ = OpenPositions(ctx, draft)
    runs = [
        (r, chain)
        for r in sorted(ps.split_requests)
        for chain in _runs(ps, Counter({pc.index: n for pc, n in open_.of(ps, ctx.requests[r])}))
    ]
    if not runs:
        return Resplit(ps, pools, draft, 0)
    grown = _Grown(ps)
    lim = ctx.limits
    stretches = []
    for r, chain in runs:
        a, b = ps.pieces[chain[0]].start, ps.pieces[chain[-1]].end
        points = [t for t in grid_points(ctx.requests[r]) if a <= t <= b]
        arcs = arcs_over(points, lim.min_minutes, lim.max_continuous)
        stretches.append(_Stretch(r, chain, points, [grown.piece(ctx, r, s, e) for s, e in arcs]))
    ps, pools = grown.pieces(), pools + candidate_pools(ctx, grown.new_set())
    stretches.sort(key=lambda s: (-s.weight(ps), s.request, ps.pieces[s.chain[0]].start))

    loads = final_loads(ctx, ps, draft, locked)
    total = totals(ctx, loads)
    assign, flow = list(draft.assign), dict(draft.flow)
    staff = Staff(ctx, ps, assign)
    weeks, busy = WeekMinutes(ctx, ps, loads), Busy(ctx, ps, assign, loads)

    def taker(p: int) -> int | None:
        piece = ps.pieces[p]
        pool = busy.free(weeks.room(pools[p], p), p)
        return lightest_taker(ctx, piece, pool, staff, loads, total)

    filled = 0
    for stretch in stretches:
        if time.monotonic() >= deadline:
            break
        worth = {p: ps.pieces[p].weight if taker(p) is not None else 0 for p in stretch.arcs}
        path = _longest_path(ps, stretch.points, stretch.arcs, worth)
        if not any(worth[p] for p in path):
            continue
        for p in stretch.chain:
            flow[p] -= 1
        for p in path:
            flow[p] = flow.get(p, 0) + 1
            if worth[p] and (o := taker(p)) is not None:
                piece = ps.pieces[p]
                loads[o].add(piece.start, piece.end)
                total[o] += piece.minutes
                staff.shifts.setdefault(piece.request, []).append(len(assign))
                assign.append((p, o))
                filled += 1
    return Resplit(ps, pools, Draft(assign, flow), filled)


def _runs(ps: PieceSet, slots: Counter[int]) -> list[list[int]]:
    """The open positions of one request's pieces (`slots`: piece -> open positions) as runs of
    consecutive pieces, each as long as it goes: the earliest open piece first, then one
    starting where the run ends, while there is one."""
    starting: dict[int, list[int]] = {}
    for p in sorted(slots, key=lambda p: (ps.pieces[p].start, -ps.pieces[p].end)):
        starting.setdefault(ps.pieces[p].start, []).extend([p] * slots[p])
    runs = []
    for at in sorted(starting):
        while starting[at]:
            run = [starting[at].pop(0)]
            while starting.get(end := ps.pieces[run[-1]].end):
                run.append(starting[end].pop(0))
            runs.append(run)
    return runs


def _longest_path(
    ps: PieceSet, points: list[int], arcs: list[int], worth: dict[int, int]
) -> list[int]:
    """The segments from the first point to the last worth the most, fewest segments among
    equals (stage 3 prefers fewer per position)."""
    best: dict[int, tuple[int, int, int | None]] = {points[0]: (0, 0, None)}
    for p in sorted(arcs, key=lambda p: ps.pieces[p].start):
        piece = ps.pieces[p]
        if piece.start not in best:
            continue
        value, count, _ = best[piece.start]
        here = (value + worth[p], count - 1, p)
        if piece.end not in best or here[:2] > best[piece.end][:2]:
            best[piece.end] = here
    path = []
    at = points[-1]
    while (arc := best[at][2]) is not None:
        path.append(arc)
        at = ps.pieces[arc].start
    return path[::-1]


class _Grown:
    """The search's pieces and the new segments the stretches may use."""

    def __init__(self, ps: PieceSet) -> None:
        self.ps = ps
        self.index = piece_index(ps)
        self.new: list[Piece] = []

    def piece(self, ctx: Context, request: int, start: int, end: int) -> int:
        key = (request, start, end)
        if key not in self.index:
            req = ctx.requests[request]
            n = len(self.ps.pieces) + len(self.new)
            self.new.append(Piece(n, request, start, end, piece_weight(req, start, end), True))
            self.index[key] = n
        return self.index[key]

    def new_set(self) -> PieceSet:
        return PieceSet(self.new, {}, set(), set(), {})

    def pieces(self) -> PieceSet:
        by_request = {r: list(ids) for r, ids in self.ps.by_request.items()}
        for piece in self.new:
            by_request[piece.request].append(piece.index)
        return PieceSet(
            self.ps.pieces + self.new,
            by_request,
            self.ps.split_requests,
            self.ps.no_valid_split,
            self.ps.grid_points,
        )
