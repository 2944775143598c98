"""Pieces: the shifts one officer can be given on a request (rules.md section 6).

A request no longer than `max_continuous_hours` is one piece, worked whole. A longer one is split
per position into consecutive segments on a 30-minute grid counted from the request's start, each
between the agency minimum and the maximum; every grid segment that can belong to some valid
partition becomes a candidate piece, and the solver picks the partition (a flow per request).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from scheduler.context import Context, RequestData, coverage_scale, piece_weight

GRID = 30
ANCHOR_STEP = 120  # minutes between the boundary points a large problem offers (`anchors`)
DUTY_EDGES = 4  # grid points per long request where most officers' free time begins or ends
# The shapes of grid points whose reachable points and segment counts are kept (`_offsets`):
# a request of the longest a problem allows (336 hours) has 673 points.
CACHED_SHAPES = 512
CACHED_POINTS = 700


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

    @cached_property
    def starts(self) -> np.ndarray:
        """Every piece's start, by piece number (for array steps over many pieces)."""
        return np.asarray([p.start for p in self.pieces], dtype=np.int64)

    @cached_property
    def ends(self) -> np.ndarray:
        return np.asarray([p.end for p in self.pieces], dtype=np.int64)

    @cached_property
    def requests(self) -> np.ndarray:
        return np.asarray([p.request for p in self.pieces], dtype=np.int64)


def grid_points(req: RequestData) -> list[int]:
    points = list(range(req.start, req.end, GRID))
    return points + [req.end]


def reachable(points: list[int], lo: int, hi: int, forward: bool) -> set[int]:
    """Boundary points reachable from the start (forward) or end by segments of lo..hi."""
    reach = _reachable_at if len(points) <= CACHED_POINTS else _reachable_at.__wrapped__
    return {points[i] for i in reach(_offsets(points), lo, hi, forward)}


def _offsets(points: list[int]) -> tuple[int, ...]:
    """The points less the first: what `reachable` and `count_arcs_over` depend on. Requests
    of one length, and a request's stretches of one length, have the same offsets, so each
    shape is worked out once (`functools.lru_cache`): on a day of 400 requests, 80% of them
    long under a 24-hour continuous maximum, counting every request's segments and the
    greedy roster's open stretches took 0.14-0.27 s of a 0.5 s limit (docs/solver.md). At most
    CACHED_SHAPES shapes of at most CACHED_POINTS points are kept: 50 MB if every one were of
    the longest, about a megabyte where requests last at most 16 hours."""
    origin = points[0]
    return tuple([p - origin for p in points])


@lru_cache(maxsize=CACHED_SHAPES)
def _reachable_at(offsets: tuple[int, ...], lo: int, hi: int, forward: bool) -> tuple[int, ...]:
    """The indexes of the points `reachable` returns, for points at these offsets.

    A running count of reached points answers "is any point lo..hi back reached?" in O(log n),
    so a request of weeks stays linear in its grid points.
    """
    dist = [abs(p - offsets[0 if forward else -1]) for p in (offsets if forward else offsets[::-1])]
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
    n = len(dist)
    return tuple(i if forward else n - 1 - i for i, ok in enumerate(reached) if ok)


def even_bounds(points: list[int], start: int, minutes: int, k: int) -> list[int]:
    """The grid points (sorted) nearest to cutting [start, start + minutes) into k equal
    segments; of two as near, the earlier."""
    targets = [start + i * minutes / k for i in range(1, k)]
    return [start, *(_nearest(points, t) for t in targets), start + minutes]


def _nearest(points: list[int], target: float) -> int:
    """The point of sorted `points` nearest to `target`, the earlier of two as near. Found by
    bisection: scanning every point for each cut was 38 million distances on a request of a
    year (17,521 points, 730 cuts in three partitions) where the limit was 3 s."""
    j = bisect.bisect_left(points, target)
    near = points[max(0, j - 1) : j + 1]
    return min(near, key=lambda p: abs(p - target))


@dataclass(frozen=True)
class DutyEdges:
    """Every active officer's instants of becoming free (an availability window opens, an
    on-duty block ends and its travel gap has passed) and of stopping being free (a window
    closes, the gap before an on-duty block begins), sorted."""

    free_from: np.ndarray
    free_until: np.ndarray

    @classmethod
    def of(cls, ctx: Context) -> DutyEdges:
        gap = ctx.limits.gap
        ups: list[int] = []
        downs: list[int] = []
        for o in ctx.officers:
            if o.active:
                ups += [s for s, _ in o.availability] + [e + gap for _, e in o.on_duty]
                downs += [e for _, e in o.availability] + [s - gap for s, _ in o.on_duty]
        return cls(
            np.sort(np.asarray(ups, dtype=np.int64)), np.sort(np.asarray(downs, dtype=np.int64))
        )

    def busiest(self, req: RequestData, k: int) -> set[int]:
        """The k grid points of the request where most edges fall strictly inside it (an edge
        snapped to the grid point on the free side: the next one for a start of free time, the
        previous one for its end); ties go to the earlier point."""
        snapped = []
        for edges, ceil in ((self.free_from, True), (self.free_until, False)):
            inside = edges[
                np.searchsorted(edges, req.start, "right") : np.searchsorted(edges, req.end, "left")
            ]
            steps = (inside - req.start) / GRID
            snapped.append(
                req.start + GRID * (np.ceil(steps) if ceil else np.floor(steps)).astype(np.int64)
            )
        points, counts = np.unique(np.concatenate(snapped), return_counts=True)
        order = np.lexsort((points, -counts))[:k]  # most edges first, then the earlier point
        return {int(p) for p in points[order]}


def anchors(
    ctx: Context, req: RequestData, step: int | None = ANCHOR_STEP, edges: DutyEdges | None = None
) -> set[int]:
    """The boundary points a large problem offers on a long request.

    Every 30-minute grid point makes hundreds of segments per position (a 16-hour request at
    Rockport's 2-hour minimum: 496), most of them never chosen. Offered instead: the points
    every `step` minutes from either end (none when `step` is None), the even splits into the
    fewest segments and the next two counts (the splits the greedy roster and a customer
    expect), the same for segments no longer than `longest_workable`, the DUTY_EDGES points
    where most officers' free time begins or ends (`edges`: a segment that starts when a patrol
    shift ends can go to those officers; docs/solver.md), and the ends of the request's locked
    and hinted shifts (so they stay pieces)."""
    points = grid_points(req)
    keep = (
        {p for p in points if (p - req.start) % step == 0 or (req.end - p) % step == 0}
        if step is not None
        else {req.start, req.end}
    )
    for most in {ctx.limits.max_continuous, longest_workable(ctx)}:
        fewest = -(-req.minutes // most)
        for k in range(fewest, min(fewest + 3, len(points))):
            keep.update(even_bounds(points, req.start, req.minutes, k))
    if edges is not None:
        keep.update(edges.busiest(req, DUTY_EDGES))
    on_grid = set(points)
    keep.update(x for r, _, s, e in ctx.locked if r == req.index for x in (s, e) if x in on_grid)
    keep.update(x for s, e in ctx.hinted.get(req.index, []) for x in (s, e) if x in on_grid)
    return keep


def longest_workable(ctx: Context) -> int:
    """The longest segment an officer can work whole inside one day: the continuous maximum,
    or less where the daily, rolling 24-hour or every officer's weekly cap is lower. Even
    splits into segments of the maximum are then left unfilled by everyone: a 16-hour request
    cut 8 + 8 under a 6-hour daily cap (docs/solver.md)."""
    lim = ctx.limits
    weekly = max((o.week_cap for o in ctx.officers if o.active), default=lim.per_week)
    return max(GRID, min(lim.max_continuous, lim.per_day, lim.per_24h, weekly))


def split_arcs(
    req: RequestData, lo: int, hi: int, offered: set[int] | None = None
) -> list[tuple[int, int]]:
    """Every grid segment of lo..hi minutes that lies on some valid partition of the request
    (with `offered`, partitions whose boundaries are all among those points)."""
    points = grid_points(req)
    if offered is not None:
        points = [p for p in points if p in offered]
    if not points or points[-1] != req.end:
        return []
    return arcs_over(points, lo, hi)


def arcs_over(points: list[int], lo: int, hi: int) -> list[tuple[int, int]]:
    """Every segment of lo..hi minutes between the points that lies on some partition of
    [points[0], points[-1]] into such segments."""
    from_start = reachable(points, lo, hi, forward=True)
    if points[-1] not in from_start:
        return []
    to_end = reachable(points, lo, hi, forward=False)
    # Each start's ends lo..hi later, by bisection of the sorted points: every pair of points
    # was 153 million on a request of a year.
    return [
        (a, b)
        for i, a in enumerate(points)
        if a in from_start
        for b in points[
            bisect.bisect_left(points, a + lo, i + 1) : bisect.bisect_right(points, a + hi)
        ]
        if b in to_end
    ]


def count_arcs(req: RequestData, lo: int, hi: int) -> int:
    """How many segments `split_arcs(req, lo, hi)` has, without listing them: hundreds of
    thousands on a fortnight of long requests at a 1-hour minimum (docs/solver.md)."""
    return count_arcs_over(grid_points(req), lo, hi)


def count_arcs_over(points: list[int], lo: int, hi: int) -> int:
    """How many segments `arcs_over(points, lo, hi)` has, without listing them."""
    count = _count_arcs_at if len(points) <= CACHED_POINTS else _count_arcs_at.__wrapped__
    return count(_offsets(points), lo, hi)


@lru_cache(maxsize=CACHED_SHAPES)
def _count_arcs_at(offsets: tuple[int, ...], lo: int, hi: int) -> int:
    points = list(offsets)
    from_start = reachable(points, lo, hi, forward=True)
    if points[-1] not in from_start:
        return 0
    starts = np.asarray(sorted(from_start), dtype=np.int64)
    ends = np.asarray(sorted(reachable(points, lo, hi, forward=False)), dtype=np.int64)
    first = np.searchsorted(ends, starts + lo, "left")
    last = np.searchsorted(ends, starts + hi, "right")
    return int((last - first).sum())


def build_pieces(
    ctx: Context, sparse: bool = False, step: int | None = ANCHOR_STEP, duty_edges: bool = True
) -> PieceSet:
    """The pieces of every staffable request; `sparse` offers long requests only the segments
    between their `anchors` every `step` minutes and (`duty_edges`) at the duty edges (all of
    them where the anchors admit no valid split)."""
    lim = ctx.limits
    out = PieceSet([], {}, set(), set(), {})
    edges = DutyEdges.of(ctx) if sparse and duty_edges else None
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
                anchors(ctx, req, step, edges) if sparse else None,
            )
            if sparse and not spans:
                spans = split_arcs(req, lim.min_minutes, lim.max_continuous)
            if not spans:
                out.no_valid_split.add(req.index)
                continue
            out.split_requests.add(req.index)
            out.grid_points[req.index] = grid_points(req)
        ids = out.by_request.setdefault(req.index, [])
        split = req.index in out.split_requests
        for (start, end), weight in zip(spans, span_weights(req, spans), strict=True):
            piece = Piece(len(out.pieces), req.index, start, end, weight, split)
            out.pieces.append(piece)
            ids.append(piece.index)
    return out


def span_weights(req: RequestData, spans: list[tuple[int, int]]) -> list[int]:
    """`piece_weight` of each span of the request, in array steps where there are many: the
    same arithmetic (an exact product of integers, one correctly rounded division, half up),
    so the same integers. One span at a time it was two fifths of building the 52,231 even
    splits of a fortnight of long requests under a 2-hour rolling cap (docs/solver.md)."""
    if len(spans) < 16:
        return [piece_weight(req, start, end) for start, end in spans]
    total = req.model.priority * coverage_scale()
    at = np.asarray(spans, dtype=np.int64) - req.start
    cumulative = np.floor(total * at / req.minutes + 0.5).astype(np.int64)
    weights: list[int] = (cumulative[:, 1] - cumulative[:, 0]).tolist()
    return weights


def find_piece(ps: PieceSet, request: int, start: int, end: int) -> Piece | None:
    for i in ps.by_request.get(request, []):
        piece = ps.pieces[i]
        if piece.start == start and piece.end == end:
            return piece
    return None
