"""Officer-level hard rules (rules.md section 5), applied before any model is built.

Static rules (status, qualification, conflict, availability, on-duty time) depend on the officer
and the shift alone; load rules (overlap with travel gap, rolling 24 hours, daily and weekly caps)
depend on what else the officer works, and `load.OfficerLoad` answers them for any set of held
shifts. Filtering here is what keeps the CP-SAT model to possible pairs only.

`SCREENING` is this layer's registry of the officer rules (see `rule_layers`): each static rule
once, in a one-officer form (locks) and a pool form (screen, pools, candidates), and each load rule
once, for `OfficerLoad.blocking` and `fits` (`load.LOAD_RULES`). The screening reads pieces
through `piece_view`, so it imports nothing of `solve/`.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from models.officer import QUAL_LIQUOR, QUAL_TRAFFIC, QUAL_VEHICLE
from scheduler.context import Context, OfficerData, RequestData
from scheduler.rules.free_time import AvailabilityIndex, max_window_load
from scheduler.rules.load import DAY, LOAD_RULES, OFFICER_STRIDE, OfficerLoad
from scheduler.rules.piece_view import ScreenedPieces
from scheduler.rules.rule_layers import Elsewhere
from scheduler.timeutil import local_day_edges, most_in_one_span


def status_barred(o: OfficerData, req: RequestData, start: int, end: int, ctx: Context) -> bool:
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


def missing_qualification(
    o: OfficerData, req: RequestData, start: int, end: int, ctx: Context
) -> bool:
    """Traffic jobs need traffic, vehicle jobs a vehicle, alcohol-outside posts the training."""
    return not required_qualifications(req, ctx) <= o.quals


def employer_conflict(o: OfficerData, req: RequestData, start: int, end: int, ctx: Context) -> bool:
    """An officer never works for an employer on their conflict list."""
    return req.model.employer.id in o.conflicts


def not_available(o: OfficerData, req: RequestData, start: int, end: int, ctx: Context) -> bool:
    """The shift must lie inside one (merged) declared availability window."""
    i = bisect.bisect_right(o.availability, (start, float("inf"))) - 1
    return i < 0 or o.availability[i][1] < end


def on_duty(o: OfficerData, req: RequestData, start: int, end: int, ctx: Context) -> bool:
    """The shift keeps the travel gap from on-duty time, in either order."""
    gap = ctx.limits.gap
    return any(s < end + gap and start < e + gap for s, e in o.on_duty)


def static_block(
    o: OfficerData, req: RequestData, start: int, end: int, ctx: Context
) -> str | None:
    """The first static rule that bars the officer from [start, end) of the request."""
    for code, rule in STATIC_RULES.items():
        if rule.one(o, req, start, end, ctx):
            return code
    return None


_QUAL_BITS = {QUAL_TRAFFIC: 1, QUAL_VEHICLE: 2, QUAL_LIQUOR: 4}
# Availability rows screened at once by `candidate_pools` (a few arrays of that length).
POOL_CHUNK = 2_000_000


class _OfficerArrays:
    """Per-officer facts as arrays, so a piece's candidates are filtered in one vector step."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.everyone = np.arange(len(ctx.officers), dtype=np.int64)
        self.inactive = np.array([not o.active for o in ctx.officers], dtype=bool)
        self.quals = np.array(
            [sum(b for q, b in _QUAL_BITS.items() if q in o.quals) for o in ctx.officers],
            dtype=np.int64,
        )
        self.week_cap = np.array([o.week_cap for o in ctx.officers], dtype=np.int64)
        self._conflicted: dict[str, np.ndarray] = {}
        for o in ctx.officers:
            for employer in o.conflicts:
                mask = self._conflicted.setdefault(employer, np.zeros(len(ctx.officers), bool))
                mask[o.index] = True
        self._no_conflict = np.zeros(len(ctx.officers), dtype=bool)
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

    @cached_property
    def available(self) -> AvailabilityIndex:
        """Active officers' availability alone (to tell NOT_AVAILABLE from ON_DUTY)."""
        return AvailabilityIndex(self.ctx.officers, None)

    @cached_property
    def free(self) -> AvailabilityIndex:
        """Active officers' availability minus on-duty time widened by the travel gap."""
        return AvailabilityIndex(self.ctx.officers, self.ctx.limits.gap)

    def conflicted(self, employer: str) -> np.ndarray:
        """Per officer, whether the employer is on their conflict list."""
        return self._conflicted.get(employer, self._no_conflict)

    def near_duty(self, start: int, end: int, minutes: int = DAY) -> np.ndarray:
        """Officers with on-duty time within a day of [start, end) whose busiest 24 hours on
        duty plus `minutes` could exceed the cap `per_24h` (with the default, all of them)."""
        lo = int(np.searchsorted(self.duty_start, start - DAY - self.longest_duty, side="left"))
        hi = int(np.searchsorted(self.duty_start, end + DAY, side="right"))
        near = self.duty_officer[lo:hi]
        return np.asarray(near[self.duty_per_24h[near] + minutes > self.per_24h])


# The static rules over many officers at once: (arrays, request, start, end, pool) -> which
# officers of the pool the rule bars.
def _status_barred_many(
    a: _OfficerArrays, req: RequestData, start: int, end: int, pool: np.ndarray
) -> np.ndarray:
    return np.asarray(a.inactive[pool])


def qualification_bits(req: RequestData, ctx: Context) -> int:
    """The request's required qualifications as bits of `_OfficerArrays.quals`."""
    return sum(_QUAL_BITS[q] for q in required_qualifications(req, ctx))


def _missing_qualification_many(
    a: _OfficerArrays, req: RequestData, start: int, end: int, pool: np.ndarray
) -> np.ndarray:
    need = qualification_bits(req, a.ctx)
    return np.asarray((a.quals[pool] & need) != need)


def _employer_conflict_many(
    a: _OfficerArrays, req: RequestData, start: int, end: int, pool: np.ndarray
) -> np.ndarray:
    return np.asarray(a.conflicted(req.model.employer.id)[pool])


def _outside(index: AvailabilityIndex, n: int, start: int, end: int) -> np.ndarray:
    """Per officer, whether no window of the index contains [start, end)."""
    outside = np.ones(n, dtype=bool)
    outside[index.containing(start, end)] = False
    return outside


def _not_available_many(
    a: _OfficerArrays, req: RequestData, start: int, end: int, pool: np.ndarray
) -> np.ndarray:
    # Inactive officers are not in the index; they are barred by STATUS_BARRED first.
    return np.asarray(_outside(a.available, len(a.everyone), start, end)[pool])


def _on_duty_many(
    a: _OfficerArrays, req: RequestData, start: int, end: int, pool: np.ndarray
) -> np.ndarray:
    return np.asarray(_outside(a.free, len(a.everyone), start, end)[pool])


@dataclass(frozen=True)
class StaticRule:
    """A static rule for one officer (locks) and for a pool of officers (screening)."""

    one: Callable[[OfficerData, RequestData, int, int, Context], bool]
    many: Callable[[_OfficerArrays, RequestData, int, int, np.ndarray], np.ndarray]


# The screening's static rules, in the order a first blocking rule is reported.
STATIC_RULES: dict[str, StaticRule] = {
    "STATUS_BARRED": StaticRule(status_barred, _status_barred_many),
    "MISSING_QUALIFICATION": StaticRule(missing_qualification, _missing_qualification_many),
    "EMPLOYER_CONFLICT": StaticRule(employer_conflict, _employer_conflict_many),
    "NOT_AVAILABLE": StaticRule(not_available, _not_available_many),
    "ON_DUTY": StaticRule(on_duty, _on_duty_many),
}

# The screening layer: every officer rule, one entry each (see `rule_layers`).
SCREENING: dict[str, StaticRule | Callable[[OfficerLoad, int, int], bool] | Elsewhere] = {
    **STATIC_RULES,
    **LOAD_RULES,
    "SUPERVISOR_REQUIRED": Elsewhere(
        "cp_sat",
        "a rule of the crew, not of one pair: the CP-SAT and MIP rows and the greedy and polish "
        "checks keep a supervisor on; locks.supervisor_lock_violations reports a locked crew",
    ),
}


class StaticScreen:
    """Every officer's first static blocking rule for a shift, found with arrays.

    The same order as `static_block` (`STATIC_RULES`), so explanations at city scale count every
    officer per unfilled shift in one array step per rule (figures in docs/solver.md).
    """

    RULES = tuple(STATIC_RULES)

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.arrays = _OfficerArrays(ctx)

    def screen(self, req: RequestData, start: int, end: int) -> tuple[dict[str, int], list[int]]:
        """Counts of officers per first blocking rule, and the officers no static rule bars."""
        everyone = self.arrays.everyone
        counts: dict[str, int] = {}
        left = np.ones(len(everyone), dtype=bool)
        for code, rule in STATIC_RULES.items():
            mask = rule.many(self.arrays, req, start, end, everyone)
            hit = left & mask
            if hit.any():
                counts[code] = int(hit.sum())
            left &= ~mask
        return counts, np.flatnonzero(left).tolist()


def officer_arrays(ctx: Context) -> _OfficerArrays:
    """The arrays `candidate_pools` screens with, to share between calls on one problem (a
    few milliseconds to build at M, tens at city scale)."""
    return _OfficerArrays(ctx)


def candidate_pools(
    ctx: Context, ps: ScreenedPieces, arrays: _OfficerArrays | None = None
) -> list[np.ndarray]:
    """Per piece, the officers who pass the vector checks: time (availability minus on-duty),
    qualifications, the piece's own day and week minutes against the caps. A superset of the
    candidates (conflicts, 24-hour rest near on-duty time and locks are checked later), so a
    bound computed over pools is still a valid bound.

    The free-time index holds active officers only, minus on-duty time widened by the gap: it
    answers STATUS_BARRED, NOT_AVAILABLE and ON_DUTY at once. Every piece is screened in the
    same array steps, a chunk of pieces at a time (POOL_CHUNK): a split-heavy fortnight has tens
    of thousands of pieces (docs/solver.md)."""
    arrays = _OfficerArrays(ctx) if arrays is None else arrays
    index = arrays.free
    n = len(ps.pieces)
    if n == 0:
        return []
    start = np.fromiter((p.start for p in ps.pieces), dtype=np.int64, count=n)
    end = np.fromiter((p.end for p in ps.pieces), dtype=np.int64, count=n)
    need = np.asarray([qualification_bits(r, ctx) for r in ctx.requests], dtype=np.int64)
    need = need[np.fromiter((p.request for p in ps.pieces), dtype=np.int64, count=n)]
    lo, hi = int(start.min()), int(end.max())
    day_most = most_in_one_span(start, end, local_day_edges(lo, hi, ctx.tz))
    week_most = most_in_one_span(start, end, local_day_edges(lo, hi, ctx.tz, weeks=True))
    fits = (end - start <= ctx.limits.per_24h) & (day_most <= ctx.limits.per_day)
    # The index rows that may contain a piece: those starting in [end - longest, start].
    first = np.searchsorted(index.start, end - index.longest, side="left")
    lengths = np.where(fits, np.maximum(np.searchsorted(index.start, start, "right") - first, 0), 0)
    pools: list[np.ndarray] = []
    upto = np.cumsum(lengths)
    a = 0
    while a < n:
        # The pieces whose rows add up to POOL_CHUNK (at least one piece).
        b = max(a + 1, int(np.searchsorted(upto, upto[a] - lengths[a] + POOL_CHUNK, "right")))
        counts = lengths[a:b]
        total = int(counts.sum())
        # Row and piece numbers in 32 bits: these are the largest arrays, and at L (15 million
        # rows scanned) 64 bits made the pools slower than one search per piece.
        offset = (first[a:b] - np.cumsum(counts) + counts).astype(np.int32)
        at = np.repeat(offset, counts) + np.arange(total, dtype=np.int32)
        piece = np.repeat(np.arange(a, b, dtype=np.int32), counts)
        inside = index.end[at] >= end[piece]  # the row's window holds the whole piece
        at, piece = at[inside], piece[inside]
        officer = index.officer[at]
        keep = (arrays.quals[officer] & need[piece]) == need[piece]
        keep &= arrays.week_cap[officer] >= week_most[piece]
        officer = officer[keep]
        bounds = np.concatenate(([0], np.cumsum(np.bincount(piece[keep] - a, minlength=b - a))))
        cuts = bounds.tolist()
        pools.extend(officer[i:j] for i, j in zip(cuts, cuts[1:], strict=False))
        a = b
    return pools


def candidates(
    ctx: Context,
    ps: ScreenedPieces,
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
    found = candidates_until(ctx, ps, loads, pools, cap)
    assert found is not None  # no deadline: every piece is screened
    return found


def candidates_until(
    ctx: Context,
    ps: ScreenedPieces,
    loads: dict[int, OfficerLoad],
    pools: list[np.ndarray] | None = None,
    cap: int | None = None,
    until: float | None = None,
) -> dict[int, list[int]] | None:
    """`candidates`, or None once `time.perf_counter()` passes `until` before the last piece:
    a screening that cannot end in time leaves no time for the search it is for."""
    pools = candidate_pools(ctx, ps) if pools is None else pools
    arrays = _OfficerArrays(ctx)
    if cap is None:
        return _every_candidate(ctx, ps, loads, pools, arrays, until)
    conflicted = STATIC_RULES["EMPLOYER_CONFLICT"].many  # the one static rule pools leave out
    hours = np.array([o.hours_to_date for o in ctx.officers], dtype=np.int64)
    chosen = np.zeros(len(ctx.officers), dtype=np.int64)  # how often each officer was kept
    fresh: dict[int, OfficerLoad] = {}
    out: dict[int, list[int]] = {}
    held = np.zeros(len(ctx.officers), dtype=np.bool_)  # officers with locked shifts
    held[list(loads)] = True
    for piece in ps.pieces:
        if until is not None and time.perf_counter() > until:
            return None
        req = ctx.requests[piece.request]
        pool = pools[piece.index]
        limit = cap + req.model.officers_needed
        if limit < len(pool):
            # Spread the kept officers over the pieces (a global "fewest hours" order would give
            # every piece the same few officers), breaking ties by fewest hours to date.
            pool = pool[np.lexsort((pool, hours[pool], chosen[pool]))]
        barred = conflicted(arrays, req, piece.start, piece.end, pool)
        if barred.any():
            pool = pool[~barred]
        # Without other shifts only the rest rule can bar an officer in the pool (overlap,
        # day and week need a second shift), and it cannot when the shift plus the officer's
        # busiest 24 hours on duty fit in the cap: most of a split request's short pieces.
        check = held.copy()
        check[arrays.near_duty(piece.start, piece.end, piece.minutes)] = True
        keep = np.ones(len(pool), dtype=np.bool_)
        refused = 0
        for j in np.flatnonzero(check[pool]).tolist():
            if j - refused >= limit:
                break  # the first `limit` of the pool that may take it all come before j
            oi = int(pool[j])
            load = loads.get(oi) or fresh.setdefault(oi, OfficerLoad(ctx, ctx.officers[oi]))
            if not load.fits(piece.start, piece.end):
                keep[j] = False
                refused += 1
        ok: list[int] = pool[keep][:limit].tolist()
        chosen[ok] += 1
        out[piece.index] = sorted(ok)
    return out


def _every_candidate(
    ctx: Context,
    ps: ScreenedPieces,
    loads: dict[int, OfficerLoad],
    pools: list[np.ndarray],
    arrays: _OfficerArrays,
    until: float | None,
) -> dict[int, list[int]] | None:
    """`candidates_until` without a cap: every pair of every pool at once, where the loop over
    pieces took a numpy step per rule and piece (5,592 pieces on Rockport's Christmas fortnight,
    M: docs/solver.md). Which pairs need the load check is found in arrays, and only those
    pairs are asked one at a time, the deadline looked at between them; the employer conflicts
    are the registry's rule, asked once per piece of its pool as the loop did."""
    if until is not None and time.perf_counter() > until:
        return None
    counts = np.array([len(pools[piece.index]) for piece in ps.pieces], dtype=np.int64)
    item = np.repeat(np.arange(len(ps.pieces)), counts)
    officer = (
        np.concatenate([pools[piece.index] for piece in ps.pieces]).astype(np.int64)
        if counts.sum()
        else np.zeros(0, dtype=np.int64)
    )
    starts = np.array([piece.start for piece in ps.pieces], dtype=np.int64)
    ends = np.array([piece.end for piece in ps.pieces], dtype=np.int64)
    conflicted = STATIC_RULES["EMPLOYER_CONFLICT"].many  # the one static rule pools leave out
    keep = np.ones(len(officer), dtype=np.bool_)
    if len(officer):
        keep &= ~np.concatenate(
            [
                conflicted(
                    arrays, ctx.requests[piece.request], piece.start, piece.end, pools[piece.index]
                )
                for piece in ps.pieces
            ]
        )
    # As in the loop: officers with locked shifts, and those near enough to duty that the
    # shift could break the rest rule, get the load check.
    check = np.zeros(len(ctx.officers), dtype=np.bool_)
    check[list(loads)] = True
    near = _near_duty_pairs(arrays, officer, starts[item], ends[item])
    fresh: dict[int, OfficerLoad] = {}
    asked = np.flatnonzero(keep & (check[officer] | near))
    for n, (k, oi, i) in enumerate(
        zip(asked.tolist(), officer[asked].tolist(), item[asked].tolist(), strict=True)
    ):
        if n % 256 == 0 and until is not None and time.perf_counter() > until:
            return None
        load = loads.get(oi) or fresh.setdefault(oi, OfficerLoad(ctx, ctx.officers[oi]))
        if not load.fits(int(starts[i]), int(ends[i])):
            keep[k] = False
    bounds = np.concatenate(([0], np.cumsum(counts))).tolist()
    return {
        piece.index: sorted(officer[a:b][keep[a:b]].tolist())
        for piece, a, b in zip(ps.pieces, bounds, bounds[1:], strict=False)
    }


def _near_duty_pairs(
    arrays: _OfficerArrays,
    officer: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
) -> np.ndarray:
    """`_OfficerArrays.near_duty` per pair: the officer has an on-duty block starting within
    a day (and the longest block) before the shift to a day after it, and their busiest 24
    hours on duty plus the shift's minutes could pass the cap."""
    if not len(arrays.duty_start):
        return np.zeros(len(officer), dtype=np.bool_)
    base = officer * OFFICER_STRIDE
    key = np.sort(arrays.duty_officer * OFFICER_STRIDE + arrays.duty_start)
    lo = np.searchsorted(key, base + start - DAY - arrays.longest_duty, side="left")
    hi = np.searchsorted(key, base + end + DAY, side="right")
    return (hi > lo) & (arrays.duty_per_24h[officer] + end - start > arrays.per_24h)

