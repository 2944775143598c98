"""Fairness polish: move shifts from heavier to lighter officers until no improvable pair is left.

rules.md section 7 calls a roster fair when no shift held by officer B could move to an eligible,
free officer A whose total is below B's total minus the shift's hours. Each such move lowers the
sum of squared totals, so repeating it ends; it never lowers coverage and never raises the largest
total (A ends below B's old total), so it keeps the earlier lexicographic stages intact.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import numpy as np

from models.result import RosterResult
from scheduler.context import Context
from scheduler.rules.load import OFFICER_STRIDE, LoadView, OfficerLoad
from scheduler.solve.draft import Draft
from scheduler.solve.pair_checks import Crew, bind_checks, may_take
from scheduler.solve.pieces import Piece, PieceSet
from scheduler.timeutil import (
    local_date,
    local_midnight,
    minutes_by_span,
    split_by_local_week,
    week_monday,
)

# The shifts a polish pass checks at once for whether they could move (`Movable`).
BLOCK = 256


def final_loads(
    ctx: Context, ps: PieceSet, draft: Draft, locked: dict[int, OfficerLoad]
) -> dict[int, OfficerLoad]:
    """Every officer's load: locked shifts plus the draft's."""
    loads = {
        o.index: (locked[o.index].copy() if o.index in locked else OfficerLoad(ctx, o))
        for o in ctx.officers
    }
    for p, oi in draft.assign:
        loads[oi].add(ps.pieces[p].start, ps.pieces[p].end)
    return loads


def totals(ctx: Context, loads: dict[int, OfficerLoad]) -> np.ndarray:
    """Every officer's fairness total in minutes (`OfficerData.total`), by officer number."""
    return np.array(
        [o.total(sum(e - s for s, e in loads[o.index].shifts)) for o in ctx.officers],
        dtype=np.int64,
    )


class Staff:
    """Who is on each request, kept current as the polish moves shifts: locked spans, and the
    indices of the request's shifts in the polish's assignment list (a scan of the whole list
    per check made the supervisor check quadratic; figures in docs/solver.md, `polish.py`)."""

    def __init__(self, ctx: Context, ps: PieceSet, assign: list[tuple[int, int]]) -> None:
        self.ps = ps
        self.assign = assign
        self.locked: dict[int, list[tuple[int, int, int]]] = {}
        for r, o, s, e in ctx.locked:
            self.locked.setdefault(r, []).append((s, e, o))
        self.shifts: dict[int, list[int]] = {}
        for k, (p, _) in enumerate(assign):
            self.shifts.setdefault(ps.pieces[p].request, []).append(k)

    def on(self, request: int) -> list[tuple[int, int, int]]:
        spans = list(self.locked.get(request, []))
        for k in self.shifts.get(request, []):
            p, o = self.assign[k]
            spans.append((self.ps.pieces[p].start, self.ps.pieces[p].end, o))
        return spans


def _crew_after_move(ctx: Context, staff: Staff, p: int, old: int) -> Crew | None:
    """The crew of piece p's request once `old` hands p to someone, where that can matter: a
    supervised request that loses a supervisor to a non-supervisor."""
    piece = staff.ps.pieces[p]
    if ctx.requests[piece.request].model.officers_needed < ctx.limits.supervisor_at:
        return None
    if not ctx.officers[old].supervisor:
        return None
    on = staff.on(piece.request)

    def crew(new: int) -> list[tuple[int, int, bool]] | None:
        if ctx.officers[new].supervisor:
            return None
        spans = []
        for s, e, o in on:
            if (s, e, o) == (piece.start, piece.end, old):
                o = new
            spans.append((s, e, ctx.officers[o].supervisor))
        return spans

    return crew


def polish(
    ctx: Context,
    ps: PieceSet,
    pools: list[np.ndarray],
    draft: Draft,
    locked: dict[int, OfficerLoad],
    deadline: float = float("inf"),
) -> tuple[Draft, int]:
    """The draft with improvable pairs removed, and how many shifts moved.

    Looks at every officer who passes the vector checks for a piece (the pools, not just the
    model's candidates, so a capped city-scale model is polished against every eligible officer);
    the greedy layer's checks (`pair_checks.GREEDY_POLISH`) run for the few lighter officers a move
    could go to.
    """
    loads = final_loads(ctx, ps, draft, locked)
    total = totals(ctx, loads)
    assign = list(draft.assign)
    staff = Staff(ctx, ps, assign)
    weeks = WeekMinutes(ctx, ps, loads)
    busy = Busy(ctx, ps, assign, loads)
    view = LoadView(ctx, loads)  # moved with every move below, as `loads` are
    moves = 0
    improved = True
    while improved and time.monotonic() < deadline:
        improved = False
        order = sorted(range(len(assign)), key=lambda i: -total[assign[i][1]])
        for n, k in enumerate(order):
            if n % 64 == 63 and time.monotonic() >= deadline:
                break  # a pass at city scale takes seconds: the deadline is a promise
            if n % BLOCK == 0:
                block = Movable(ps, pools, assign, order[n : n + BLOCK], total, weeks, busy, view)
            if not block.could[n % BLOCK]:
                continue
            p, b = assign[k]
            piece = ps.pieces[p]
            pool = pools[p]
            # The array steps first, the cheapest first: lighter, then room in the week, then free.
            lighter = pool[total[pool] < total[b] - piece.minutes]
            if not len(lighter):
                continue
            lighter = busy.free(weeks.room(lighter, p), p)
            a = _lighter_taker(ctx, ps, lighter, staff, loads, total, p, b)
            if a is None:
                continue
            weeks.move(p, b, a)
            busy.move(k, a)
            view.move(piece.start, piece.end, b, a)
            loads[b].remove(piece.start, piece.end)
            loads[a].add(piece.start, piece.end)
            total[a] += piece.minutes
            total[b] -= piece.minutes
            assign[k] = (p, a)
            block.moved(n % BLOCK, b, a)
            moves += 1
            improved = True
    return Draft(assign, dict(draft.flow)), moves


class Movable:
    """Which shifts of a block (the next BLOCK of a pass) could move at all: the loop's three
    array checks (a lighter officer of the piece's pool, with room in the week, free of the
    travel gap) for every shift of the block and officer of its pool at once, against the
    roster as it is when the pass reaches the block. Most shifts have none: of the 11,865
    shifts with a lighter officer that the first polish of Rockport's Christmas fortnight (M)
    looked at one at a time, 704 had one with room and free, and it took 0.84 s; 0.34 s with
    the blocks, for the same moves (docs/solver.md).

    A move from b to a can open a shift only through a or b: a's shifts (a heavier: more
    officers are lighter than a) and the shifts with b in their pool (b lighter, freer, with
    more room in the week, more rest in 24 hours). `moved` marks those of the block, so the
    loop sees what it would have seen checking every shift: the polish moves the same shifts.

    Each check runs on the pairs the cheaper ones before it kept: the polish of a roster of
    Kennesaw's autumn DST fortnight at city scale (363 moves) took 0.97-1.13 s instead of
    2.17-2.55 s with every check on every pair of the block. The 24-hour rule comes last
    (`LoadView.over_rest`, the view moved with the roster): under a 10-hour rolling cap at
    city scale most lighter officers fail it, and asking each one in the loop made a polish
    of 401 moves take 10.7-10.9 s; 5.0-6.2 s with it here (docs/solver.md)."""

    def __init__(
        self,
        ps: PieceSet,
        pools: list[np.ndarray],
        assign: list[tuple[int, int]],
        ks: list[int],
        total: np.ndarray,
        weeks: WeekMinutes,
        busy: Busy,
        view: LoadView,
    ) -> None:
        pieces = [assign[k][0] for k in ks]
        self.holder = np.array([assign[k][1] for k in ks], dtype=np.int64)
        counts = np.array([len(pools[p]) for p in pieces], dtype=np.int64)
        self.officer = (
            np.concatenate([pools[p] for p in pieces]).astype(np.int64)
            if counts.sum()
            else np.zeros(0, dtype=np.int64)
        )
        self.shift = np.repeat(np.arange(len(ks)), counts)
        starts, ends = ps.starts[pieces], ps.ends[pieces]
        most = total[self.holder] - (ends - starts)
        # Each check on the pairs the cheaper ones before it left, the cheapest first.
        able = np.flatnonzero(total[self.officer] < most[self.shift])
        officer, shift = self.officer[able], self.shift[able]
        room = weeks.room_spans(officer, starts[shift], ends[shift])
        officer, shift = officer[room], shift[room]
        free = busy.free_pairs(officer, starts[shift], ends[shift])
        officer, shift = officer[free], shift[free]
        rested = ~view.over_rest(officer, starts[shift], ends[shift])
        self.could = np.bincount(shift[rested], minlength=len(ks)) > 0

    def moved(self, j: int, b: int, a: int) -> None:
        """Shift j of the block moved from b to a."""
        self.holder[j] = a
        self.could |= self.holder == a
        self.could[self.shift[self.officer == b]] = True


def note_left(result: RosterResult) -> RosterResult:
    """`result`, from a polish that stopped at its deadline, with a note saying how many
    improvable pairs its own count finds left (Rockport's Christmas fortnight, M, at 2 s: 780,
    and no note said why; docs/solver.md)."""
    left = result.metrics.improvable_pairs
    if not left:
        return result
    note = (
        f"the fairness polish stopped at its deadline with {left} improvable pair(s) left: "
        "a longer time limit leaves time to remove them"
    )
    solver = result.solver.model_copy(update={"notes": [*result.solver.notes, note]})
    return result.model_copy(update={"solver": solver})


class WeekMinutes:
    """Every officer's off-duty minutes per local week, as one array, so the polish can drop
    the officers whose week a piece would overfill before checking the rest one at a time
    (`OfficerLoad.over_week` per officer was most of an L polish; docs/solver.md).

    A piece's weeks are split when first asked for: splitting all 13,894 pieces of a Rockport
    fortnight of 1,000 officers took 0.20 s of a 1.08 s polish of its 5,375 shifts."""

    def __init__(self, ctx: Context, ps: PieceSet, loads: dict[int, OfficerLoad]) -> None:
        self.tz = ctx.tz
        self.ps = ps
        self.split: dict[int, tuple[tuple[date, int], ...]] = {}
        mondays = _mondays(ctx, ps)
        self.column: dict[object, int] = {w: i for i, w in enumerate(mondays)}
        # The weeks' local midnights: week i runs from edges[i] to edges[i + 1].
        bounds = [*mondays, mondays[-1] + timedelta(days=7)] if mondays else []
        self.edges = np.asarray([local_midnight(m, ctx.tz) for m in bounds], dtype=np.int64)
        self.minutes = np.zeros((len(ctx.officers), len(self.column)), dtype=np.int64)
        for o, load in loads.items():
            for w, m in load.week.items():
                if w in self.column:
                    self.minutes[o, self.column[w]] = m
        self.cap = np.array([o.week_cap for o in ctx.officers], dtype=np.int64)

    def weeks(self, p: int) -> tuple[tuple[date, int], ...]:
        """Piece p's minutes in each local week."""
        parts = self.split.get(p)
        if parts is None:
            piece = self.ps.pieces[p]
            parts = self.split[p] = split_by_local_week(piece.start, piece.end, self.tz)
        return parts

    def room(self, pool: np.ndarray, p: int) -> np.ndarray:
        """The officers of the pool whose weeks still hold piece p."""
        for w, m in self.weeks(p):
            pool = pool[self.minutes[pool, self.column[w]] + m <= self.cap[pool]]
        return pool

    def room_spans(self, officer: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """`room` for many pairs at once, each given as its officer and interval (one lying in
        the weeks of the pieces this was made with): whether the officer's weeks still hold it.
        The intervals are cut at the weeks' edges as arrays, so an interval never seen before
        costs no `split_by_local_week` (`resplit` tries thousands of new segments; the polish
        asks a block of shifts' pairs at once)."""
        fits = np.ones(len(officer), dtype=bool)
        if not len(officer):
            return fits
        interval, span, minutes = minutes_by_span(start, end, self.edges)
        who = officer[interval]
        fits[interval[self.minutes[who, span] + minutes > self.cap[who]]] = False
        return fits

    def move(self, p: int, old: int, new: int) -> None:
        for w, m in self.weeks(p):
            self.minutes[old, self.column[w]] -= m
            self.minutes[new, self.column[w]] += m


def _mondays(ctx: Context, ps: PieceSet) -> list[date]:
    """The Mondays of every local week a piece touches, in order."""
    if not ps.pieces:
        return []
    monday = week_monday(local_date(min(p.start for p in ps.pieces), ctx.tz))
    last = local_date(max(p.end for p in ps.pieces) - 1, ctx.tz)
    mondays = []
    while monday <= last:
        mondays.append(monday)
        monday += timedelta(days=7)
    return mondays


class Busy:
    """Every held shift (the roster's and the locked ones) as arrays in order of start, so the
    polish can drop the officers a piece would overlap (OVERLAP, with the travel gap) as one
    array step before checking the rest one at a time: on Rockport's Christmas fortnight at
    city scale, 1.09 million overlap checks were 3.8 s of a 9.5 s polish (docs/solver.md)."""

    def __init__(
        self,
        ctx: Context,
        ps: PieceSet,
        assign: list[tuple[int, int]],
        loads: dict[int, OfficerLoad],
    ) -> None:
        self.gap = ctx.limits.gap
        self.ps = ps
        held = [(ps.pieces[p].start, ps.pieces[p].end, o) for p, o in assign]
        mine = {(ps.pieces[p].start, ps.pieces[p].end, o) for p, o in assign}
        held += [
            (s, e, o) for o, load in loads.items() for s, e in load.shifts if (s, e, o) not in mine
        ]
        table = np.array(held, dtype=np.int64).reshape(-1, 3)
        order = np.argsort(table[:, 0], kind="stable")
        self.start, self.end = table[order, 0], table[order, 1]
        self.officer = table[order, 2].copy()
        self.row = np.empty(len(order), dtype=np.int64)  # assignment k's row: row[k]
        self.row[order] = np.arange(len(order))
        self.longest = int((self.end - self.start).max(initial=0))
        self.mark = np.zeros(len(ctx.officers), dtype=bool)  # scratch: the officers taken
        self._by_officer: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def free(self, pool: np.ndarray, p: int) -> np.ndarray:
        """The officers of the pool who hold no shift within the travel gap of piece p."""
        piece = self.ps.pieces[p]
        lo = np.searchsorted(self.start, piece.start - self.gap - self.longest, side="right")
        hi = np.searchsorted(self.start, piece.end + self.gap, side="left")
        near = slice(lo, hi)
        taken = self.officer[near][self.end[near] + self.gap > piece.start]
        self.mark[taken] = True
        free = pool[~self.mark[pool]]
        self.mark[taken] = False
        return free

    def free_pairs(self, officer: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """`free` for many pairs at once: per pair, whether `officer` holds no shift within the
        travel gap of [start, end). The held shifts by officer and start, each with the latest
        end of the officer's shifts so far, are sorted again only after a move."""
        if self._by_officer is None:
            by = np.lexsort((self.start, self.officer))
            o = self.officer[by]
            key = o * OFFICER_STRIDE + self.start[by]
            reach = np.maximum.accumulate(o * OFFICER_STRIDE + self.end[by]) - o * OFFICER_STRIDE
            self._by_officer = (o, key, reach)
        o, key, reach = self._by_officer
        if not len(key):
            return np.ones(len(officer), dtype=bool)
        # The officer's last shift starting before the gap after `end`; none of it reaches
        # within the gap of `start` if the latest end so far does not.
        at = np.searchsorted(key, officer * OFFICER_STRIDE + end + self.gap, side="left") - 1
        held = (at >= 0) & (o[np.maximum(at, 0)] == officer)
        return ~(held & (reach[np.maximum(at, 0)] + self.gap > start))

    def move(self, k: int, new: int) -> None:
        self.officer[self.row[k]] = new
        self._by_officer = None


def _lighter_taker(
    ctx: Context,
    ps: PieceSet,
    lighter: np.ndarray,
    staff: Staff,
    loads: dict[int, OfficerLoad],
    total: np.ndarray,
    p: int,
    b: int,
) -> int | None:
    """The lightest of `lighter` (officers whose total is below b's minus piece p) who may
    take piece p from b."""
    piece = ps.pieces[p]
    if not len(lighter):
        return None
    crew = _crew_after_move(ctx, staff, p, b)
    checks = bind_checks(ctx, piece, crew)
    loads[b].remove(piece.start, piece.end)
    try:
        for a in lighter[np.argsort(total[lighter], kind="stable")].tolist():
            if a != b and may_take(checks, a, loads[a]):
                return int(a)
        return None
    finally:
        loads[b].add(piece.start, piece.end)


def lightest_taker(
    ctx: Context,
    piece: Piece,
    pool: np.ndarray,
    staff: Staff,
    loads: dict[int, OfficerLoad],
    total: np.ndarray,
) -> int | None:
    """The officer of the pool with the fewest total hours who may take one more position of
    the piece; on a supervised request, one who leaves no staffed moment without a
    supervisor."""
    checks = bind_checks(ctx, piece, crew_joining(ctx, staff, piece))
    for a in pool[np.argsort(total[pool], kind="stable")].tolist():
        if may_take(checks, a, loads[a]):
            return int(a)
    return None


def crew_joining(ctx: Context, staff: Staff, piece: Piece) -> Crew | None:
    """The crew of the piece's request once one more officer joins it, where that can matter:
    a supervised request joined by someone who is not a supervisor."""
    if ctx.requests[piece.request].model.officers_needed < ctx.limits.supervisor_at:
        return None
    on = staff.on(piece.request)

    def crew(new: int) -> list[tuple[int, int, bool]] | None:
        if ctx.officers[new].supervisor:
            return None
        spans = [(s, e, ctx.officers[o].supervisor) for s, e, o in on]
        return [*spans, (piece.start, piece.end, False)]

    return crew
