"""The CP-SAT model: one Boolean per *possible* (piece, officer) pair, constraints as modules.

Positions of one request are interchangeable, so they are never separate variables: a request
holds at most N officers (a whole request) or routes N units of flow through its candidate
segments (a split request), and officers are chosen per piece. That removes the symmetry among
identical positions at the source. Each `_rule()` below adds one family of hard constraints and
skips instances that can never bind (checked by a small interval-packing bound), which keeps the
model small at city scale. The rules write through a `Sink`: a CP-SAT `Model` here, or the
arrays of `rows.Rows` that the window search cuts its windows from.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, Protocol

import numpy as np
from ortools.sat.python import cp_model
from ortools.sat.python.cp_model import LinearExpr

from scheduler.context import Context, piece_weight
from scheduler.rules.load import DAY
from scheduler.rules.rule_layers import NO_PAIR, Elsewhere
from scheduler.solve.packing import chain_load, officer_reach, packs_more
from scheduler.solve.pieces import PieceSet
from scheduler.timeutil import local_day_edges, minutes_by_span

Var = Any  # a CP-SAT variable in `Model`, a column number in `rows.Rows`


@dataclass(frozen=True)
class OfficerPairs:
    """One officer's pairs as arrays, in the order of `Sink.by_officer`: their pieces and their
    variables (`Sink.var_array`). The rules' array steps read these; each rule turning the
    officer's list into arrays again took 0.07 s a pass on Rockport's Christmas fortnight (M,
    203,310 pairs), six passes in all (docs/solver.md)."""

    pieces: np.ndarray
    variables: np.ndarray


class Sink(Protocol):
    """Where the rules write their rows: a CP-SAT `Model`, or `rows.Rows`, which keeps them
    as arrays (the window search builds them once for the whole horizon and cuts one window
    at a time out of them)."""

    x: dict[tuple[int, int], Var]
    y: dict[int, Var]
    by_officer: dict[int, list[tuple[int, Var]]]
    by_piece: dict[int, list[tuple[int, Var]]]
    of_officer: dict[int, OfficerPairs]
    fixed_minutes: dict[int, int]
    locked_weight: int

    def new_pairs(self, count: int) -> list[Var]: ...
    def new_flow(self, most: int) -> Var: ...
    def var_array(self, variables: list[Var]) -> np.ndarray: ...
    def at_most_one(self, variables: list[Var]) -> None: ...
    def at_most_ones(self, variables: np.ndarray, lengths: list[int]) -> None: ...
    def at_most(
        self, variables: list[Var] | np.ndarray, coefs: list[int] | np.ndarray, most: int
    ) -> None: ...
    def equal(self, variables: list[Var], coefs: list[int], value: int) -> None: ...


@dataclass
class Model:
    """The CP-SAT model and every decision variable, in one container."""

    cp: cp_model.CpModel
    x: dict[tuple[int, int], Var] = field(default_factory=dict)  # (piece, officer)
    y: dict[int, Var] = field(default_factory=dict)  # split piece -> positions routed through it
    by_officer: dict[int, list[tuple[int, Var]]] = field(default_factory=dict)
    by_piece: dict[int, list[tuple[int, Var]]] = field(default_factory=dict)
    of_officer: dict[int, OfficerPairs] = field(default_factory=dict)
    fixed_minutes: dict[int, int] = field(default_factory=dict)  # officer -> locked minutes
    locked_weight: int = 0

    def new_pairs(self, count: int) -> list[Var]:
        return [self.cp.new_bool_var("") for _ in range(count)]

    def new_flow(self, most: int) -> Var:
        return self.cp.new_int_var(0, most, "")

    def var_array(self, variables: list[Var]) -> np.ndarray:
        """The variables as an array, for the rules' array steps (`Rows` keeps column numbers,
        so that its rows need no Python list)."""
        array = np.empty(len(variables), dtype=object)
        array[:] = variables
        return array

    def at_most_one(self, variables: list[Var]) -> None:
        self.cp.add_at_most_one(variables)

    def at_most_ones(self, variables: np.ndarray, lengths: list[int]) -> None:
        """One at-most-one row per run of `lengths` variables, in order."""
        listed = variables.tolist()
        at = 0
        for n in lengths:
            self.cp.add_at_most_one(listed[at : at + n])
            at += n

    def at_most(
        self, variables: list[Var] | np.ndarray, coefs: list[int] | np.ndarray, most: int
    ) -> None:
        if isinstance(variables, np.ndarray):
            variables, coefs = variables.tolist(), np.asarray(coefs).tolist()
        self.cp.add(LinearExpr.weighted_sum(variables, coefs) <= most)

    def equal(self, variables: list[Var], coefs: list[int], value: int) -> None:
        self.cp.add(LinearExpr.weighted_sum(variables, coefs) == value)


def build(ctx: Context, ps: PieceSet, cands: dict[int, list[int]]) -> Model:
    """The CP-SAT model of the pieces and their candidates."""
    m = Model(cp_model.CpModel())
    fill(ctx, ps, cands, m)
    return m


def fill(ctx: Context, ps: PieceSet, cands: dict[int, list[int]], m: Sink) -> None:
    """Variables for possible pairs, then the positions and each officer rule's rows, in the
    order of `CP_SAT_ROWS` (any order is valid; a fixed one keeps the model reproducible)."""
    _pairs(ps, cands, m)
    for r, oi, s, e in ctx.locked:
        m.fixed_minutes[oi] = m.fixed_minutes.get(oi, 0) + e - s
        m.locked_weight += piece_weight(ctx.requests[r], s, e)
    _positions(ctx, ps, m)
    for rule in dict.fromkeys(r for r in CP_SAT_ROWS.values() if not isinstance(r, Elsewhere)):
        rule(ctx, ps, m)  # a family serving two codes runs once


def _pairs(ps: PieceSet, cands: dict[int, list[int]], m: Sink) -> None:
    """A variable per possible pair, piece by piece, and the sink's views of them: by pair, by
    piece, and by officer (in the order officers first appear) as lists and as arrays
    (`OfficerPairs`). Made per piece and per officer, not per pair: one pair at a time was 0.37 s
    of the rows of Rockport's Christmas fortnight (M, 185,065 pairs; docs/solver.md)."""
    pieces = [piece.index for piece in ps.pieces]
    counts = [len(cands[p]) for p in pieces]
    variables = m.new_pairs(sum(counts))
    at = 0
    for p, n in zip(pieces, counts, strict=True):
        if n:
            held = list(zip(cands[p], variables[at : at + n], strict=True))
            m.x.update(((p, oi), var) for oi, var in held)
            m.by_piece[p] = held
            at += n
    piece_of = np.repeat(np.asarray(pieces, dtype=np.int64), counts)
    officer_of = np.fromiter(
        chain.from_iterable(cands[p] for p in pieces), np.int64, len(piece_of)
    )
    array = m.var_array(variables)
    order = np.argsort(officer_of, kind="stable")  # each officer's pairs in the order made
    officer_of = officer_of[order]
    first = np.flatnonzero(np.diff(officer_of, prepend=-1)).tolist() + [len(order)]
    spans = sorted(zip(first, first[1:], strict=False), key=lambda ab: int(order[ab[0]]))
    for a, b in spans:  # officers in the order of their first pair, as one at a time gave
        oi, mine = int(officer_of[a]), order[a:b]
        pairs = OfficerPairs(piece_of[mine], array[mine])
        m.of_officer[oi] = pairs
        m.by_officer[oi] = list(zip(pairs.pieces.tolist(), pairs.variables.tolist(), strict=True))


def _positions(ctx: Context, ps: PieceSet, m: Sink) -> None:
    """A whole request holds at most N officers; a split one routes N positions as a flow."""
    locked = Counter((r, s, e) for r, _, s, e in ctx.locked)
    for r, piece_ids in ps.by_request.items():
        need = ctx.requests[r].model.officers_needed
        if r not in ps.split_requests:
            p = piece_ids[0]
            room = need - locked[(r, ctx.requests[r].start, ctx.requests[r].end)]
            terms = [v for _, v in m.by_piece.get(p, [])]
            if len(terms) > room:
                m.at_most(terms, [1] * len(terms), room)
            continue
        balance: dict[int, list[tuple[int, Var]]] = defaultdict(list)
        for p in piece_ids:
            piece = ps.pieces[p]
            y = m.new_flow(need)
            m.y[p] = y
            balance[piece.start].append((-1, y))
            balance[piece.end].append((1, y))
            held = [v for _, v in m.by_piece.get(p, [])]
            m.at_most([*held, y], [1] * len(held) + [-1], -locked[(r, piece.start, piece.end)])
        req = ctx.requests[r]
        for point, flows in balance.items():
            net = need if point == req.end else -need if point == req.start else 0
            m.equal([y for _, y in flows], [sign for sign, _ in flows], net)


def _no_overlap(ctx: Context, ps: PieceSet, m: Sink) -> None:
    """At most one of any set of an officer's pieces that overlap once the travel gap is added.

    Intervals [start, end + gap) form an interval graph; its maximal cliques come from one sweep
    of their ends in time order (ends before starts at the same instant): the pieces open when
    an end follows a start. In array steps per officer, the rows in one batch (as a sweep in
    Python, 0.26 s of a split-heavy fortnight's rows: docs/solver.md).
    """
    gap = ctx.limits.gap
    for oi in m.by_officer:
        pieces, variables = m.of_officer[oi].pieces, m.of_officer[oi].variables
        n = len(pieces)
        if n < 2:
            continue
        # Events in item order, a start then an end each, sorted stably by time, ends first.
        times = np.stack((ps.starts[pieces], ps.ends[pieces] + gap), axis=1).ravel()
        is_start = np.tile(np.array([1, 0], dtype=np.int64), n)
        order = np.lexsort((is_start, times))
        position = np.empty(2 * n, dtype=np.int64)
        position[order] = np.arange(2 * n)
        opened, closed = position[0::2], position[1::2]
        kinds = is_start[order]
        at = np.flatnonzero((kinds[1:] == 0) & (kinds[:-1] == 1)) + 1  # an end after a start
        # Open at each such end: started before it and not yet ended. In order of their start.
        by_start = np.argsort(opened, kind="stable")
        member = (opened[by_start][None, :] < at[:, None]) & (
            closed[by_start][None, :] >= at[:, None]
        )
        sizes = member.sum(axis=1)
        member = member[sizes > 1]
        if not len(member):
            continue
        _, column = np.nonzero(member)  # row by row, each in order of start
        m.at_most_ones(variables[by_start[column]], sizes[sizes > 1].tolist())


def _cap(
    ctx: Context,
    ps: PieceSet,
    m: Sink,
    pieces: np.ndarray,
    variables: np.ndarray,
    minutes: np.ndarray,
    room: int,
) -> None:
    """Add sum(minutes x) <= room unless no compatible selection could exceed it."""
    if not len(pieces):
        return
    by_end = np.argsort(ps.ends[pieces], kind="stable")
    start, end = ps.starts[pieces][by_end], ps.ends[pieces][by_end]
    before = np.searchsorted(end, start - ctx.limits.gap, side="right").tolist()
    if packs_more(before, minutes[by_end].tolist(), room):
        m.at_most(variables, minutes, max(room, 0))


def _daily_and_weekly_caps(ctx: Context, ps: PieceSet, m: Sink) -> None:
    """Off-duty minutes per local day and per Monday-to-Monday week, locked shifts included.

    A day or week whose reachable minutes (the union of the officer's candidates) plus locked
    minutes fit under the cap cannot bind and gets no constraint. Each piece is cut into days
    and weeks once, in array steps, not once per candidate (docs/solver.md).
    """
    if not ps.pieces:
        return
    locked = _locked_by_officer(ctx)
    starts, ends = ps.starts, ps.ends
    lo, hi = int(starts.min()), int(ends.max())
    cuts = [
        (_Cuts(starts, ends, local_day_edges(lo, hi, ctx.tz)), lambda oi: ctx.limits.per_day),
        (
            _Cuts(starts, ends, local_day_edges(lo, hi, ctx.tz, weeks=True)),
            lambda oi: ctx.officers[oi].week_cap,
        ),
    ]
    for oi in m.by_officer:
        pieces, variables = m.of_officer[oi].pieces, m.of_officer[oi].variables
        reach = np.asarray(officer_reach(ps, pieces), dtype=np.int64)
        fixed = np.asarray(locked.get(oi, []), dtype=np.int64).reshape(-1, 2)
        for by, cap_of in cuts:
            cap = cap_of(oi)
            load = by.load(fixed)
            binding = by.load(reach) + load > cap
            if not binding.any():
                continue
            item, span, minutes = by.parts(pieces)
            on = binding[span]
            item, span, minutes = item[on], span[on], minutes[on]
            order = np.argsort(span, kind="stable")  # by span, each in the officer's item order
            item, span, minutes = item[order], span[order], minutes[order]
            first = np.flatnonzero(np.diff(span, prepend=-1)).tolist() + [len(span)]
            span_l = span.tolist()
            for a, b in zip(first, first[1:], strict=False):
                group = item[a:b]
                room = cap - int(load[span_l[a]])
                _cap(ctx, ps, m, pieces[group], variables[group], minutes[a:b], room)


@dataclass
class _Cuts:
    """The pieces cut at local midnights (or Monday midnights) once, in array form."""

    starts: np.ndarray
    ends: np.ndarray
    edges: np.ndarray
    piece: np.ndarray = field(init=False)
    span: np.ndarray = field(init=False)
    minutes: np.ndarray = field(init=False)
    begin: np.ndarray = field(init=False)  # per piece, where its parts begin (and one more)

    def __post_init__(self) -> None:
        self.piece, self.span, self.minutes = minutes_by_span(self.starts, self.ends, self.edges)
        counts = np.bincount(self.piece, minlength=len(self.starts))
        self.begin = np.concatenate(([0], np.cumsum(counts)))

    def parts(self, pieces: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The parts of these pieces: per part, the position of its piece in `pieces`, its
        span and its minutes, piece by piece."""
        counts = self.begin[pieces + 1] - self.begin[pieces]
        item = np.repeat(np.arange(len(pieces)), counts)
        at = (
            self.begin[pieces][item]
            + np.arange(int(counts.sum()))
            - np.repeat(np.cumsum(counts) - counts, counts)
        )
        return item, self.span[at], self.minutes[at]

    def load(self, blocks: np.ndarray) -> np.ndarray:
        """Minutes of the blocks (rows of start and end) in each span; outside them, none."""
        spans = len(self.edges) - 1
        if len(blocks) == 0:
            return np.zeros(spans, dtype=np.int64)
        s = np.clip(blocks[:, 0], self.edges[0], self.edges[-1])
        e = np.clip(blocks[:, 1], self.edges[0], self.edges[-1])
        inside = e > s
        if not inside.any():
            return np.zeros(spans, dtype=np.int64)
        _, span, minutes = minutes_by_span(s[inside], e[inside], self.edges)
        return np.bincount(span, weights=minutes, minlength=spans).astype(np.int64)


def _locked_by_officer(ctx: Context) -> dict[int, list[tuple[int, int]]]:
    """Each officer's fixed off-duty shifts: locked ones and those worked outside the problem."""
    out: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for officer in ctx.officers:
        if officer.prior:
            out[officer.index].extend(officer.prior)
    for _, o, s, e in ctx.locked:
        out[o].append((s, e))
    return out


def _rolling_24h(ctx: Context, ps: PieceSet, m: Sink) -> None:
    """On-duty plus off-duty minutes in any 24-hour window stay within the rest rule.

    Only windows that start at a block start or end at a block end can be the worst ones, and a
    window whose reachable minutes plus fixed load fit under the cap is skipped. An officer's
    windows are computed at once, as a matrix of each window's overlap with each piece.
    """
    cap = ctx.limits.per_24h
    locked = _locked_by_officer(ctx)
    for oi in m.by_officer:
        pairs = m.of_officer[oi]
        reach = officer_reach(ps, pairs.pieces)
        # Only blocks within a day of the officer's pieces share a window with one of them
        # (a window search fixes two weeks of shifts around a day of pieces).
        first, last = reach[0][0], reach[-1][1]
        fixed = [
            (s, e)
            for s, e in list(ctx.officers[oi].on_duty) + locked.get(oi, [])
            if e > first - DAY and s < last + DAY
        ]
        blocks = reach + fixed
        edges = np.asarray(blocks, dtype=np.int64)
        if _load_at(blocks, np.concatenate((edges[:, 0], edges[:, 1] - DAY))).max() <= cap:
            continue  # the most this officer could be busy in any 24 hours
        _rolling_rows(ctx, ps, m, pairs, reach, fixed, cap)


def _load_at(blocks: list[tuple[int, int]], t: np.ndarray) -> np.ndarray:
    """Minutes of the blocks inside each 24-hour window [t, t + DAY)."""
    if not blocks:
        return np.zeros(len(t), dtype=np.int64)
    b = np.asarray(blocks, dtype=np.int64)
    inside = np.minimum(b[:, 1], t[:, None] + DAY) - np.maximum(b[:, 0], t[:, None])
    return np.clip(inside, 0, None).sum(axis=1)


def _rolling_rows(
    ctx: Context,
    ps: PieceSet,
    m: Sink,
    pairs: OfficerPairs,
    reach: list[tuple[int, int]],
    fixed: list[tuple[int, int]],
    cap: int,
) -> None:
    """One officer's rows: each window's overlap with each piece (pieces in order of their
    end, as `max_packing` needs), for the windows that could exceed the cap."""
    by_end = np.argsort(ps.ends[pairs.pieces], kind="stable")
    start, end = ps.starts[pairs.pieces][by_end], ps.ends[pairs.pieces][by_end]
    variables = pairs.variables[by_end]  # column numbers or CP-SAT variables
    edges = np.asarray(reach + fixed, dtype=np.int64)
    t = np.unique(np.concatenate((start, end - DAY, edges[:, 0], edges[:, 1] - DAY)))
    fixed_load = _load_at(fixed, t)
    maybe = _load_at(reach, t) + fixed_load > cap
    t, fixed_load = t[maybe], fixed_load[maybe]
    inside = np.minimum(end, t[:, None] + DAY) - np.maximum(start, t[:, None])
    inside = np.clip(inside, 0, None)
    room = cap - fixed_load
    gap = ctx.limits.gap
    over = inside.sum(axis=1) > room
    # A window with none of the pieces never binds (room < 0 only from fixed blocks).
    binds = chain_load(start, end, gap, t, inside) > np.maximum(room, 0)
    seen: set[tuple[int, bytes]] = set()
    for k in np.flatnonzero(over).tolist():
        row = inside[k]
        # Two windows with the same pieces differ when their on-duty or locked load differs.
        key = (int(fixed_load[k]), row.tobytes())
        if key in seen:
            continue
        seen.add(key)
        idx = np.flatnonzero(row)
        weights = row[idx]
        if not binds[k]:
            # The most one officer could work of these pieces (`max_packing`, vectorized
            # lookups), where a chain of them did not already work more than the room.
            before = np.searchsorted(end[idx], start[idx] - gap, side="right").tolist()
            if not packs_more(before, weights.tolist(), int(room[k])):
                continue
        m.at_most(variables[idx], weights, max(int(room[k]), 0))


def _supervisor(ctx: Context, ps: PieceSet, m: Sink) -> None:
    """A request for supervisor_at or more officers has a supervisor on it whenever staffed."""
    # A window's locked shifts include every shift outside it: look them up by request once.
    locked_on: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for lr, o, s, e in ctx.locked:
        locked_on[lr].append((o, s, e))
    for r, piece_ids in ps.by_request.items():
        req = ctx.requests[r]
        if req.model.officers_needed < ctx.limits.supervisor_at:
            continue
        bounds = ps.grid_points.get(r, [req.start, req.end])
        for a, b in zip(bounds, bounds[1:], strict=False):
            locked_here = [o for o, s, e in locked_on.get(r, []) if s <= a and e >= b]
            if any(ctx.officers[o].supervisor for o in locked_here):
                continue
            covering = [p for p in piece_ids if ps.pieces[p].start <= a and ps.pieces[p].end >= b]
            sups: list[Var] = []
            others: list[Var] = []
            for p in covering:
                for oi, var in m.by_piece.get(p, []):
                    (sups if ctx.officers[oi].supervisor else others).append(var)
            if locked_here:  # a locked officer staffs this moment: a supervisor must join
                m.at_most(sups, [-1] * len(sups), -1)
                continue
            if not others:
                continue
            # One supervisor on at a moment lets the other N-1 positions go to anyone; none lets
            # nobody on. One aggregated row per moment keeps the model small.
            need = req.model.officers_needed
            m.at_most(others + sups, [1] * len(others) + [1 - need] * len(sups), 0)


RowRule = Callable[[Context, PieceSet, Sink], None]
_SCREENED = Elsewhere("screening", NO_PAIR)

# The CP-SAT layer: each officer rule's rows, or where it is enforced instead. Both caps share
# one pass per officer (its reachable minutes are computed once for days and weeks).
CP_SAT_ROWS: dict[str, RowRule | Elsewhere] = {
    "OVERLAP": _no_overlap,
    "DAILY_CAP": _daily_and_weekly_caps,
    "WEEKLY_CAP": _daily_and_weekly_caps,
    "REST_24H": _rolling_24h,
    "SUPERVISOR_REQUIRED": _supervisor,
    "STATUS_BARRED": _SCREENED,
    "MISSING_QUALIFICATION": _SCREENED,
    "EMPLOYER_CONFLICT": _SCREENED,
    "NOT_AVAILABLE": _SCREENED,
    "ON_DUTY": _SCREENED,
}
