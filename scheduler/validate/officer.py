"""Officer-level hard rules (rules.md section 5), checked on the validator's own index.

Two kinds of rule: the static ones judge one officer on one span of one request (status,
qualification, conflict, availability, on-duty gap); the schedule ones judge an officer's shifts
together (overlap, rolling 24 hours, daily and weekly caps). Each is one function named after its
code. The `fits_*` helpers ask the same questions of a shift an officer does not hold yet, which is
what counting improvable pairs needs.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable

from models.result import Violation
from scheduler.validate.view import DAY, OfficerView, RequestView, RosterView, Shift

StaticRule = Callable[[RosterView, OfficerView, RequestView, int, int], "str | None"]


def status_barred(view: RosterView, ov: OfficerView, rv: RequestView, s: int, e: int) -> str | None:
    """Only active officers may work off duty."""
    if ov.active:
        return None
    return f"{ov.id} is {ov.officer.status.value.replace('_', ' ')}; only active officers may work"


def missing_qualification(
    view: RosterView, ov: OfficerView, rv: RequestView, s: int, e: int
) -> str | None:
    """The request needs qualifications the officer lacks."""
    missing = rv.required - set(ov.officer.qualifications)
    if not missing:
        return None
    return f"{rv.id} needs {', '.join(sorted(missing))}, which {ov.id} lacks"


def employer_conflict(
    view: RosterView, ov: OfficerView, rv: RequestView, s: int, e: int
) -> str | None:
    """The employer is on the officer's conflict list."""
    employer = rv.request.employer.id
    if employer not in ov.officer.conflicts:
        return None
    return f"{ov.id} may not work for employer {employer} ({rv.id}): it is on the conflict list"


def not_available(view: RosterView, ov: OfficerView, rv: RequestView, s: int, e: int) -> str | None:
    """The shift lies inside one of the officer's (merged) availability windows."""
    if ov.contains(s, e):
        return None
    return f"{ov.id} on {rv.id} {view.span(s, e)} is outside the officer's declared availability"


def on_duty(view: RosterView, ov: OfficerView, rv: RequestView, s: int, e: int) -> str | None:
    """The shift keeps the travel gap from every on-duty block, in either order."""
    gap = view.policy.travel_gap_minutes
    block = ov.duty_clash(s, e, gap)
    if block is None:
        return None
    return (
        f"{ov.id} on {rv.id} {view.span(s, e)} is within {gap} min of on-duty time "
        f"{view.span(*block)}"
    )


STATIC_RULES: tuple[tuple[str, StaticRule], ...] = (
    ("STATUS_BARRED", status_barred),
    ("MISSING_QUALIFICATION", missing_qualification),
    ("EMPLOYER_CONFLICT", employer_conflict),
    ("NOT_AVAILABLE", not_available),
    ("ON_DUTY", on_duty),
)


def statically_eligible(view: RosterView, ov: OfficerView, rv: RequestView, s: int, e: int) -> bool:
    """No static rule stops this officer from taking this span (cheapest rules first)."""
    return all(rule(view, ov, rv, s, e) is None for _, rule in STATIC_RULES)


def static_violations(view: RosterView, ov: OfficerView, shift: Shift) -> list[Violation]:
    rv = view.requests[shift.request_id]
    found = []
    for code, rule in STATIC_RULES:
        message = rule(view, ov, rv, shift.start, shift.end)
        if message is not None:
            found.append(Violation(code=code, message=message, officer_id=ov.id, request_id=rv.id))
    return found


def overlap(view: RosterView, ov: OfficerView) -> list[Violation]:
    """Two shifts of one officer keep at least the travel gap between them."""
    gap = view.policy.travel_gap_minutes
    found = []
    latest: Shift | None = None  # the earlier shift that ends last: the one a later shift meets
    for shift in ov.shifts:
        if latest is not None and shift.start < latest.end + gap:
            found.append(
                Violation(
                    code="OVERLAP",
                    message=(
                        f"{ov.id} on {shift.request_id} {view.span(shift.start, shift.end)} "
                        f"is within {gap} min of their shift on {latest.request_id} "
                        f"{view.span(latest.start, latest.end)}"
                    ),
                    officer_id=ov.id,
                    request_id=shift.request_id,
                )
            )
        if latest is None or shift.end > latest.end:
            latest = shift
        for s, e in ov.prior:
            if s < shift.end + gap and shift.start < e + gap:
                found.append(
                    Violation(
                        code="OVERLAP",
                        message=(
                            f"{ov.id} on {shift.request_id} {view.span(shift.start, shift.end)} "
                            f"is within {gap} min of their earlier shift {view.span(s, e)}"
                        ),
                        officer_id=ov.id,
                        request_id=shift.request_id,
                    )
                )
    return found


def window_peak(
    ov: OfficerView, lo: int, hi: int, extra: tuple[int, int] | None = None
) -> tuple[int, int]:
    """Most busy minutes (on and off duty, plus `extra`) in a 24-hour window overlapping [lo, hi).

    The sliding sum is piecewise linear, so its maximum is at a window opening at some block start
    or closing at some block end; only those candidates are summed. Returns (minutes, start).
    """
    near = ov.busy[
        bisect_left(ov.busy_starts, lo - DAY - ov.busy_longest) : bisect_left(
            ov.busy_starts, hi + DAY
        )
    ]
    if extra is not None:
        near.append(extra)
    opening = sorted({b0 for b0, _ in near if lo - DAY < b0 < hi})
    closing = sorted({b1 - DAY for _, b1 in near if lo < b1 < hi + DAY} - set(opening))
    best, best_start = 0, lo
    # Windows that open at a block come first, so a tie reports the more readable one.
    for w0 in opening + closing:
        w1 = w0 + DAY
        total = 0
        for b0, b1 in near:
            if b0 < w1 and b1 > w0:
                total += (b1 if b1 < w1 else w1) - (b0 if b0 > w0 else w0)
        if total > best:
            best, best_start = total, w0
    return best, best_start


def rest_24h(view: RosterView, ov: OfficerView) -> list[Violation]:
    """On-duty plus off-duty minutes in any rolling 24 hours stay within max_hours_per_24h."""
    cap = view.policy.max_hours_per_24h * 60
    found, reported = [], -DAY
    for shift in ov.shifts:
        peak, w0 = window_peak(ov, shift.start, shift.end)
        if peak > cap and w0 >= reported + DAY:
            reported = w0
            found.append(
                Violation(
                    code="REST_24H",
                    message=(
                        f"{ov.id} works {peak / 60:g} h (on and off duty) in the 24 h from "
                        f"{view.fmt(w0)}, above the {cap / 60:g} h allowed; includes "
                        f"{shift.request_id} {view.span(shift.start, shift.end)}"
                    ),
                    officer_id=ov.id,
                    request_id=shift.request_id,
                )
            )
    return found


def daily_cap(view: RosterView, ov: OfficerView) -> list[Violation]:
    """Off-duty minutes on each local calendar day stay within max_hours_per_day."""
    cap = view.policy.max_hours_per_day * 60
    found = []
    for day, minutes in sorted(ov.day_minutes.items()):
        on_day = [s.request_id for s in ov.shifts if any(d == day for d, _ in s.days)]
        # A day over the cap through prior shifts alone is not this roster's doing.
        if minutes > cap and on_day:
            found.append(
                Violation(
                    code="DAILY_CAP",
                    message=(
                        f"{ov.id} works {minutes / 60:g} off-duty h on {day.isoformat()} "
                        f"({', '.join(on_day)}), above the daily cap of {cap / 60:g} h"
                    ),
                    officer_id=ov.id,
                    request_id=on_day[-1],
                )
            )
    return found


def weekly_cap(view: RosterView, ov: OfficerView) -> list[Violation]:
    """Off-duty minutes in each local Monday-to-Monday week stay within the lower weekly cap."""
    found = []
    for monday, minutes in sorted(ov.week_minutes.items()):
        in_week = [s.request_id for s in ov.shifts if any(m == monday for m, _ in s.weeks)]
        if minutes > ov.week_cap and in_week:
            found.append(
                Violation(
                    code="WEEKLY_CAP",
                    message=(
                        f"{ov.id} works {minutes / 60:g} off-duty h in the week of "
                        f"{monday.isoformat()} ({', '.join(in_week)}), above the weekly cap of "
                        f"{ov.week_cap / 60:g} h"
                    ),
                    officer_id=ov.id,
                    request_id=in_week[-1],
                )
            )
    return found


SCHEDULE_RULES: tuple[tuple[str, Callable[[RosterView, OfficerView], list[Violation]]], ...] = (
    ("OVERLAP", overlap),
    ("REST_24H", rest_24h),
    ("DAILY_CAP", daily_cap),
    ("WEEKLY_CAP", weekly_cap),
)


def officer_violations(view: RosterView, ov: OfficerView) -> list[Violation]:
    """Every officer-level rule for one officer (the supervisor rule is the request's)."""
    found = [v for shift in ov.shifts for v in static_violations(view, ov, shift)]
    for _, rule in SCHEDULE_RULES:
        found.extend(rule(view, ov))
    return found


def clear_of_shifts(view: RosterView, ov: OfficerView, shift: Shift) -> bool:
    """A new shift keeps the travel gap from every shift the officer holds."""
    gap = view.policy.travel_gap_minutes
    if any(s < shift.end + gap and shift.start < e + gap for s, e in ov.prior):
        return False
    first = bisect_left(ov.shift_starts, shift.start - gap - ov.shift_longest)
    for other in ov.shifts[first:]:
        if other.start >= shift.end + gap:
            return True
        if shift.start < other.end + gap:
            return False
    return True


def within_caps(view: RosterView, ov: OfficerView, shift: Shift) -> bool:
    """A new shift keeps the officer within the daily and weekly caps."""
    day_cap = view.policy.max_hours_per_day * 60
    if any(ov.day_minutes.get(d, 0) + m > day_cap for d, m in shift.days):
        return False
    return all(ov.week_minutes.get(w, 0) + m <= ov.week_cap for w, m in shift.weeks)


def within_rest(view: RosterView, ov: OfficerView, shift: Shift) -> bool:
    """A new shift keeps every rolling 24 hours within max_hours_per_24h."""
    peak, _ = window_peak(ov, shift.start, shift.end, (shift.start, shift.end))
    return peak <= view.policy.max_hours_per_24h * 60


def fits_schedule(view: RosterView, ov: OfficerView, shift: Shift) -> bool:
    """Adding `shift` to the officer's own shifts breaks no overlap, rest or cap rule."""
    return (
        clear_of_shifts(view, ov, shift)
        and within_caps(view, ov, shift)
        and within_rest(view, ov, shift)
    )
