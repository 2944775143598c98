"""The roster's hard rules as a mixed-integer program: columns, sparse rows, one function per rule.

It starts from the same prepared context, pieces and candidate pairs as the CP-SAT model, so both
solvers choose among exactly the same (piece, officer) pairs; but every constraint family is
written here afresh rather than translated from `scheduler/solve/model.py`, so when both prove
the same optimal coverage the two encodings check each other.

Columns: a binary x per possible pair, an integer y per segment of a split request (positions
routed through it). Rows are kept in compressed sparse form and handed to HiGHS in one call.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

import numpy as np

from scheduler.context import Context, piece_weight
from scheduler.rules.load import DAY
from scheduler.rules.rule_layers import NO_PAIR, Elsewhere
from scheduler.solve.packing import max_packing
from scheduler.solve.pieces import PieceSet
from scheduler.timeutil import split_by_local_day, split_by_local_week

INF = float("inf")


@dataclass
class Rows:
    """Linear rows lower <= sum(value x col) <= upper, stored row after row (CSR)."""

    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    index: list[int] = field(default_factory=list)
    value: list[float] = field(default_factory=list)

    def add(self, terms: Iterable[tuple[int, float]], lo: float = -INF, hi: float = INF) -> None:
        self.starts.append(len(self.index))
        for col, coef in terms:
            self.index.append(col)
            self.value.append(coef)
        self.lower.append(lo)
        self.upper.append(hi)

    def __len__(self) -> int:
        return len(self.lower)

    def arrays(self) -> tuple[np.ndarray, ...]:
        return (
            np.array(self.lower, dtype=np.float64),
            np.array(self.upper, dtype=np.float64),
            np.array(self.starts, dtype=np.int32),
            np.array(self.index, dtype=np.int32),
            np.array(self.value, dtype=np.float64),
        )


@dataclass
class MipModel:
    """Every column and row of the MIP, with the pair and flow columns indexed like the CP-SAT's."""

    upper: list[float] = field(default_factory=list)  # column upper bounds (lower bounds are 0)
    x: dict[tuple[int, int], int] = field(default_factory=dict)  # (piece, officer) -> column
    y: dict[int, int] = field(default_factory=dict)  # split piece -> column
    by_officer: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # (piece, column)
    by_piece: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # (officer, column)
    fixed_minutes: dict[int, int] = field(default_factory=dict)  # officer -> locked minutes
    locked_weight: int = 0
    rows: Rows = field(default_factory=Rows)
    staffed: list[tuple[int, list[int]]] = field(default_factory=list)  # column, its x columns

    def column(self, upper: float) -> int:
        self.upper.append(upper)
        return len(self.upper) - 1

    def values(self, x_on: Iterable[tuple[int, int]], y: dict[int, int]) -> np.ndarray:
        """A roster (pairs on, flows) as a value for every column, helper columns derived, so
        HiGHS can take it as a complete starting solution."""
        out = np.zeros(len(self.upper))
        for key in x_on:
            out[self.x[key]] = 1.0
        for p, flow in y.items():
            if p in self.y:
                out[self.y[p]] = flow
        for col, others in self.staffed:
            out[col] = max(out[c] for c in others)
        return out


def formulate(ctx: Context, ps: PieceSet, cands: dict[int, list[int]]) -> MipModel:
    """Columns for the possible pairs, the positions' rows, then each officer rule's rows in the
    order of `MIP_ROWS` (any order is valid; a fixed one keeps the program reproducible)."""
    m = MipModel()
    for piece in ps.pieces:
        for oi in cands[piece.index]:
            col = m.column(1)
            m.x[piece.index, oi] = col
            m.by_officer.setdefault(oi, []).append((piece.index, col))
            m.by_piece.setdefault(piece.index, []).append((oi, col))
    for r, oi, s, e in ctx.locked:
        m.fixed_minutes[oi] = m.fixed_minutes.get(oi, 0) + e - s
        m.locked_weight += piece_weight(ctx.requests[r], s, e)
    request_capacity(ctx, ps, m)
    split_flow(ctx, ps, m)
    for rule in dict.fromkeys(r for r in MIP_ROWS.values() if not isinstance(r, Elsewhere)):
        rule(ctx, ps, m)  # a family serving two codes runs once
    return m


def _locked_on(ctx: Context, request: int, start: int, end: int) -> int:
    return sum(1 for r, _, s, e in ctx.locked if r == request and s == start and e == end)


def request_capacity(ctx: Context, ps: PieceSet, m: MipModel) -> None:
    """A whole request holds at most its officers needed, locked officers included."""
    for r, piece_ids in ps.by_request.items():
        if r in ps.split_requests:
            continue
        req = ctx.requests[r]
        room = req.model.officers_needed - _locked_on(ctx, r, req.start, req.end)
        held = m.by_piece.get(piece_ids[0], [])
        if len(held) > room:
            m.rows.add(((col, 1.0) for _, col in held), hi=room)


def split_flow(ctx: Context, ps: PieceSet, m: MipModel) -> None:
    """A split request routes its positions from start to end through segments (flow
    conservation at each boundary); a segment holds at most the positions routed through it."""
    for r in sorted(ps.split_requests):
        req = ctx.requests[r]
        need = req.model.officers_needed
        balance: dict[int, list[tuple[int, float]]] = defaultdict(list)
        for p in ps.by_request[r]:
            piece = ps.pieces[p]
            y = m.column(need)
            m.y[p] = y
            balance[piece.start].append((y, -1.0))
            balance[piece.end].append((y, 1.0))
            held = [(col, 1.0) for _, col in m.by_piece.get(p, [])]
            m.rows.add([*held, (y, -1.0)], hi=-_locked_on(ctx, r, piece.start, piece.end))
        for point, terms in sorted(balance.items()):
            net = need if point == req.end else -need if point == req.start else 0
            m.rows.add(terms, lo=net, hi=net)


def no_overlap(ctx: Context, ps: PieceSet, m: MipModel) -> None:
    """At most one of each maximal clique of an officer's pieces that overlap once the travel gap
    is added ([start, end + gap) intervals; one sweep finds the cliques)."""
    gap = ctx.limits.gap
    for items in m.by_officer.values():
        events = []
        for p, col in items:
            events.append((ps.pieces[p].start, 1, col))
            events.append((ps.pieces[p].end + gap, 0, col))
        events.sort(key=lambda ev: (ev[0], ev[1]))  # an end frees the officer for a start
        active: list[int] = []
        grew = False
        for _, is_start, col in events:
            if is_start:
                active.append(col)
                grew = True
                continue
            if grew and len(active) > 1:
                m.rows.add(((c, 1.0) for c in active), hi=1)
            grew = False
            active.remove(col)


def _cap(
    ctx: Context, ps: PieceSet, m: MipModel, items: list[tuple[int, int, int]], room: int
) -> None:
    """sum(minutes x) <= room over items (piece, column, minutes), unless it can never bind."""
    if not items or sum(mins for *_, mins in items) <= room:
        return
    spans = [(ps.pieces[p].start, ps.pieces[p].end, mins) for p, _, mins in items]
    if max_packing(spans, ctx.limits.gap) > room:
        m.rows.add(((col, float(mins)) for _, col, mins in items), hi=max(room, 0))


Splitter = Callable[[int, int, ZoneInfo], Sequence[tuple[date, int]]]


def _fixed_shifts(ctx: Context, oi: int) -> list[tuple[int, int]]:
    """An officer's off-duty shifts the MIP cannot move: locked ones and prior shifts (worked
    or confirmed outside the problem, which count toward the same caps)."""
    return [(s, e) for _, o, s, e in ctx.locked if o == oi] + list(ctx.officers[oi].prior)


def _locked_minutes_by(ctx: Context, oi: int, split: Splitter) -> dict[date, int]:
    out: dict[date, int] = defaultdict(int)
    for s, e in _fixed_shifts(ctx, oi):
        for key, mins in split(s, e, ctx.tz):
            out[key] += mins
    return out


def daily_and_weekly_caps(ctx: Context, ps: PieceSet, m: MipModel) -> None:
    """Off-duty minutes per local day and per Monday-to-Monday week, locked and prior shifts
    counted."""
    for oi, items in m.by_officer.items():
        families: tuple[tuple[Splitter, int], ...] = (
            (split_by_local_day, ctx.limits.per_day),
            (split_by_local_week, ctx.officers[oi].week_cap),
        )
        for split, cap in families:
            groups: dict[date, list[tuple[int, int, int]]] = defaultdict(list)
            for p, col in items:
                for key, mins in split(ps.pieces[p].start, ps.pieces[p].end, ctx.tz):
                    groups[key].append((p, col, mins))
            fixed = _locked_minutes_by(ctx, oi, split)
            for key, group in groups.items():
                _cap(ctx, ps, m, group, cap - fixed[key])


def rolling_24h(ctx: Context, ps: PieceSet, m: MipModel) -> None:
    """On-duty plus off-duty minutes in any 24-hour window stay within the rest rule; only
    windows starting at a block start or ending at a block end can be the fullest."""
    cap = ctx.limits.per_24h
    for oi, items in m.by_officer.items():
        fixed = list(ctx.officers[oi].on_duty) + _fixed_shifts(ctx, oi)
        spans = sorted((ps.pieces[p].start, ps.pieces[p].end, p, col) for p, col in items)
        if sum(e - s for s, e, _, _ in spans) + sum(e - s for s, e in fixed) <= cap:
            continue
        starts = {s for s, *_ in spans} | {e - DAY for _, e, *_ in spans}
        starts |= {s for s, _ in fixed} | {e - DAY for _, e in fixed}
        begins = [s for s, *_ in spans]
        longest = max(e - s for s, e, _, _ in spans)
        seen: set[tuple[tuple[tuple[int, int], ...], int]] = set()
        for t in sorted(starts):
            end = t + DAY
            # Only pieces starting in (t - longest, end) can overlap the window: bisect, not scan.
            lo, hi = bisect.bisect_right(begins, t - longest), bisect.bisect_left(begins, end)
            inside = [(p, col, min(e, end) - max(s, t)) for s, e, p, col in spans[lo:hi] if e > t]
            fixed_load = sum(max(0, min(e, end) - max(s, t)) for s, e in fixed)
            # The same pieces with more on-duty time inside is a tighter row, not a duplicate.
            key = (tuple((p, mins) for p, _, mins in inside), fixed_load)
            if not inside or key in seen:
                continue
            seen.add(key)
            _cap(ctx, ps, m, inside, cap - fixed_load)


def supervisor(ctx: Context, ps: PieceSet, m: MipModel) -> None:
    """On a request for supervisor_at or more officers, each moment someone staffs also has a
    supervisor. Per grid step, a binary `staffed` is at least every non-supervisor's x and at
    most the supervisors' sum: two entries per officer instead of one row over all supervisors
    per officer, which at city scale is tens of millions of nonzeros."""
    for r, piece_ids in ps.by_request.items():
        req = ctx.requests[r]
        if req.model.officers_needed < ctx.limits.supervisor_at:
            continue
        bounds = ps.grid_points.get(r, [req.start, req.end])
        for a, b in zip(bounds, bounds[1:], strict=False):
            locked_here = [o for lr, o, s, e in ctx.locked if lr == r and s <= a and e >= b]
            if any(ctx.officers[o].supervisor for o in locked_here):
                continue
            sups: list[int] = []
            others: list[int] = []
            for p in piece_ids:
                if ps.pieces[p].start <= a and ps.pieces[p].end >= b:
                    for oi, col in m.by_piece.get(p, []):
                        (sups if ctx.officers[oi].supervisor else others).append(col)
            if locked_here:  # a locked officer staffs this moment: a supervisor must join
                m.rows.add(((c, 1.0) for c in sups), lo=1)
                continue
            if not others:
                continue
            staffed = m.column(1)
            m.staffed.append((staffed, others))
            for col in others:
                m.rows.add([(col, 1.0), (staffed, -1.0)], hi=0)
            m.rows.add([(staffed, 1.0), *((c, -1.0) for c in sups)], hi=0)


RowRule = Callable[[Context, PieceSet, MipModel], None]
_SCREENED = Elsewhere("screening", NO_PAIR + " (the MIP takes the CP-SAT model's candidates)")

# The MIP layer: each officer rule's rows, or where it is enforced instead. Both caps share one
# pass per officer.
MIP_ROWS: dict[str, RowRule | Elsewhere] = {
    "OVERLAP": no_overlap,
    "DAILY_CAP": daily_and_weekly_caps,
    "WEEKLY_CAP": daily_and_weekly_caps,
    "REST_24H": rolling_24h,
    "SUPERVISOR_REQUIRED": supervisor,
    "STATUS_BARRED": _SCREENED,
    "MISSING_QUALIFICATION": _SCREENED,
    "EMPLOYER_CONFLICT": _SCREENED,
    "NOT_AVAILABLE": _SCREENED,
    "ON_DUTY": _SCREENED,
}
