"""The validator's own view of a roster: integer minutes, indexed by officer and by request.

The validator is a second, independent implementation of every hard rule (it never imports the
solver's model or eligibility code), so it builds its own index once: each officer's merged
availability and on-duty blocks and sorted shifts, each request's window and requirements, each
shift's minutes per local day and week. Checks then look up neighbours by bisection instead of
comparing everything with everything, which keeps a 2,000-officer roster fast.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from models.agency import Agency, PolicySettings
from models.common import TimeWindow
from models.officer import QUAL_LIQUOR, QUAL_TRAFFIC, QUAL_VEHICLE, Officer, Status
from models.problem import Problem
from models.request import Request
from models.result import Assignment, Rejected, RosterResult
from scheduler.agencies import resolve_agency
from scheduler.rules.request_rules import refusal
from scheduler.timeutil import from_minute, split_by_local_day, to_minute, week_monday

DAY = 24 * 60
# Later than any epoch minute: a bisection key that sorts after every (start, end) with a start.
FAR = 2**62

LockKey = tuple[str, str, int, int]


def required_qualifications(request: Request, policy: PolicySettings) -> frozenset[str]:
    """Qualifications an officer needs for this request (rules.md section 5)."""
    needed: set[str] = set()
    if request.job_type == "traffic":
        needed.add(QUAL_TRAFFIC)
    if request.vehicle.kind in ("static", "moving"):
        needed.add(QUAL_VEHICLE)
    venue = request.venue
    if policy.liquor_training_required and venue.alcohol_served and venue.post == "outside":
        needed.add(QUAL_LIQUOR)
    return frozenset(needed)


def merge_windows(windows: list[TimeWindow], touching: bool) -> list[tuple[int, int]]:
    """Windows in minutes, sorted, with overlapping (and, if `touching`, abutting) ones joined."""
    spans = sorted((to_minute(w.start), to_minute(w.end)) for w in windows)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and (start < merged[-1][1] or (touching and start == merged[-1][1])):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class RequestView:
    request: Request
    start: int
    end: int
    required: frozenset[str]
    refused: Rejected | None

    @property
    def id(self) -> str:
        return self.request.id

    @property
    def minutes(self) -> int:
        return self.end - self.start


@dataclass
class Shift:
    """One assignment of the result, in minutes, with its minutes per local day and week."""

    index: int
    officer_id: str
    request_id: str
    start: int
    end: int
    locked: bool
    days: list[tuple[date, int]]
    weeks: list[tuple[date, int]]

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @property
    def key(self) -> LockKey:
        return (self.request_id, self.officer_id, self.start, self.end)


@dataclass
class OfficerView:
    officer: Officer
    available: list[tuple[int, int]]
    on_duty: list[tuple[int, int]]
    week_cap: float
    # Off-duty shifts outside the roster (Officer.prior_shifts): caps, rest and overlap count them.
    prior: list[tuple[int, int]] = field(default_factory=list)
    shifts: list[Shift] = field(default_factory=list)
    day_minutes: dict[date, int] = field(default_factory=lambda: defaultdict(int))
    week_minutes: dict[date, int] = field(default_factory=lambda: defaultdict(int))
    # Filled by `seal` once every shift is added: on-duty and off-duty spans together, sorted.
    busy: list[tuple[int, int]] = field(default_factory=list)
    busy_starts: list[int] = field(default_factory=list)
    busy_longest: int = 0
    shift_starts: list[int] = field(default_factory=list)
    shift_longest: int = 0

    @property
    def id(self) -> str:
        return self.officer.id

    @property
    def active(self) -> bool:
        return self.officer.status == Status.ACTIVE

    def add(self, shift: Shift) -> None:
        self.shifts.append(shift)
        for day, minutes in shift.days:
            self.day_minutes[day] += minutes
        for monday, minutes in shift.weeks:
            self.week_minutes[monday] += minutes

    def seal(self) -> None:
        """Sort the shifts and index the busy spans; the view is read-only afterwards."""
        self.shifts.sort(key=lambda s: (s.start, s.end))
        self.busy = sorted([*self.on_duty, *self.prior, *((s.start, s.end) for s in self.shifts)])
        self.busy_starts = [b[0] for b in self.busy]
        self.busy_longest = max((b[1] - b[0] for b in self.busy), default=0)
        self.shift_starts = [s.start for s in self.shifts]
        self.shift_longest = max((s.minutes for s in self.shifts), default=0)

    def contains(self, start: int, end: int) -> bool:
        """The span lies inside one merged availability window."""
        i = bisect_right(self.available, (start, FAR)) - 1
        return i >= 0 and self.available[i][0] <= start and end <= self.available[i][1]

    def duty_clash(self, start: int, end: int, gap: int) -> tuple[int, int] | None:
        """The first on-duty block closer than `gap` minutes to the span, in either order."""
        i = max(0, bisect_right(self.on_duty, (start, FAR)) - 1)
        for block in self.on_duty[i:]:
            if block[0] >= end + gap:
                break
            if block[1] + gap > start:
                return block
        return None


@dataclass
class RosterView:
    problem: Problem
    agency: Agency
    policy: PolicySettings
    tz: ZoneInfo
    officers: dict[str, OfficerView]
    requests: dict[str, RequestView]
    shifts: list[Shift]
    locked_keys: set[LockKey]
    by_request: dict[str, list[Shift]] = field(default_factory=lambda: defaultdict(list))

    def fmt(self, minute: int) -> str:
        """A minute as local time for messages, e.g. 2026-12-01T16:00-05:00."""
        return from_minute(minute, self.tz).isoformat(timespec="minutes")

    def span(self, start: int, end: int) -> str:
        return f"{self.fmt(start)} to {self.fmt(end)}"


def _officer_view(officer: Officer, policy: PolicySettings) -> OfficerView:
    cap = policy.max_hours_per_week
    if officer.max_hours_per_week is not None:
        cap = min(cap, officer.max_hours_per_week)
    view = OfficerView(
        officer=officer,
        available=merge_windows(officer.availability, touching=True),
        on_duty=merge_windows(officer.on_duty, touching=False),
        week_cap=cap * 60,
        prior=sorted((to_minute(w.start), to_minute(w.end)) for w in officer.prior_shifts),
    )
    return view


def _count_prior(ov: OfficerView, tz: ZoneInfo) -> None:
    """Prior shifts' minutes go into the day and week totals the caps compare with."""
    for start, end in ov.prior:
        for day, minutes in split_by_local_day(start, end, tz):
            ov.day_minutes[day] += minutes
            ov.week_minutes[week_monday(day)] += minutes


def _shift(index: int, a: Assignment, locked: set[LockKey], tz: ZoneInfo) -> Shift:
    start, end = to_minute(a.start), to_minute(a.end)
    days = list(split_by_local_day(start, end, tz))
    weeks: dict[date, int] = defaultdict(int)
    for day, minutes in days:
        weeks[week_monday(day)] += minutes
    return Shift(
        index=index,
        officer_id=a.officer_id,
        request_id=a.request_id,
        start=start,
        end=end,
        locked=(a.request_id, a.officer_id, start, end) in locked,
        days=days,
        weeks=list(weeks.items()),
    )


def lock_key(request_id: str, officer_id: str, start: datetime, end: datetime) -> LockKey:
    """What identifies a locked assignment: request, officer, start and end minute."""
    return (request_id, officer_id, to_minute(start), to_minute(end))


def build_view(problem: Problem, result: RosterResult) -> RosterView:
    """Index the problem and the result; shifts naming unknown ids are kept but not attached."""
    agency = resolve_agency(problem.agency)
    policy = problem.policy.apply(agency.policy)
    officers = {o.id: _officer_view(o, policy) for o in problem.officers}
    requests = {
        r.id: RequestView(
            request=r,
            start=to_minute(r.start),
            end=to_minute(r.end),
            required=required_qualifications(r, policy),
            refused=refusal(r, agency, policy),
        )
        for r in problem.requests
    }
    locked = {lock_key(k.request_id, k.officer_id, k.start, k.end) for k in problem.locked}
    shifts = [_shift(i, a, locked, agency.tz) for i, a in enumerate(result.assignments)]
    view = RosterView(problem, agency, policy, agency.tz, officers, requests, shifts, locked)
    for shift in shifts:
        if shift.officer_id in officers and shift.request_id in requests:
            officers[shift.officer_id].add(shift)
            view.by_request[shift.request_id].append(shift)
    for ov in officers.values():
        _count_prior(ov, agency.tz)
        ov.seal()
    return view
