"""Pure transformations of a problem: officers, policy and rates (demand lives in `demand`).

Every function takes a `Problem` and returns a new one; models are frozen and every list is
rebuilt rather than edited, so the baseline a variant starts from is never changed. A random
choice (a fraction of officers) uses its own `random.Random(seed)`; a sweep passes the draw's
seed in place of the one written in the file.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from models.common import InputError, TimeWindow
from models.officer import Officer
from models.problem import AssignmentRef, Problem
from scenarios.changes import (
    ChangePolicy,
    ChangeRates,
    MarkUnavailable,
    OfficerSelection,
    RemoveOfficers,
)
from scheduler.agencies import resolve_agency


def round_half_up(value: float) -> int:
    """Round to the nearest whole number, halves away from zero (2.5 -> 3, never banker's)."""
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def select_officers(
    problem: Problem, selection: OfficerSelection, seed: int | None = None
) -> list[str]:
    """Ids of the selected officers, in the problem's order.

    Ids and rank narrow the pool (no criterion: every officer); a fraction then draws
    round_half_up(fraction x pool) of them with `seed` (the selection's own when None).
    """
    known = {o.id for o in problem.officers}
    unknown = [i for i in selection.ids if i not in known]
    if unknown:
        raise InputError("ids", f"unknown officer {', '.join(unknown)}")
    pool = [
        o.id
        for o in problem.officers
        if (not selection.ids or o.id in selection.ids)
        and (not selection.rank or o.rank in selection.rank)
    ]
    if selection.fraction is None:
        return pool
    rng = random.Random(selection.seed if seed is None else seed)
    chosen = set(rng.sample(pool, round_half_up(selection.fraction * len(pool))))
    return [i for i in pool if i in chosen]


def remove_officers(problem: Problem, change: RemoveOfficers, seed: int | None = None) -> Problem:
    """The problem without the selected officers; their locked and hinted shifts reopen."""
    gone = set(select_officers(problem, change, seed))
    return problem.model_copy(
        update={
            "officers": [o for o in problem.officers if o.id not in gone],
            "locked": [a for a in problem.locked if a.officer_id not in gone],
            "hint": [a for a in problem.hint if a.officer_id not in gone],
        }
    )


def day_window(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Local midnight to the next local midnight (23 or 25 hours on DST change days)."""
    return datetime.combine(day, time(0), tzinfo=tz), datetime.combine(
        day + timedelta(days=1), time(0), tzinfo=tz
    )


def cut_windows(
    windows: Sequence[TimeWindow], cut: tuple[datetime, datetime]
) -> list[TimeWindow]:
    """The windows minus [cut start, cut end); a window split by the cut becomes two. Times are
    compared in UTC: two of one zone object compare on the wall clock, DST's fold ignored."""
    start, end = cut
    lo, hi = _utc(start), _utc(end)
    kept: list[TimeWindow] = []
    for w in windows:
        if _utc(w.end) <= lo or _utc(w.start) >= hi:
            kept.append(w)
            continue
        if _utc(w.start) < lo:
            kept.append(TimeWindow(start=w.start, end=start))
        if _utc(w.end) > hi:
            kept.append(TimeWindow(start=end, end=w.end))
    return kept


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _overlaps(a: AssignmentRef, cuts: Sequence[tuple[datetime, datetime]]) -> bool:
    return any(_utc(a.start) < _utc(end) and _utc(a.end) > _utc(start) for start, end in cuts)


def mark_unavailable(problem: Problem, change: MarkUnavailable, seed: int | None = None) -> Problem:
    """Cut the selected officers' availability on the listed local dates (agency time zone).

    Their locked and hinted shifts that touch those dates are dropped: an absent officer cannot
    keep a confirmed shift, and the position reopens for someone else.
    """
    tz = resolve_agency(problem.agency).tz
    chosen = set(select_officers(problem, change, seed))
    cuts = [day_window(day, tz) for day in sorted(set(change.dates))]

    def absent(officer: Officer) -> Officer:
        windows: list[TimeWindow] = list(officer.availability)
        for cut in cuts:
            windows = cut_windows(windows, cut)
        return officer.model_copy(update={"availability": windows})

    def keeps(a: AssignmentRef) -> bool:
        return a.officer_id not in chosen or not _overlaps(a, cuts)

    return problem.model_copy(
        update={
            "officers": [absent(o) if o.id in chosen else o for o in problem.officers],
            "locked": [a for a in problem.locked if keeps(a)],
            "hint": [a for a in problem.hint if keeps(a)],
        }
    )


def change_policy(problem: Problem, change: ChangePolicy) -> Problem:
    """The problem's policy overrides with the change's settings on top."""
    own = problem.policy.model_dump(exclude_none=True)
    merged = {**own, **change.model_dump(exclude_none=True)}
    return problem.model_copy(update={"policy": type(problem.policy).model_validate(merged)})


def change_rates(problem: Problem, change: ChangeRates) -> Problem:
    """The problem with a full agency object whose rate card carries the changed figures."""
    agency = resolve_agency(problem.agency)
    return problem.model_copy(
        update={"agency": agency.model_copy(update={"rates": change.apply(agency.rates)})}
    )
