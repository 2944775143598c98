"""Roster metrics recomputed from scratch: coverage, hours, fairness and improvable pairs.

Fairness is measured over the officers assigned at least once plus those who could take at least
one piece of a staffable request on their own (rules.md section 7). An improvable pair is a
non-locked shift held by B that could move to an officer A whose total is lower than B's minus the
shift, breaking no hard rule; `validation_pairs` counts those.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator

from models.result import Metrics
from scheduler.validate.officer import statically_eligible
from scheduler.validate.pairs import improvable_pairs
from scheduler.validate.view import OfficerView, RequestView, RosterView

GRID = 30


def piece_spans(view: RosterView, rv: RequestView) -> list[tuple[int, int]]:
    """Pieces that make an officer count for fairness: the whole request if short, else any
    grid piece of min..max hours that starts at the request start or ends at its end."""
    low, high = view.policy.min_hours * 60, view.policy.max_continuous_hours * 60
    if rv.minutes <= high:
        return [(rv.start, rv.end)]
    # Interior boundaries lie on the grid counted from the request start, even when the end
    # does not.
    grid = range(rv.start + GRID, rv.end, GRID)
    heads = [(rv.start, g) for g in grid if low <= g - rv.start <= high]
    return heads + [(g, rv.end) for g in grid if low <= rv.end - g <= high]


class RequestIndex:
    """Staffable (non-refused) requests sorted by start and by end, for window look-ups."""

    def __init__(self, view: RosterView) -> None:
        open_ = [rv for rv in view.requests.values() if rv.refused is None]
        self.by_start = sorted(open_, key=lambda rv: rv.start)
        self.starts = [rv.start for rv in self.by_start]
        self.by_end = sorted(open_, key=lambda rv: rv.end)
        self.ends = [rv.end for rv in self.by_end]
        self.pieces = {rv.id: piece_spans(view, rv) for rv in open_}

    def touching(self, lo: int, hi: int) -> Iterator[RequestView]:
        """Requests starting or ending inside [lo, hi]: the only ones a piece there can be of."""
        yield from self.by_start[bisect_left(self.starts, lo) : bisect_left(self.starts, hi)]
        yield from self.by_end[bisect_right(self.ends, lo) : bisect_right(self.ends, hi)]


def could_take_a_piece(view: RosterView, ov: OfficerView, index: RequestIndex) -> bool:
    """The officer, alone, could take some piece of some staffable request (static rules only)."""
    if not ov.active:
        return False
    for lo, hi in ov.available:
        for rv in index.touching(lo, hi):
            for s, e in index.pieces[rv.id]:
                if lo <= s and e <= hi and statically_eligible(view, ov, rv, s, e):
                    return True
    return False


def officer_totals(view: RosterView) -> dict[str, int]:
    """Each officer's total minutes: hours to date plus the roster's worked minutes."""
    totals = {oid: round(ov.officer.hours_to_date * 60) for oid, ov in view.officers.items()}
    for ov in view.officers.values():
        totals[ov.id] += sum(s.minutes for s in ov.shifts)
    return totals


def fairness_set(view: RosterView) -> list[OfficerView]:
    index = RequestIndex(view)
    return [ov for ov in view.officers.values() if ov.shifts or could_take_a_piece(view, ov, index)]


def gini(values: list[int]) -> float:
    """Gini coefficient of non-negative values (0 = all equal), 4 decimals."""
    total = sum(values)
    if not values or total <= 0:
        return 0.0
    n = len(values)
    weighted = sum((2 * i - n + 1) * x for i, x in enumerate(sorted(values)))
    return round(weighted / (n * total), 4)


def recompute_metrics(view: RosterView, reported: Metrics) -> Metrics:
    """The roster's metrics from the problem and the assignments alone (bounds are copied)."""
    filled = coverage = 0.0
    worked = 0
    for request_id, shifts in view.by_request.items():
        rv = view.requests[request_id]
        minutes = sum(s.minutes for s in shifts)
        worked += minutes
        filled += minutes / rv.minutes
        coverage += rv.request.priority * minutes / rv.minutes
    totals = officer_totals(view)
    fair = fairness_set(view)
    fair_totals = [totals[ov.id] for ov in fair]
    top = max(fair_totals, default=0)
    return Metrics(
        positions_requested=sum(rv.request.officers_needed for rv in view.requests.values()),
        positions_filled=round(filled, 4),
        coverage=round(coverage, 4),
        coverage_upper_bound=reported.coverage_upper_bound,
        hours_filled=round(worked / 60, 4),
        max_total_hours=round(top / 60, 4),
        max_total_lower_bound=reported.max_total_lower_bound,
        spread_hours=round((top - min(fair_totals, default=0)) / 60, 4),
        gini=gini(fair_totals),
        improvable_pairs=improvable_pairs(view, fair, totals),
    )


COMPARED = (
    "positions_requested",
    "positions_filled",
    "coverage",
    "hours_filled",
    "max_total_hours",
    "spread_hours",
    "gini",
    "improvable_pairs",
)


def compare_metrics(reported: Metrics, recomputed: Metrics) -> list[str]:
    """Metrics the result states differently from the recomputation (beyond rounding)."""
    out = []
    for name in COMPARED:
        said, found = getattr(reported, name), getattr(recomputed, name)
        if abs(said - found) > 1e-3:
            out.append(f"{name}: result says {said:g}, recomputed {found:g}")
    return out
