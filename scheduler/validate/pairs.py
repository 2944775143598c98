"""Counting improvable pairs: shifts that could move to a free officer with a lower total.

A pair is (non-locked shift held by B, officer A != B in the fairness set) with total_A below
total_B minus the shift, where A could take the shift breaking no hard rule (rules.md section 7).
Judged pair by pair that is shifts x officers, far too slow for 20,000 shifts and 2,000 officers;
so the cheap rules run as array filters over all officers at once (total, availability,
qualification, conflict, daily and weekly caps, and the travel gap from every span an officer is
busy), and only the survivors meet the per-officer check that needs their own spans (rolling 24
hours).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np
import numpy.typing as npt

from scheduler.validate.officer import within_rest
from scheduler.validate.view import DAY, OfficerView, RequestView, RosterView, Shift

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

# An officer's busy spans are keyed officer * KEY + start minute: minutes since 1970 in the
# supported years (to 2199) stay far below it.
KEY = 2**32


def _covered(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    """The union of `spans` covers [s, e)."""
    cursor = s
    for a, b in sorted(spans):
        if a > cursor:
            break
        cursor = max(cursor, b)
    return cursor >= e


def needs_supervisor_from_taker(view: RosterView, shift: Shift) -> bool:
    """Moving this shift to a non-supervisor would leave its request without one for a while."""
    rv = view.requests[shift.request_id]
    if rv.request.officers_needed < view.policy.supervisor_at:
        return False
    if not view.officers[shift.officer_id].officer.rank.is_supervisor:
        return False
    others = [
        (o.start, o.end)
        for o in view.by_request[rv.id]
        if o is not shift and view.officers[o.officer_id].officer.rank.is_supervisor
    ]
    return not _covered(others, shift.start, shift.end)


def _per_key(officers: list[OfficerView], attr: str) -> dict[date, Ints]:
    """Minutes per day (or week) as one array over officers for each date that has any."""
    out: dict[date, Ints] = {}
    for i, ov in enumerate(officers):
        for key, minutes in getattr(ov, attr).items():
            out.setdefault(key, np.zeros(len(officers), dtype=np.int64))[i] = minutes
    return out


class PairIndex:
    """Active officers of the fairness set as arrays, with availability bucketed by UTC day."""

    def __init__(self, view: RosterView, fair: list[OfficerView], totals: dict[str, int]) -> None:
        self.view = view
        self.officers = [ov for ov in fair if ov.active]
        self.position = {ov.id: i for i, ov in enumerate(self.officers)}
        self.total = np.array([totals[ov.id] for ov in self.officers], dtype=np.int64)
        self.week_cap = np.array([ov.week_cap for ov in self.officers], dtype=np.float64)
        self.day_minutes = _per_key(self.officers, "day_minutes")
        self.week_minutes = _per_key(self.officers, "week_minutes")
        self.supervisor = np.array(
            [ov.officer.rank.is_supervisor for ov in self.officers], dtype=np.bool_
        )
        self._quals: dict[frozenset[str], Bools] = {}
        self._conflicts: dict[str, Bools] = {}
        self._conflict_list: dict[str, list[int]] = defaultdict(list)
        for i, ov in enumerate(self.officers):
            for employer in set(ov.officer.conflicts):
                self._conflict_list[employer].append(i)
        rows: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
        for i, ov in enumerate(self.officers):
            for lo, hi in ov.available:
                for day in range(lo // DAY, (hi - 1) // DAY + 1):
                    rows[day].append((totals[ov.id], i, lo, hi))
        # Per day: total, officer, window start, window end, sorted by total, each one array.
        self.buckets: dict[int, tuple[Ints, Ints, Ints, Ints]] = {}
        for day, r in rows.items():
            total, who, lo, hi = np.array(sorted(r), dtype=np.int64).T.copy()
            self.buckets[day] = (total, who, lo, hi)
        # Every span an officer is busy (on duty, prior and roster shifts), sorted by officer and
        # start, with the latest end among that officer's spans up to each one.
        owner = np.array([i for i, ov in enumerate(self.officers) for _ in ov.busy], dtype=np.int64)
        starts = np.array([b0 for ov in self.officers for b0, _ in ov.busy], dtype=np.int64)
        ends = np.array([b1 for ov in self.officers for _, b1 in ov.busy], dtype=np.int64)
        self.busy_owner = owner
        self.busy_key = owner * KEY + starts
        self.busy_latest = np.maximum.accumulate(owner * KEY + ends) - owner * KEY

    def _qualified(self, needed: frozenset[str]) -> Bools:
        if needed not in self._quals:
            self._quals[needed] = np.array(
                [needed <= set(ov.officer.qualifications) for ov in self.officers], dtype=np.bool_
            )
        return self._quals[needed]

    def _conflicted(self, employer: str) -> Bools:
        if employer not in self._conflicts:
            mask = np.zeros(len(self.officers), dtype=np.bool_)
            mask[self._conflict_list.get(employer, [])] = True
            self._conflicts[employer] = mask
        return self._conflicts[employer]

    def candidates(self, rv: RequestView, shift: Shift, threshold: int) -> Ints:
        """Officers below `threshold` who pass every rule that needs no look at their spans."""
        bucket = self.buckets.get(shift.start // DAY)
        if bucket is None:
            return np.zeros(0, dtype=np.int64)
        total, who, lo, hi = bucket
        below = int(total.searchsorted(threshold, side="left"))
        who = who[:below][(lo[:below] <= shift.start) & (hi[:below] >= shift.end)]
        keep = self._qualified(rv.required)[who] & ~self._conflicted(rv.request.employer.id)[who]
        day_cap = self.view.policy.max_hours_per_day * 60
        for day, minutes in shift.days:
            if day in self.day_minutes:
                keep &= self.day_minutes[day][who] + minutes <= day_cap
        for monday, minutes in shift.weeks:
            used = self.week_minutes[monday][who] if monday in self.week_minutes else 0
            keep &= used + minutes <= self.week_cap[who]
        return who[keep]

    def clear(self, who: Ints, start: int, end: int, gap: int) -> Bools:
        """Which of `who` are `gap` minutes clear of every span they are busy, before and after
        [start, end): the last span that starts before end + gap ends by start - gap."""
        if not len(self.busy_key):
            return np.ones(len(who), dtype=np.bool_)
        last = self.busy_key.searchsorted(who * KEY + min(end + gap, KEY - 1)) - 1
        mine = (last >= 0) & (self.busy_owner[last] == who)
        return ~(mine & (self.busy_latest[last] + gap > start))


def improvable_pairs(view: RosterView, fair: list[OfficerView], totals: dict[str, int]) -> int:
    """Pairs (non-locked shift held by B, officer A) where the shift could move to a lower A."""
    index = PairIndex(view, fair, totals)
    gap = view.policy.travel_gap_minutes
    movable = [
        shift
        for request_id, shifts in view.by_request.items()
        if view.requests[request_id].refused is None
        for shift in shifts
        if not shift.locked
    ]
    # Shifts with the same times ask the same span questions of an officer: answer them once
    # per officer and time (1 fits, 0 does not, -1 not asked yet).
    movable.sort(key=lambda s: (s.start, s.end))
    fits = np.full(len(index.officers), -1, dtype=np.int8)
    times = (0, 0)
    count = 0
    for shift in movable:
        if (shift.start, shift.end) != times:
            times = (shift.start, shift.end)
            fits.fill(-1)
        rv = view.requests[shift.request_id]
        who = index.candidates(rv, shift, totals[shift.officer_id] - shift.minutes)
        if needs_supervisor_from_taker(view, shift):
            who = who[index.supervisor[who]]
        ask = who[fits[who] < 0]
        clear = index.clear(ask, shift.start, shift.end, gap)
        fits[ask[~clear]] = 0
        for i in ask[clear].tolist():
            fits[i] = within_rest(view, index.officers[i], shift)
        holder = index.position.get(shift.officer_id, -1)
        count += int(np.count_nonzero((fits[who] == 1) & (who != holder)))
    return count
