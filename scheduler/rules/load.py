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

from scheduler.context import Context, OfficerData
from scheduler.rules.free_time import max_window_load
from scheduler.timeutil import split_by_local_day, split_by_local_week

DAY = 24 * 60


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
        """REST_24H: some 24 hours would hold more on- and off-duty minutes than allowed."""
        return self._rolling_max(start, end) > self.ctx.limits.per_24h

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
        """Whether one more shift breaks no load rule (cheapest checks first, stops at one)."""
        for broken in _CHEAPEST_FIRST:  # noqa: SIM110 - a plain loop: the hottest call here
            if broken(self, start, end):
                return False
        return True

    def _rolling_max(self, start: int, end: int) -> int:
        """Largest on-duty plus off-duty load of a 24-hour window that touches the new shift."""
        blocks = [
            b for b in self.shifts + self.officer.on_duty if b[1] > start - DAY and b[0] < end + DAY
        ]
        blocks.append((start, end))
        if sum(e - s for s, e in blocks) <= self.ctx.limits.per_24h:
            return 0  # everything near fits in the cap: no window can exceed it
        return max_window_load(blocks, DAY, lo=start - DAY, hi=end)


# The screening's load rules, in the order `OfficerLoad.blocking` reports them.
LOAD_RULES: dict[str, Callable[[OfficerLoad, int, int], bool]] = {
    "OVERLAP": OfficerLoad.overlap,
    "REST_24H": OfficerLoad.over_rest,
    "DAILY_CAP": OfficerLoad.over_day,
    "WEEKLY_CAP": OfficerLoad.over_week,
}
# `fits` only needs one broken rule: the cheap checks go first.
_CHEAPEST_FIRST = tuple(LOAD_RULES[c] for c in ("OVERLAP", "WEEKLY_CAP", "DAILY_CAP", "REST_24H"))
