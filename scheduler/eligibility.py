"""Officer-level hard rules (rules.md section 5), applied before any model is built.

Static rules (status, qualification, conflict, availability, on-duty time) depend on the officer
and the shift alone; load rules (overlap with travel gap, rolling 24 hours, daily and weekly caps)
depend on what else the officer works, and `OfficerLoad` answers them for any set of held shifts.
Filtering here is what keeps the CP-SAT model to possible pairs only.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable

import numpy as np

from models.officer import QUAL_LIQUOR, QUAL_TRAFFIC, QUAL_VEHICLE
from scheduler.context import Context, OfficerData, RequestData
from scheduler.pieces import PieceSet
from scheduler.timeutil import split_by_local_day, split_by_local_week

DAY = 24 * 60


def status_barred(o: OfficerData, req: RequestData, ctx: Context) -> bool:
    """Only active officers work off duty."""
    return not o.active


def required_qualifications(req: RequestData, ctx: Context) -> set[str]:
    need = set()
    if req.model.job_type == "traffic":
        need.add(QUAL_TRAFFIC)
    if req.model.vehicle.kind != "none":
        need.add(QUAL_VEHICLE)
    venue = req.model.venue
    if ctx.policy.liquor_training_required and venue.alcohol_served and venue.post == "outside":
        need.add(QUAL_LIQUOR)
    return need


def missing_qualification(o: OfficerData, req: RequestData, ctx: Context) -> bool:
    """Traffic jobs need traffic, vehicle jobs a vehicle, alcohol-outside posts the training."""
    return not required_qualifications(req, ctx) <= o.quals


def employer_conflict(o: OfficerData, req: RequestData, ctx: Context) -> bool:
    """An officer never works for an employer on their conflict list."""
    return req.model.employer.id in o.conflicts


def not_available(o: OfficerData, start: int, end: int) -> bool:
    """The shift must lie inside one (merged) declared availability window."""
    i = bisect.bisect_right(o.availability, (start, float("inf"))) - 1
    return i < 0 or o.availability[i][1] < end


def on_duty(o: OfficerData, start: int, end: int, gap: int) -> bool:
    """The shift keeps the travel gap from on-duty time, in either order."""
    return any(s < end + gap and start < e + gap for s, e in o.on_duty)


REQUEST_RULES: list[tuple[str, Callable[[OfficerData, RequestData, Context], bool]]] = [
    ("STATUS_BARRED", status_barred),
    ("MISSING_QUALIFICATION", missing_qualification),
    ("EMPLOYER_CONFLICT", employer_conflict),
]


def static_block(
    o: OfficerData, req: RequestData, start: int, end: int, ctx: Context
) -> str | None:
    """The first static rule that bars the officer from [start, end) of the request."""
    for code, rule in REQUEST_RULES:
        if rule(o, req, ctx):
            return code
    if not_available(o, start, end):
        return "NOT_AVAILABLE"
    if on_duty(o, start, end, ctx.limits.gap):
        return "ON_DUTY"
    return None


class OfficerLoad:
    """The shifts an officer holds, with the load rules checked for one more shift."""

    def __init__(self, ctx: Context, officer: OfficerData) -> None:
        self.ctx = ctx
        self.officer = officer
        self.shifts: list[tuple[int, int]] = []
        self.day: dict[object, int] = {}
        self.week: dict[object, int] = {}

    def copy(self) -> OfficerLoad:
        twin = OfficerLoad(self.ctx, self.officer)
        twin.shifts, twin.day, twin.week = list(self.shifts), dict(self.day), dict(self.week)
        return twin

    def add(self, start: int, end: int) -> None:
        bisect.insort(self.shifts, (start, end))
        self._count(start, end, +1)

    def remove(self, start: int, end: int) -> None:
        self.shifts.remove((start, end))
        self._count(start, end, -1)

    def _count(self, start: int, end: int, sign: int) -> None:
        for d, m in split_by_local_day(start, end, self.ctx.tz):
            self.day[d] = self.day.get(d, 0) + sign * m
        for w, m in split_by_local_week(start, end, self.ctx.tz):
            self.week[w] = self.week.get(w, 0) + sign * m

    def _overlaps(self, start: int, end: int) -> bool:
        gap = self.ctx.limits.gap
        i = bisect.bisect_left(self.shifts, (start, start))
        # Only the neighbours can come within the gap: shifts of one officer never overlap.
        return any(s < end + gap and start < e + gap for s, e in self.shifts[max(0, i - 1) : i + 1])

    def _over_day(self, start: int, end: int) -> bool:
        days = split_by_local_day(start, end, self.ctx.tz)
        return any(self.day.get(d, 0) + m > self.ctx.limits.per_day for d, m in days)

    def over_week(self, start: int, end: int) -> bool:
        weeks = split_by_local_week(start, end, self.ctx.tz)
        return any(self.week.get(w, 0) + m > self.officer.week_cap for w, m in weeks)

    def _over_rest(self, start: int, end: int) -> bool:
        return self._rolling_max(start, end) > self.ctx.limits.per_24h

    def blocking(self, start: int, end: int) -> list[str]:
        """Every load rule that one more shift [start, end) would break (empty: it fits)."""
        checks = (
            ("OVERLAP", self._overlaps),
            ("REST_24H", self._over_rest),
            ("DAILY_CAP", self._over_day),
            ("WEEKLY_CAP", self.over_week),
        )
        return [code for code, broken in checks if broken(start, end)]

    def fits(self, start: int, end: int) -> bool:
        """Whether one more shift breaks no load rule (cheapest checks first, stops at one)."""
        return not (
            self._overlaps(start, end)
            or self.over_week(start, end)
            or self._over_day(start, end)
            or self._over_rest(start, end)
        )

    def _rolling_max(self, start: int, end: int) -> int:
        """Largest on-duty plus off-duty load of a 24-hour window that touches the new shift."""
        blocks = [
            b for b in self.shifts + self.officer.on_duty if b[1] > start - DAY and b[0] < end + DAY
        ]
        blocks.append((start, end))
        if sum(e - s for s, e in blocks) <= self.ctx.limits.per_24h:
            return 0  # everything near fits in the cap: no window can exceed it
        return max_window_load(blocks, DAY, lo=start - DAY, hi=end)


def max_window_load(
    blocks: Iterable[tuple[int, int]], width: int, lo: int = -(2**62), hi: int = 2**62
) -> int:
    """Max total overlap of [t, t + width) with the blocks, over window starts t in [lo, hi].

    The maximum of this piecewise-linear function is reached at a window starting at a block
    start or ending at a block end, so only those starts are tried.
    """
    items = list(blocks)
    starts = {s for s, _ in items} | {e - width for _, e in items}
    best = 0
    for t in starts:
        if lo <= t <= hi:
            load = sum(max(0, min(e, t + width) - max(s, t)) for s, e in items)
            best = max(best, load)
    return best


def _subtract(
    windows: list[tuple[int, int]], holes: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Windows minus holes (both sorted lists of half-open intervals)."""
    out = []
    for s, e in windows:
        cursor = s
        for hs, he in holes:
            if he <= cursor or hs >= e:
                continue
            if hs > cursor:
                out.append((cursor, hs))
            cursor = max(cursor, he)
        if cursor < e:
            out.append((cursor, e))
    return out


class AvailabilityIndex:
    """Finds officers who may work a shift by time alone, without scanning every officer.

    Each active officer's availability minus their on-duty blocks widened by the travel gap, so
    containment answers both NOT_AVAILABLE and ON_DUTY at once.
    """

    def __init__(self, officers: list[OfficerData], gap: int | None) -> None:
        rows: list[tuple[int, int, int]] = []
        for o in officers:
            if o.active:
                # gap None: availability alone (to tell NOT_AVAILABLE from ON_DUTY).
                holes = [] if gap is None else [(s - gap, e + gap) for s, e in o.on_duty]
                rows.extend((s, e, o.index) for s, e in _subtract(o.availability, holes))
        rows.sort()
        self.start = np.array([r[0] for r in rows], dtype=np.int64)
        self.end = np.array([r[1] for r in rows], dtype=np.int64)
        self.officer = np.array([r[2] for r in rows], dtype=np.int64)
        self.longest = int((self.end - self.start).max()) if rows else 0

    def containing(self, start: int, end: int) -> np.ndarray:
        lo = int(np.searchsorted(self.start, end - self.longest, side="left"))
        hi = int(np.searchsorted(self.start, start, side="right"))
        mask = self.end[lo:hi] >= end
        return np.asarray(self.officer[lo:hi][mask])


_QUAL_BITS = {QUAL_TRAFFIC: 1, QUAL_VEHICLE: 2, QUAL_LIQUOR: 4}


class _OfficerArrays:
    """Per-officer facts as arrays, so a piece's candidates are filtered in one vector step."""

    def __init__(self, ctx: Context) -> None:
        self.quals = np.array(
            [sum(b for q, b in _QUAL_BITS.items() if q in o.quals) for o in ctx.officers],
            dtype=np.int64,
        )
        self.week_cap = np.array([o.week_cap for o in ctx.officers], dtype=np.int64)
        self.conflicted: dict[str, set[int]] = {}
        for o in ctx.officers:
            for employer in o.conflicts:
                self.conflicted.setdefault(employer, set()).add(o.index)
        # Officers whose on-duty time may count in a 24-hour window with a given shift.
        blocks = sorted((s, e, o.index) for o in ctx.officers for s, e in o.on_duty)
        self.duty_start = np.array([b[0] for b in blocks], dtype=np.int64)
        self.duty_officer = np.array([b[2] for b in blocks], dtype=np.int64)
        self.longest_duty = max((b[1] - b[0] for b in blocks), default=0)
        # The most on-duty time in any 24 hours: a shift of at most per_24h minus this cannot
        # break the rest rule for an officer without other shifts, whenever it falls.
        self.per_24h = ctx.limits.per_24h
        self.duty_per_24h = np.array(
            [max_window_load(o.on_duty, DAY) if o.on_duty else 0 for o in ctx.officers],
            dtype=np.int64,
        )

    def near_duty(self, start: int, end: int, minutes: int = DAY) -> set[int]:
        """Officers with on-duty time within a day of [start, end) whose busiest 24 hours on
        duty plus `minutes` could exceed the cap `per_24h` (with the default, all of them)."""
        lo = int(np.searchsorted(self.duty_start, start - DAY - self.longest_duty, side="left"))
        hi = int(np.searchsorted(self.duty_start, end + DAY, side="right"))
        near = self.duty_officer[lo:hi]
        return set(near[self.duty_per_24h[near] + minutes > self.per_24h].tolist())


class StaticScreen:
    """Every officer's first static blocking rule for a shift, found with arrays.

    The same order as `static_block` (status, qualification, conflict, availability, on-duty),
    so explanations at city scale count 2,000 officers per unfilled shift in microseconds.
    """

    RULES = (
        "STATUS_BARRED",
        "MISSING_QUALIFICATION",
        "EMPLOYER_CONFLICT",
        "NOT_AVAILABLE",
        "ON_DUTY",
    )

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.arrays = _OfficerArrays(ctx)
        self.inactive = np.array([not o.active for o in ctx.officers], dtype=bool)
        self.available = AvailabilityIndex(ctx.officers, None)
        self.free = AvailabilityIndex(ctx.officers, ctx.limits.gap)

    def screen(self, req: RequestData, start: int, end: int) -> tuple[dict[str, int], list[int]]:
        """Counts of officers per first blocking rule, and the officers no static rule bars."""
        n = len(self.ctx.officers)
        need = sum(_QUAL_BITS[q] for q in required_qualifications(req, self.ctx))
        conflict = np.zeros(n, dtype=bool)
        conflict[list(self.arrays.conflicted.get(req.model.employer.id, ()))] = True
        available = np.zeros(n, dtype=bool)
        available[self.available.containing(start, end)] = True
        free = np.zeros(n, dtype=bool)
        free[self.free.containing(start, end)] = True
        barred = [self.inactive, (self.arrays.quals & need) != need, conflict, ~available, ~free]
        counts: dict[str, int] = {}
        left = np.ones(n, dtype=bool)
        for code, mask in zip(self.RULES, barred, strict=True):
            hit = left & mask
            if hit.any():
                counts[code] = int(hit.sum())
            left &= ~mask
        return counts, np.flatnonzero(left).tolist()


def candidate_pools(ctx: Context, ps: PieceSet) -> list[np.ndarray]:
    """Per piece, the officers who pass the vector checks: time (availability minus on-duty),
    qualifications, the piece's own day and week minutes against the caps. A superset of the
    candidates (conflicts, 24-hour rest near on-duty time and locks are checked later), so a
    bound computed over pools is still a valid bound."""
    index = AvailabilityIndex(ctx.officers, ctx.limits.gap)
    arrays = _OfficerArrays(ctx)
    pools = []
    for piece in ps.pieces:
        req = ctx.requests[piece.request]
        days = split_by_local_day(piece.start, piece.end, ctx.tz)
        if piece.minutes > ctx.limits.per_24h or max(m for _, m in days) > ctx.limits.per_day:
            pools.append(np.empty(0, dtype=np.int64))
            continue
        pool = index.containing(piece.start, piece.end)
        need = sum(_QUAL_BITS[q] for q in required_qualifications(req, ctx))
        week_most = max(m for _, m in split_by_local_week(piece.start, piece.end, ctx.tz))
        keep = ((arrays.quals[pool] & need) == need) & (arrays.week_cap[pool] >= week_most)
        pools.append(pool[keep])
    return pools


def candidates(
    ctx: Context,
    ps: PieceSet,
    loads: dict[int, OfficerLoad],
    pools: list[np.ndarray] | None = None,
    cap: int | None = None,
) -> dict[int, list[int]]:
    """Piece -> officers who may take it alone (static rules, then load rules vs locked shifts).

    Only officers with on-duty time within a day of the piece, or with locked shifts, go through
    the full load check. With `cap`, a piece keeps at most that many candidates beyond its
    positions, spread so that every officer is kept about as often: a city-scale model stays
    small, at the price of no longer covering every pair.
    """
    pools = candidate_pools(ctx, ps) if pools is None else pools
    arrays = _OfficerArrays(ctx)
    hours = np.array([o.hours_to_date for o in ctx.officers], dtype=np.int64)
    chosen = np.zeros(len(ctx.officers), dtype=np.int64)  # how often each officer was kept
    fresh: dict[int, OfficerLoad] = {}
    out: dict[int, list[int]] = {}
    for piece in ps.pieces:
        req = ctx.requests[piece.request]
        pool = pools[piece.index]
        limit = len(pool) if cap is None else cap + req.model.officers_needed
        if limit < len(pool):
            # Spread the kept officers over the pieces (a global "fewest hours" order would give
            # every piece the same few officers), breaking ties by fewest hours to date.
            pool = pool[np.lexsort((pool, hours[pool], chosen[pool]))]
        barred = arrays.conflicted.get(req.model.employer.id, set())
        # Without other shifts only the rest rule can bar an officer in the pool (overlap,
        # day and week need a second shift), and it cannot when the shift plus the officer's
        # busiest 24 hours on duty fit in the cap: most of a split request's short pieces.
        check = arrays.near_duty(piece.start, piece.end, piece.minutes) | set(loads)
        ok: list[int] = []
        for oi in pool.tolist():
            if len(ok) >= limit:
                break
            if oi in barred:
                continue
            if oi in check:
                load = loads.get(oi) or fresh.setdefault(oi, OfficerLoad(ctx, ctx.officers[oi]))
                if not load.fits(piece.start, piece.end):
                    continue
            ok.append(oi)
        if cap is not None:
            chosen[ok] += 1
        out[piece.index] = sorted(ok)
    return out
