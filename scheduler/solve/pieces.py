"""Pieces: the shifts one officer can be given on a request (rules.md section 6).

A request no longer than `max_continuous_hours` is one piece, worked whole. A longer one is split
per position into consecutive segments on a 30-minute grid counted from the request's start, each
between the agency minimum and the maximum; every grid segment that can belong to some valid
partition becomes a candidate piece, and the solver picks the partition (a flow per request).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from scheduler.context import Context, RequestData, piece_weight

GRID = 30
ANCHOR_STEP = 120  # minutes between the boundary points a large problem offers (`anchors`)


@dataclass(frozen=True)
class Piece:
    index: int
    request: int
    start: int
    end: int
    weight: int
    split: bool

    @property
    def minutes(self) -> int:
        return self.end - self.start


@dataclass
class PieceSet:
    pieces: list[Piece]
    by_request: dict[int, list[int]]
    split_requests: set[int]
    no_valid_split: set[int]
    grid_points: dict[int, list[int]]  # split request -> its boundary points


def grid_points(req: RequestData) -> list[int]:
    points = list(range(req.start, req.end, GRID))
    return points + [req.end]


def reachable(points: list[int], lo: int, hi: int, forward: bool) -> set[int]:
    """Boundary points reachable from the start (forward) or end by segments of lo..hi.

    A running count of reached points answers "is any point lo..hi back reached?" in O(log n),
    so a request of weeks stays linear in its grid points.
    """
    dist = [abs(p - points[0 if forward else -1]) for p in (points if forward else points[::-1])]
    reached = [False] * len(dist)
    count = [0] * (len(dist) + 1)  # count[i]: reached points among the first i
    for i, d in enumerate(dist):
        if i == 0:
            reached[i] = True
        else:
            first = bisect.bisect_left(dist, d - hi, 0, i)
            last = bisect.bisect_right(dist, d - lo, 0, i)
            reached[i] = count[last] - count[first] > 0
        count[i + 1] = count[i] + reached[i]
    order = points if forward else points[::-1]
    return {p for p, ok in zip(order, reached, strict=True) if ok}


def even_bounds(points: list[int], start: int, minutes: int, k: int) -> list[int]:
    """The grid points nearest to cutting [start, start + minutes) into k equal segments."""
    targets = [start + i * minutes / k for i in range(1, k)]
    nearest = [min(points, key=lambda p, t=t: abs(p - t)) for t in targets]  # type: ignore[misc]
    return [start, *nearest, start + minutes]


def anchors(ctx: Context, req: RequestData, step: int | None = ANCHOR_STEP) -> set[int]:
    """The boundary points a large problem offers on a long request.

    Every 30-minute grid point makes hundreds of segments per position (a 16-hour request at
    Rockport's 2-hour minimum: 496), most of them never chosen. Offered instead: the points
    every `step` minutes from either end (none when `step` is None), the even splits into the
    fewest segments and the next two counts (the splits the greedy roster and a customer
    expect), and the ends of the request's locked and hinted shifts (so they stay pieces)."""
    points = grid_points(req)
    keep = (
        {p for p in points if (p - req.start) % step == 0 or (req.end - p) % step == 0}
        if step is not None
        else {req.start, req.end}
    )
    fewest = -(-req.minutes // ctx.limits.max_continuous)
    for k in range(fewest, min(fewest + 3, len(points))):
        keep.update(even_bounds(points, req.start, req.minutes, k))
    on_grid = set(points)
    keep.update(x for r, _, s, e in ctx.locked if r == req.index for x in (s, e) if x in on_grid)
    keep.update(x for s, e in ctx.hinted.get(req.index, []) for x in (s, e) if x in on_grid)
    return keep


def split_arcs(
    req: RequestData, lo: int, hi: int, offered: set[int] | None = None
) -> list[tuple[int, int]]:
    """Every grid segment of lo..hi minutes that lies on some valid partition of the request
    (with `offered`, partitions whose boundaries are all among those points)."""
    points = grid_points(req)
    if offered is not None:
        points = [p for p in points if p in offered]
    from_start = reachable(points, lo, hi, forward=True)
    if req.end not in from_start:
        return []
    to_end = reachable(points, lo, hi, forward=False)
    return [
        (a, b)
        for i, a in enumerate(points)
        if a in from_start
        for b in points[i + 1 :]
        if b in to_end and lo <= b - a <= hi
    ]


def build_pieces(ctx: Context, sparse: bool = False, step: int | None = ANCHOR_STEP) -> PieceSet:
    """The pieces of every staffable request; `sparse` offers long requests only the segments
    between their `anchors` every `step` minutes (all of them where the anchors admit no valid
    split)."""
    lim = ctx.limits
    out = PieceSet([], {}, set(), set(), {})
    for req in ctx.requests:
        if req.rejected is not None:
            continue
        if req.minutes <= lim.max_continuous:
            spans = [(req.start, req.end)]
        else:
            spans = split_arcs(
                req,
                lim.min_minutes,
                lim.max_continuous,
                anchors(ctx, req, step) if sparse else None,
            )
            if sparse and not spans:
                spans = split_arcs(req, lim.min_minutes, lim.max_continuous)
            if not spans:
                out.no_valid_split.add(req.index)
                continue
            out.split_requests.add(req.index)
            out.grid_points[req.index] = grid_points(req)
        ids = out.by_request.setdefault(req.index, [])
        for start, end in spans:
            piece = Piece(
                len(out.pieces),
                req.index,
                start,
                end,
                piece_weight(req, start, end),
                req.index in out.split_requests,
            )
            out.pieces.append(piece)
            ids.append(piece.index)
    return out


def find_piece(ps: PieceSet, request: int, start: int, end: int) -> Piece | None:
    for i in ps.by_request.get(request, []):
        piece = ps.pieces[i]
        if piece.start == start and piece.end == end:
            return piece
    return None
