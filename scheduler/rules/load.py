"""An officer's load: the shifts they hold, and the load rules checked for one more shift.

The load rules (rules.md section 5: overlap with the travel gap, rolling 24 hours, daily and
weekly caps) depend on what else the officer works, not on the officer and the shift alone.
`OfficerLoad` answers them for any set of held shifts; the screening (`eligibility`), the locks,
the greedy and polish, the window search and the explanations all hold one per officer.
`LOAD_RULES` is the screening layer's registry of these rules (see `rule_layers`).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

import numpy as np

from scheduler.context import Context, OfficerData
from scheduler.rules.free_time import window_load_over
from scheduler.timeutil import split_by_local_day, split_by_local_week

DAY = 24 * 60
FITS_KEPT = 1024  # `OfficerLoad.fits` answers kept per officer, at most


class OfficerLoad:
    """The shifts an officer holds, with the load rules checked for one more shift."""

    def __init__(self, ctx: Context, officer: OfficerData) -> None:
        self.ctx = ctx
        self.officer = officer
        self.shifts: list[tuple[int, int]] = []
        self.day: dict[object, int] = {}
        self.week: dict[object, int] = {}
        self._fits: dict[tuple[int, int], bool] = {}  # `fits` answers since the last change

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
        self._fits = {}
        for d, m in split_by_local_day(start, end, self.ctx.tz):
            self.day[d] = self.day.get(d, 0) + sign * m
        for w, m in split_by_local_week(start, end, self.ctx.tz):
            self.week[w] = self.week.get(w, 0) + sign * m

    def overlap(self, start: int, end: int) -> bool:
        """OVERLAP: the shift comes within the travel gap of a held shift."""
        gap = self.ctx.limits.gap
        i = bisect.bisect_left(self.shifts, (start, start))
        # Only the neighbours can come within the gap: shifts of one officer never overlap.
        return any(s < end + gap and start < e + gap for s, e in self.shifts[max(0, i - 1) : i + 1])

    def over_day(self, start: int, end: int) -> bool:
        """DAILY_CAP: a local day would hold more off-duty minutes than the cap."""
        days = split_by_local_day(start, end, self.ctx.tz)
        return any(self.day.get(d, 0) + m > self.ctx.limits.per_day for d, m in days)

    def over_week(self, start: int, end: int) -> bool:
        """WEEKLY_CAP: a Monday-to-Monday week would pass the officer's own cap."""
        weeks = split_by_local_week(start, end, self.ctx.tz)
        return any(self.week.get(w, 0) + m > self.officer.week_cap for w, m in weeks)

    def over_rest(self, start: int, end: int) -> bool:
        """REST_24H: some 24 hours would hold more on- and off-duty minutes than allowed. Only
        the windows that touch the new shift can be new; it stops at the first one over."""
        cap = self.ctx.limits.per_24h
        first, last = start - DAY, end + DAY
        blocks = [(start, end)]
        total = end - start
        for held in (self.shifts, self.officer.on_duty):
            for s, e in held:
                if e > first and s < last:
                    blocks.append((s, e))
                    total += e - s
        if total <= cap:
            return False  # everything near fits in the cap: no window can exceed it
        return window_load_over(blocks, DAY, cap, lo=first, hi=end)

    def blocking(self, start: int, end: int) -> list[str]:
        """Every load rule that one more shift [start, end) would break (empty: it fits)."""
        return [code for code, broken in LOAD_RULES.items() if broken(self, start, end)]

    def first_blocking(self, start: int, end: int) -> str | None:
        """The first load rule, in `blocking`'s order, that one more shift would break; it stops
        there (explaining a city's unfilled positions asks this of each officer in turn)."""
        for code, broken in LOAD_RULES.items():
            if broken(self, start, end):
                return code
        return None

    def fits(self, start: int, end: int) -> bool:
        """Whether one more shift breaks no load rule (cheapest checks first, stops at one).
        Each answer is kept until the officer's shifts change: the polish asks the same officer
        about the same piece pass after pass."""
        known = self._fits.get((start, end))
        if known is not None:
            return known
        answer = True
        for broken in _CHEAPEST_FIRST:
            if broken(self, start, end):
                answer = False
                break
        if len(self._fits) >= FITS_KEPT:
            self._fits = {}  # the screening asks an unchanged officer about every piece
        self._fits[(start, end)] = answer
        return answer


# The screening's load rules, in the order `OfficerLoad.blocking` reports them.
LOAD_RULES: dict[str, Callable[[OfficerLoad, int, int], bool]] = {
    "OVERLAP": OfficerLoad.overlap,
    "REST_24H": OfficerLoad.over_rest,
    "DAILY_CAP": OfficerLoad.over_day,
    "WEEKLY_CAP": OfficerLoad.over_week,
}
# `fits` only needs one broken rule: the cheap checks go first.
_CHEAPEST_FIRST = tuple(LOAD_RULES[c] for c in ("OVERLAP", "WEEKLY_CAP", "DAILY_CAP", "REST_24H"))


# officer * OFFICER_STRIDE + epoch minute: keys that sort by officer, then time.
OFFICER_STRIDE = 1 << 32
VECTOR_FROM = 16  # officers from which `LoadView` answers in array steps


class LoadView:
    """The load rules for one more shift, answered for many officers at once: every officer's
    load (`loads`; an officer without one holds nothing) as arrays. `OfficerLoad` answers one
    officer at a time, which explaining a city's open positions asked 430,000 times of the
    24-hour rule alone (docs/solver.md). Each rule gives what `LOAD_RULES` gives, officer by
    officer (tests/scheduler/rules/test_load.py)."""

    def __init__(self, ctx: Context, loads: dict[int, OfficerLoad]) -> None:
        self.ctx = ctx
        self.loads = loads
        n = len(ctx.officers)
        held = [(o, s, e) for o, load in loads.items() for s, e in load.shifts]
        self.shifts = _ByOfficer(held)
        on_duty = [(o.index, s, e) for o in ctx.officers for s, e in o.on_duty]
        self.blocks = _ByOfficer(held + on_duty)
        dates = sorted({d for load in loads.values() for d in load.day}, key=str)
        weeks = sorted({w for load in loads.values() for w in load.week}, key=str)
        self.day_col = {d: i for i, d in enumerate(dates)}
        self.week_col = {w: i for i, w in enumerate(weeks)}
        self.day = np.zeros((n, len(dates) + 1), dtype=np.int64)  # the last column: no minutes
        self.week = np.zeros((n, len(weeks) + 1), dtype=np.int64)
        for o, load in loads.items():
            for d, m in load.day.items():
                self.day[o, self.day_col[d]] = m
            for w, m in load.week.items():
                self.week[o, self.week_col[w]] = m
        self.week_cap = np.array([o.week_cap for o in ctx.officers], dtype=np.int64)

    def broken(self, officers: np.ndarray, start: int, end: int) -> dict[str, np.ndarray]:
        """Per load rule (`LOAD_RULES`' codes, in its order), which of `officers` one more shift
        [start, end) would break. Fewer than VECTOR_FROM officers are asked one at a time: the
        array steps cost about as much as 16 officers' checks."""
        if len(officers) >= VECTOR_FROM:
            return {code: rule(self, officers, start, end) for code, rule in _MANY.items()}
        loads = [self.loads.get(o) or OfficerLoad(self.ctx, self.ctx.officers[o]) for o in officers]
        return {
            code: np.array([rule(load, start, end) for load in loads], dtype=bool)
            for code, rule in LOAD_RULES.items()
        }

    def overlap(self, officers: np.ndarray, start: int, end: int) -> np.ndarray:
        """OVERLAP, as `OfficerLoad.overlap`: the held shifts on each side of `start`."""
        gap = self.ctx.limits.gap
        o, key, s, e = self.shifts.officer, self.shifts.key, self.shifts.start, self.shifts.end
        hit = np.zeros(len(officers), dtype=bool)
        if not len(key):
            return hit
        i = np.searchsorted(key, officers * OFFICER_STRIDE + start, side="left")
        for at in (i - 1, i):
            ok = (at >= 0) & (at < len(key))
            at = np.clip(at, 0, len(key) - 1)
            hit |= ok & (o[at] == officers) & (s[at] < end + gap) & (start < e[at] + gap)
        return hit

    def move(self, start: int, end: int, old: int, new: int) -> None:
        """The held shift [start, end) passed from officer `old` to `new`, as their loads did
        (`OfficerLoad.remove` and `add`): the polish moves one shift at a time."""
        self.shifts.move(start, end, old, new)
        self.blocks.move(start, end, old, new)
        for d, m in split_by_local_day(start, end, self.ctx.tz):
            col = self.day_col[d]  # a date of the shift `old` held
            self.day[old, col] -= m
            self.day[new, col] += m
        for w, m in split_by_local_week(start, end, self.ctx.tz):
            col = self.week_col[w]
            self.week[old, col] -= m
            self.week[new, col] += m

    def over_rest(
        self, officers: np.ndarray, start: int | np.ndarray, end: int | np.ndarray
    ) -> np.ndarray:
        """REST_24H, as `OfficerLoad.over_rest`: the held and on-duty blocks within a day of
        the shift, and the shift, in the 24-hour windows that start at a block's start or end
        at a block's end and touch the shift. One shift for all officers, or one for each."""
        cap = self.ctx.limits.per_24h
        start = np.broadcast_to(np.asarray(start, dtype=np.int64), officers.shape)[:, None]
        end = np.broadcast_to(np.asarray(end, dtype=np.int64), officers.shape)[:, None]
        bs, be = self.blocks.near(officers, start[:, 0] - DAY, end[:, 0] + DAY)
        bs = np.concatenate((bs, start), axis=1)
        be = np.concatenate((be, end), axis=1)
        over = (be - bs).sum(axis=1) > cap  # else everything near fits in the cap
        if not over.any():
            return over
        bs, be, start, end = bs[over], be[over], start[over], end[over]
        valid = be > bs  # the padding is empty: (0, 0)
        t = np.concatenate((bs, be - DAY), axis=1)
        t_ok = np.concatenate((valid, valid), axis=1) & (t >= start - DAY) & (t <= end)
        inside = np.minimum(be[:, None, :], t[:, :, None] + DAY) - np.maximum(
            bs[:, None, :], t[:, :, None]
        )
        load = np.clip(inside, 0, None).sum(axis=2)
        over[over] = np.where(t_ok, load, 0).max(axis=1) > cap
        return over

    def over_day(self, officers: np.ndarray, start: int, end: int) -> np.ndarray:
        """DAILY_CAP, as `OfficerLoad.over_day`."""
        hit = np.zeros(len(officers), dtype=bool)
        for d, m in split_by_local_day(start, end, self.ctx.tz):
            col = self.day_col.get(d, self.day.shape[1] - 1)
            hit |= self.day[officers, col] + m > self.ctx.limits.per_day
        return hit

    def over_week(self, officers: np.ndarray, start: int, end: int) -> np.ndarray:
        """WEEKLY_CAP, as `OfficerLoad.over_week`."""
        hit = np.zeros(len(officers), dtype=bool)
        for w, m in split_by_local_week(start, end, self.ctx.tz):
            col = self.week_col.get(w, self.week.shape[1] - 1)
            hit |= self.week[officers, col] + m > self.week_cap[officers]
        return hit


class _ByOfficer:
    """Blocks (officer, start, end) sorted by officer, then start."""

    def __init__(self, blocks: list[tuple[int, int, int]]) -> None:
        table = np.array(blocks, dtype=np.int64).reshape(-1, 3)
        table = table[np.lexsort((table[:, 2], table[:, 1], table[:, 0]))]
        self.officer, self.start, self.end = table[:, 0], table[:, 1], table[:, 2]
        self.key = self.officer * OFFICER_STRIDE + self.start
        self.longest = int((self.end - self.start).max(initial=0))

    def move(self, start: int, end: int, old: int, new: int) -> None:
        """Block (old, start, end) becomes (new, start, end), the order kept."""
        at = int(np.searchsorted(self.key, old * OFFICER_STRIDE + start, side="left"))
        while self.end[at] != end:  # blocks of one officer and start, in order of their end
            at += 1
        key = new * OFFICER_STRIDE + start
        to = int(np.searchsorted(self.key, key, side="left"))
        while to < len(self.key) and self.key[to] == key and self.end[to] < end:
            to += 1
        if to > at:
            to -= 1  # the block itself leaves its place first
        # In place: the blocks between its old and new place shift by one.
        for column, value in ((self.officer, new), (self.start, start), (self.end, end)):
            _shift_one(column, at, to, value)
        _shift_one(self.key, at, to, key)

    def near(
        self, officers: np.ndarray, lo: int | np.ndarray, hi: int | np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each officer's blocks that end after `lo` and start before `hi` (one instant for
        all, or one per officer), as rows of starts and ends padded with empty blocks (0, 0)."""
        if not len(self.key):
            return np.zeros((len(officers), 0), np.int64), np.zeros((len(officers), 0), np.int64)
        lo = np.broadcast_to(np.asarray(lo, dtype=np.int64), officers.shape)
        base = officers * OFFICER_STRIDE
        first = np.searchsorted(self.key, base + lo - self.longest, side="right")
        last = np.searchsorted(self.key, base + hi, side="left")
        width = int((last - first).max(initial=0))
        at = first[:, None] + np.arange(width)[None, :]
        take = at < last[:, None]
        at = np.where(take, at, 0)
        take &= self.end[at] > lo[:, None]
        return np.where(take, self.start[at], 0), np.where(take, self.end[at], 0)


def _shift_one(column: np.ndarray, at: int, to: int, value: int) -> None:
    """The entry at `at` taken out and `value` put at `to` (a place counted without it)."""
    if to > at:
        column[at:to] = column[at + 1 : to + 1]
    elif to < at:
        column[to + 1 : at + 1] = column[to:at]
    column[to] = value


# `LoadView`'s rules, by `LOAD_RULES`' codes and in its order.
_MANY: dict[str, Callable[[LoadView, np.ndarray, int, int], np.ndarray]] = {
    "OVERLAP": LoadView.overlap,
    "REST_24H": LoadView.over_rest,
    "DAILY_CAP": LoadView.over_day,
    "WEEKLY_CAP": LoadView.over_week,
}
