"""Open stretches of long requests split again where free officers fit other boundaries.

A large model offers long requests only some of their splits (`splits.fewer_splits`), and the
window search only the even ones, so a position can be left open for hours while free officers
could work most of it on other boundaries: on Rockport's Christmas week (S, seed 0) the even
splits alone covered 461.7 at 1 s where the 2-hour points covered 479.3 at 5 s (docs/solver.md).

After the search, each run of consecutive open pieces of a request (one position that nobody
works from a to b), widened by the shifts that end at a and start at b, is a stretch. It is
split again over every boundary of the 30-minute grid: a longest path over its grid points
picks the segments, each worth its weight where an officer may take it (the greedy and polish
layer's checks) and nothing where no one may. The stretch's old pieces give up that position
and the new segments carry it, so every position still partitions its request into segments of
the minimum to the maximum (rules.md section 6); the change is kept only where its takers work
more of the stretch than the shifts beside it did, so coverage can only rise.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from scheduler.context import Context, piece_weight
from scheduler.rules.eligibility import candidate_pools, officer_arrays
from scheduler.rules.load import OfficerLoad
from scheduler.solve.draft import Draft
from scheduler.solve.explain import OpenPositions
from scheduler.solve.pair_checks import bind_checks, may_take
from scheduler.solve.pieces import Piece, PieceSet, arcs_over, count_arcs_over, grid_points
from scheduler.solve.polish import (
    Busy,
    Staff,
    WeekMinutes,
    crew_joining,
    final_loads,
    lightest_taker,
    totals,
)
from scheduler.solve.splits import piece_index

# The segments screened at once: one `candidate_pools` call costs a few milliseconds beyond its
# pieces, and a deadline may come before the next batch.
BATCH_ARCS = 2_000
SECONDS_PER_ARC = 2.5e-5


@dataclass
class Resplit:
    """The roster after `resplit`: its pieces (the search's and the new segments), their pools,
    the draft, and how many stretches were split again."""

    ps: PieceSet
    pools: list[np.ndarray]
    draft: Draft
    stretches: int


@dataclass
class _Stretch:
    request: int
    chain: list[int]  # the pieces giving up one position, in order: neighbours and open ones
    released: list[int]  # the neighbours' shifts given up with them (numbers in the assignment)
    points: list[int]  # the grid points from the chain's start to its end
    spans: list[tuple[int, int]] = field(default_factory=list)  # every segment between them
    arcs: list[int] = field(default_factory=list)  # the same, as pieces


def resplit(
    ctx: Context,
    ps: PieceSet,
    pools: list[np.ndarray],
    draft: Draft,
    locked: dict[int, OfficerLoad],
    deadline: float = float("inf"),
) -> Resplit:
    """The draft with open stretches of long requests split again where more of them can be
    worked (most valuable stretch first), each segment to its lightest taker; stops at
    `deadline` (a `time.monotonic()` instant), leaving the rest as they were. The segments of
    a batch of stretches are made and screened when the batch is reached, so a deadline cuts
    no screening short that nothing uses."""
    if time.monotonic() >= deadline:
        return Resplit(ps, pools, draft, 0)
    stretches = _stretches(ctx, ps, draft)
    if not stretches:
        return Resplit(ps, pools, draft, 0)
    stretches.sort(key=lambda st: (-_weight(ps, st.chain), st.request, st.points[0]))
    grown = _Grown(ctx, ps, pools)
    roster = _Roster(ctx, grown.ps, grown.pools, draft, locked)
    done = 0
    for batch in _batches(ctx, stretches):
        if time.monotonic() >= deadline:
            break
        grown.add_arcs(ctx, batch)
        for st in batch:
            if time.monotonic() >= deadline:
                break
            done += roster.split_again(st)
    return Resplit(grown.ps, grown.pools, roster.draft(), done)


def seconds_needed(ctx: Context, ps: PieceSet, draft: Draft) -> float:
    """About what splitting the draft's open stretches again takes (SECONDS_PER_ARC a segment:
    made, screened and tried on its lightest taker)."""
    lim = ctx.limits
    arcs = sum(
        count_arcs_over(st.points, lim.min_minutes, lim.max_continuous)
        for st in _stretches(ctx, ps, draft)
    )
    return SECONDS_PER_ARC * arcs


def arcs_of(ctx: Context, st: _Stretch) -> list[tuple[int, int]]:
    """Every segment of the stretch that lies on some partition of it."""
    return arcs_over(st.points, ctx.limits.min_minutes, ctx.limits.max_continuous)


def _batches(ctx: Context, stretches: list[_Stretch]) -> Iterator[list[_Stretch]]:
    """The stretches in order, in batches of about BATCH_ARCS segments (one screening each)."""
    batch: list[_Stretch] = []
    arcs = 0
    for st in stretches:
        st.spans = arcs_of(ctx, st)
        batch.append(st)
        arcs += len(st.spans)
        if arcs >= BATCH_ARCS:
            yield batch
            batch, arcs = [], 0
    if batch:
        yield batch


def _stretches(ctx: Context, ps: PieceSet, draft: Draft) -> list[_Stretch]:
    """Each run of open pieces (`_runs`), widened by the shift that ends where it starts and the
    one that starts where it ends, where the draft has them (each shift widens one run at
    most): their officers may then work other boundaries (A on 06:00-14:00 before an open
    14:00-22:00 that B could work from 13:00: A 06:00-13:00, B 13:00-22:00). A supervisor on a
    supervised request is not given up: the crew around them was checked with them."""
    open_ = OpenPositions(ctx, draft)
    ending: dict[tuple[int, int], list[int]] = {}
    starting: dict[tuple[int, int], list[int]] = {}
    for k, (p, o) in enumerate(draft.assign):
        piece = ps.pieces[p]
        req = ctx.requests[piece.request]
        if not piece.split or (
            ctx.officers[o].supervisor and req.model.officers_needed >= ctx.limits.supervisor_at
        ):
            continue
        ending.setdefault((piece.request, piece.end), []).append(k)
        starting.setdefault((piece.request, piece.start), []).append(k)
    claimed: set[int] = set()
    out = []
    for r in sorted(ps.split_requests):
        slots = Counter({pc.index: n for pc, n in open_.of(ps, ctx.requests[r])})
        for chain in _runs(ps, slots):
            released = []
            edges = ((ending, ps.pieces[chain[0]].start), (starting, ps.pieces[chain[-1]].end))
            for side, at in edges:
                free = next((k for k in side.get((r, at), []) if k not in claimed), None)
                if free is not None:
                    claimed.add(free)
                    released.append(free)
            pieces = [draft.assign[k][0] for k in released]
            chain = sorted(chain + pieces, key=lambda p: ps.pieces[p].start)
            a, b = ps.pieces[chain[0]].start, ps.pieces[chain[-1]].end
            points = [t for t in grid_points(ctx.requests[r]) if a <= t <= b]
            out.append(_Stretch(r, chain, released, points))
    return out


def _weight(ps: PieceSet, pieces: list[int]) -> int:
    return sum(ps.pieces[p].weight for p in pieces)


class _Roster:
    """The draft as `resplit` changes it: loads, totals, who is on each request, flows; a shift
    given up is left as None in the assignment until the end, so the numbers hold."""

    def __init__(
        self,
        ctx: Context,
        ps: PieceSet,
        pools: list[np.ndarray],
        draft: Draft,
        locked: dict[int, OfficerLoad],
    ) -> None:
        self.ctx, self.ps, self.pools = ctx, ps, pools
        self.loads = final_loads(ctx, ps, draft, locked)
        self.total = totals(ctx, self.loads)
        self.assign: list[tuple[int, int] | None] = list(draft.assign)
        self.flow = dict(draft.flow)
        self.staff = Staff(ctx, ps, draft.assign)
        self.staff.assign = self.assign  # type: ignore[assignment] # given-up shifts leave it
        self.weeks = WeekMinutes(ctx, ps, self.loads)
        self.busy = Busy(ctx, ps, draft.assign, self.loads)

    def draft(self) -> Draft:
        return Draft([a for a in self.assign if a is not None], self.flow)

    def taker(self, p: int, back: list[int]) -> int | None:
        """The lightest officer who may take piece p; the arrays' steps know nothing of the
        shifts given up, so their officers (`back`) are checked whatever those say."""
        pool = self.busy.free(self.weeks.room(self.pools[p], p), p)
        extra = [o for o in back if (self.pools[p] == o).any()]
        if extra:
            pool = np.concatenate((pool, np.asarray(extra, dtype=pool.dtype)))
        piece = self.ps.pieces[p]
        return lightest_taker(self.ctx, piece, pool, self.staff, self.loads, self.total)

    def _shift(self, k: int) -> tuple[int, int]:
        held = self.assign[k]
        assert held is not None, "a shift given up widens one stretch at most"
        return held

    def _hold(self, k: int, on: bool) -> None:
        """Shift k's officer takes it up again (`on`) or gives it up."""
        p, o = self._shift(k)
        piece = self.ps.pieces[p]
        if on:
            self.loads[o].add(piece.start, piece.end)
            self.staff.shifts.setdefault(piece.request, []).append(k)
        else:
            self.loads[o].remove(piece.start, piece.end)
            self.staff.shifts[piece.request].remove(k)
        self.total[o] += piece.minutes if on else -piece.minutes

    def _worth(self, arcs: list[int], back: list[int]) -> dict[int, int]:
        """Each segment's weight where someone may take it, else 0. Whoever may take a segment
        may take every shorter one from the same start (each rule only eases: less time to
        overlap, fewer minutes against a cap, fewer moments to supervise), so from each start
        the longest segment with a taker is found by bisection: on Rockport's Christmas
        fortnight (M, seed 0) every segment tried was 72,067 taker searches, 6.0 s of a
        7.3 s profile (docs/solver.md)."""
        worth = dict.fromkeys(arcs, 0)
        near = self._near(arcs, back)
        starts: dict[int, list[int]] = {}
        for p in arcs:
            starts.setdefault(self.ps.pieces[p].start, []).append(p)
        for same in starts.values():
            same.sort(key=lambda p: self.ps.pieces[p].end)
            lo, hi = 0, len(same)  # same[:lo] have a taker, same[hi:] have none
            while lo < hi:
                mid = (lo + hi) // 2
                if not self._may_take(same[mid], near[same[mid]]):
                    hi = mid
                else:
                    lo = mid + 1
            for p in same[:lo]:
                worth[p] = self.ps.pieces[p].weight
        return worth

    def _near(self, arcs: list[int], back: list[int]) -> dict[int, np.ndarray]:
        """Each segment's pool less the officers the arrays rule out (a week too full, a shift
        too near: `WeekMinutes.room`, `Busy.free`), for all of a stretch's segments in one array
        step; the officers of the shifts given up (`back`) are kept whatever the arrays say.
        One step a segment was 0.14 s of a 0.40 s resplit on Rockport's Christmas week (S, seed
        0), which a limit of 1 s cut short (docs/solver.md)."""
        pools = [self.pools[p] for p in arcs]
        officer = np.concatenate(pools) if pools else np.empty(0, dtype=np.int64)
        shift = np.repeat(np.arange(len(arcs)), [len(pool) for pool in pools])
        pieces = [self.ps.pieces[p] for p in arcs]
        start = np.asarray([pc.start for pc in pieces], dtype=np.int64)[shift]
        end = np.asarray([pc.end for pc in pieces], dtype=np.int64)[shift]
        keep = self.weeks.room_spans(officer, start, end)
        keep &= self.busy.free_pairs(officer, start, end)
        if back:
            keep |= np.isin(officer, back)
        ends = np.cumsum(np.bincount(shift[keep], minlength=len(arcs))).tolist()
        kept = officer[keep]
        return {p: kept[a:b] for p, a, b in zip(arcs, [0, *ends], ends, strict=False)}

    def _may_take(self, p: int, near: np.ndarray) -> bool:
        """Whether any of `near` may take piece p (the greedy and polish layer's checks)."""
        piece = self.ps.pieces[p]
        checks = bind_checks(self.ctx, piece, crew_joining(self.ctx, self.staff, piece))
        return any(may_take(checks, int(o), self.loads[int(o)]) for o in near)

    def split_again(self, st: _Stretch) -> bool:
        """Give up the stretch's neighbours, split it along the longest path of its segments
        worth a taker, and keep that where its takers work more of it than before; otherwise
        leave everything as it was."""
        for k in st.released:
            self._hold(k, on=False)
        before = _weight(self.ps, [self._shift(k)[0] for k in st.released])
        back = sorted({self._shift(k)[1] for k in st.released})
        worth = self._worth(st.arcs, back)
        path = _longest_path(self.ps, st.points, st.arcs, worth)
        first = len(self.assign)
        if sum(worth[p] for p in path) > before:
            for p in path:
                if worth[p] and (o := self.taker(p, back)) is not None:
                    self.assign.append((p, o))
                    self._hold(len(self.assign) - 1, on=True)
        if _weight(self.ps, [self._shift(k)[0] for k in range(first, len(self.assign))]) <= before:
            while len(self.assign) > first:
                self._hold(len(self.assign) - 1, on=False)
                self.assign.pop()
            for k in st.released:
                self._hold(k, on=True)
            return False
        for k in st.released:
            self.assign[k] = None
        for p in st.chain:
            self.flow[p] -= 1
        for p in path:
            self.flow[p] = self.flow.get(p, 0) + 1
        return True


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
    """The search's pieces and pools, and the segments the stretches use, added as reached:
    the piece set and the pool list grow in place, so the roster's views of them see the new
    segments."""

    def __init__(self, ctx: Context, ps: PieceSet, pools: list[np.ndarray]) -> None:
        by_request = {r: list(ids) for r, ids in ps.by_request.items()}
        self.ps = PieceSet(
            list(ps.pieces), by_request, ps.split_requests, ps.no_valid_split, ps.grid_points
        )
        self.pools = list(pools)
        self.index = piece_index(ps)
        self.arrays = officer_arrays(ctx)

    def add_arcs(self, ctx: Context, batch: list[_Stretch]) -> None:
        """The segments of each stretch of the batch, as pieces (new ones screened)."""
        new: list[Piece] = []
        for st in batch:
            st.arcs = [self._piece(ctx, st.request, s, e, new) for s, e in st.spans]
        self.pools.extend(candidate_pools(ctx, PieceSet(new, {}, set(), set(), {}), self.arrays))

    def _piece(self, ctx: Context, request: int, start: int, end: int, new: list[Piece]) -> int:
        key = (request, start, end)
        if key not in self.index:
            n = len(self.ps.pieces)
            weight = piece_weight(ctx.requests[request], start, end)
            piece = Piece(n, request, start, end, weight, True)
            self.ps.pieces.append(piece)
            self.ps.by_request[request].append(n)
            new.append(piece)
            self.index[key] = n
        return self.index[key]
