"""The rotation-list roster: what vendors do today, and the solver's always-available fallback.

Requests are taken by priority, then start; each position goes to the free eligible officer with
the fewest total hours (hours to date plus what this roster gave them), every hard rule kept.
A long request gets the split with the fewest, most even segments an officer can work.

Each pick runs the greedy and polish layer's checks (`pair_checks`, registry `GREEDY_POLISH`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from scheduler.context import Context
from scheduler.rules.load import OfficerLoad
from scheduler.solve.draft import Draft
from scheduler.solve.pair_checks import Crew, bind_checks, may_take
from scheduler.solve.pieces import Piece, PieceSet, even_bounds, longest_workable


def even_split(ctx: Context, ps: PieceSet, request: int) -> list[Piece]:
    """The partition with the fewest segments an officer can work whole (`longest_workable`),
    as even as the grid allows; where segments that short are below the minimum, the one with
    the fewest segments of the continuous maximum (a segment across midnight may still fit a
    daily cap below the minimum)."""
    req = ctx.requests[request]
    points = ps.grid_points[request]
    # By span, once: looking each segment up among the request's pieces took 17.7 s on a
    # request of a year (732 segments, 367,720 pieces).
    spans = {(p.start, p.end): p for p in (ps.pieces[i] for i in ps.by_request.get(request, []))}
    for most in dict.fromkeys((longest_workable(ctx), ctx.limits.max_continuous)):
        k = -(-req.minutes // most)
        while k <= len(points) and k * ctx.limits.min_minutes <= req.minutes:  # else one is short
            bounds = even_bounds(points, req.start, req.minutes, k)
            pieces = [spans.get((a, b)) for a, b in zip(bounds, bounds[1:], strict=False)]
            if all(p is not None for p in pieces):
                return [p for p in pieces if p is not None]
            k += 1
    return []


class _Rotation:
    """Officers in rotation order: fewest total minutes first, then by id. The order is one
    integer per officer (total times the officer count, plus the officer's place among the ids),
    sorted in numpy: sorting each pool by a key function of Python tuples took 9.2 of the 20.7 s
    the greedy roster took on a Rockport fortnight at city scale with a 4-hour continuous cap
    (47,577 pieces, 25,612 picks from pools of about 300; docs/solver.md)."""

    def __init__(self, ctx: Context, loads: dict[int, OfficerLoad]) -> None:
        self.ctx = ctx
        self.loads = loads
        n = len(ctx.officers)
        self.total = np.zeros(n, dtype=np.int64)
        for o in ctx.officers:
            self.total[o.index] = o.total(sum(e - s for s, e in loads[o.index].shifts))
        self.rank = np.zeros(n, dtype=np.int64)
        by_id = sorted(ctx.officers, key=lambda o: o.id)
        self.rank[[o.index for o in by_id]] = np.arange(n, dtype=np.int64)
        self.held = _Held(ctx, loads)

    def pick(
        self, piece: Piece, pool: Sequence[int] | np.ndarray, taken: set[int], crew: Crew | None
    ) -> int | None:
        # The pool may be a superset of the candidates (city scale passes the vector-checked
        # pools): the layer's checks run on every officer tried.
        checks = bind_checks(self.ctx, piece, crew)
        at = self.held.free(np.asarray(pool, dtype=np.int64), piece)
        order = at[np.argsort(self.total[at] * len(self.rank) + self.rank[at])]
        for oi in order.tolist():
            if oi not in taken and may_take(checks, oi, self.loads[oi]):
                return oi
        return None

    def give(self, piece: Piece, oi: int) -> None:
        self.loads[oi].add(piece.start, piece.end)
        self.total[oi] += piece.minutes
        self.held.add(piece.start, piece.end, oi)


class _Held:
    """Every shift held so far (locked, prior and given), as arrays, so a pick drops the
    officers a piece would overlap (OVERLAP, with the travel gap) in one array step before
    checking the rest one at a time: on Rockport's fortnight of 1,000 officers with a 4-hour
    continuous cap, 430,284 of the greedy's 485,690 checks were refused for an overlap, 1.9 s
    of a 5 s limit (docs/solver.md). The same rule as `OfficerLoad.overlap`, so the roster is
    the same."""

    def __init__(self, ctx: Context, loads: dict[int, OfficerLoad]) -> None:
        self.gap = ctx.limits.gap
        spans = [(s, e, o) for o, load in loads.items() for s, e in load.shifts]
        self.size = len(spans)
        room = max(1024, 2 * self.size)
        self.start, self.end, self.officer = (np.zeros(room, dtype=np.int64) for _ in range(3))
        if spans:
            table = np.array(spans, dtype=np.int64)
            self.start[: self.size], self.end[: self.size] = table[:, 0], table[:, 1]
            self.officer[: self.size] = table[:, 2]
        self.mark = np.zeros(len(ctx.officers), dtype=bool)

    def add(self, start: int, end: int, officer: int) -> None:
        if self.size == len(self.start):
            columns = (self.start, self.end, self.officer)
            self.start, self.end, self.officer = (np.concatenate((a, 0 * a)) for a in columns)
        self.start[self.size], self.end[self.size], self.officer[self.size] = start, end, officer
        self.size += 1

    def free(self, pool: np.ndarray, piece: Piece) -> np.ndarray:
        """The officers of the pool who hold no shift within the travel gap of the piece."""
        n = self.size
        near = (self.start[:n] < piece.end + self.gap) & (piece.start < self.end[:n] + self.gap)
        taken = self.officer[:n][near]
        self.mark[taken] = True
        free = pool[~self.mark[pool]]
        self.mark[taken] = False
        return free


def greedy(
    ctx: Context,
    ps: PieceSet,
    cands: Mapping[int, Sequence[int] | np.ndarray],
    loads: dict[int, OfficerLoad],
) -> Draft:
    """Fill positions in rotation order; `loads` (officer -> locked shifts) is updated in place."""
    return greedy_until(ctx, ps, cands, loads)[0]


def greedy_until(
    ctx: Context,
    ps: PieceSet,
    cands: Mapping[int, Sequence[int] | np.ndarray],
    loads: dict[int, OfficerLoad],
    stop: Callable[[int], bool] | None = None,
) -> tuple[Draft, int]:
    """`greedy`, asking `stop` with the shifts given so far before each request: once it says
    so, the requests left are not reached (their positions stay open), and how many is returned
    with the roster. A limit too short for a whole first roster still gets an answer in time."""
    rot = _Rotation(ctx, loads)
    draft = Draft()
    locked_per_request: dict[int, int] = {}
    for r, _, _, _ in ctx.locked:
        locked_per_request[r] = locked_per_request.get(r, 0) + 1
    order = sorted(
        ps.by_request,
        key=lambda r: (-ctx.requests[r].model.priority, ctx.requests[r].start, ctx.requests[r].id),
    )
    for done, r in enumerate(order):
        if stop is not None and stop(len(draft.assign)):
            return draft, len(order) - done
        req = ctx.requests[r]
        if r in ps.split_requests:
            if locked_per_request.get(r):
                continue  # locked segments fix part of the split: leave it to the solver
            segments = even_split(ctx, ps, r)
            positions = req.model.officers_needed
            for piece in segments:
                draft.flow[piece.index] = positions
        else:
            segments = [ps.pieces[ps.by_request[r][0]]]
            positions = req.model.officers_needed - locked_per_request.get(r, 0)
        needs_sup = req.model.officers_needed >= ctx.limits.supervisor_at
        for piece in segments:
            _fill_piece(ctx, rot, draft, piece, positions, cands[piece.index], needs_sup)
    return draft, 0


def _fill_piece(
    ctx: Context,
    rot: _Rotation,
    draft: Draft,
    piece: Piece,
    positions: int,
    pool: Sequence[int] | np.ndarray,
    needs_sup: bool,
) -> None:
    taken: set[int] = set()
    # Locked officers on the whole piece, then each officer this roster puts on it.
    staff = [
        o for r, o, s, e in ctx.locked if r == piece.request and s <= piece.start and e >= piece.end
    ]

    def crew(oi: int) -> list[tuple[int, int, bool]]:
        return [(piece.start, piece.end, ctx.officers[o].supervisor) for o in [*staff, oi]]

    for _ in range(positions):
        # Once a supervisor is on the whole piece, nobody joining can leave it unsupervised.
        supervised = any(ctx.officers[o].supervisor for o in staff)
        choice = rot.pick(piece, pool, taken, crew if needs_sup and not supervised else None)
        if choice is None:
            return  # without a supervisor nobody may staff it; otherwise nobody is free
        rot.give(piece, choice)
        taken.add(choice)
        staff.append(choice)
        draft.assign.append((piece.index, choice))
