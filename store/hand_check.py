"""The check behind every hand move: the validator on the roster around the move.

A move is judged by the solver-independent validator (`scheduler.validate.validator`) on the
request's week with every live shift in it, before and after the move; the violations it adds
are the move's. `Placement` asks that same question for many officers on one position ("why
not this officer?"): it builds the week once, and validates each officer on the piece of the
roster a placement can change (that officer's shifts and the position's request), which finds
exactly the violations the whole roster would, since every officer rule reads one officer's
shifts and every request rule one request's.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from datetime import UTC, datetime, time, timedelta

from sqlalchemy.orm import Session

from models import Assignment, InputError, Problem, RosterResult, SolveOptions
from models.common import elapsed, refuse_seconds
from models.result import Violation
from scheduler.solve.report import EMPTY_METRICS
from scheduler.timeutil import week_monday
from scheduler.validate.validator import validate
from store.problem_builder import Horizon, build_problem
from store.records import agency_of
from store.schema import AgencyRow, RequestRow

log = logging.getLogger(__name__)


def span_of(row: RequestRow, start: datetime | None,
            end: datetime | None) -> tuple[datetime, datetime]:
    """The shift's times: the whole request unless given (the validator checks them)."""
    refuse_seconds(start=start, end=end)
    first, last = (start or row.start).astimezone(UTC), (end or row.end).astimezone(UTC)
    if last <= first:
        # In the offset the user wrote (it was shown in UTC), the request's own time beside it.
        zone = (start or end or row.start).tzinfo
        raise InputError("end", f"{last.astimezone(zone).isoformat()} is not after start "
                         f"{first.astimezone(zone).isoformat()}")
    if first < row.start or last > row.end:
        # A shift lies within its request: the console's "why not?" over a window to 2199
        # checked it day by day for minutes, holding a server thread.
        zone = (start or end or row.start).tzinfo
        field = "start" if first < row.start else "end"
        raise InputError(field, f"{first.astimezone(zone).isoformat()} to "
                         f"{last.astimezone(zone).isoformat()} is not within {row.code} "
                         f"({row.start.astimezone(zone).isoformat()} to "
                         f"{row.end.astimezone(zone).isoformat()})")
    return first, last


def week_problem(session: Session, row: RequestRow) -> Problem:
    """The request's week (Monday to Monday local, a day of margin each side) as a problem."""
    agency_row = session.get(AgencyRow, row.agency_id)
    assert agency_row is not None
    tz = agency_of(agency_row).tz
    monday = datetime.combine(week_monday(row.start.astimezone(tz).date()), time(0), tzinfo=tz)
    horizon = Horizon(now=min(monday - timedelta(days=1), row.start), days=9, window_days=0)
    return build_problem(session, row.agency_id, horizon, SolveOptions())


def live_roster(problem: Problem) -> list[Assignment]:
    """Every live shift of the problem: confirmed and worked ones (locked) and proposals."""
    locked = [shift_of(a.request_id, a.officer_id, a.start, a.end, True) for a in problem.locked]
    return locked + [shift_of(a.request_id, a.officer_id, a.start, a.end) for a in problem.hint]


def shift_of(request: str, officer: str, start: datetime, end: datetime,
             locked: bool = False) -> Assignment:
    hours = elapsed(start, end) / timedelta(hours=1)
    return Assignment(request_id=request, officer_id=officer, start=start, end=end, hours=hours,
                      billable_hours=hours, amount=0, locked=locked)


def same_shift(one: Assignment, two: Assignment) -> bool:
    return _key(one) == _key(two)


def _key(shift: Assignment) -> tuple[str, str, datetime, datetime]:
    return shift.request_id, shift.officer_id, shift.start, shift.end


def unlocked(problem: Problem, gone: Assignment) -> Problem:
    """The problem without the lock a removal releases (else the validator misses it)."""
    kept = [a for a in problem.locked
            if (a.request_id, a.officer_id, a.start, a.end) != _key(gone)]
    return problem.model_copy(update={"locked": kept})


def added_violations(problem: Problem, before: list[Assignment],
                     after: list[Assignment]) -> list[Violation]:
    """The violations the move adds to the roster around it."""
    def found(roster: list[Assignment]) -> list[Violation]:
        result = RosterResult(status="feasible", assignments=roster, metrics=EMPTY_METRICS)
        return validate(problem, result).violations

    had = Counter((v.code, v.officer_id, v.request_id, v.message) for v in found(before))
    new = []
    for violation in found(after):
        key = (violation.code, violation.officer_id, violation.request_id, violation.message)
        if had[key]:
            had[key] -= 1
        else:
            new.append(violation)
    return new


class Placement:
    """One position (a request's times) checked for any officer, the week built once."""

    def __init__(self, problem: Problem, request: str, span: tuple[datetime, datetime]) -> None:
        self.problem = problem
        self.request = request
        self.span = span
        self.roster = live_roster(problem)
        self._by_officer: dict[str, list[Assignment]] = defaultdict(list)
        for shift in self.roster:
            self._by_officer[shift.officer_id].append(shift)
        self._on_request = [s for s in self.roster if s.request_id == request]

    def added(self, officer: str) -> list[Violation]:
        """The violations placing `officer` on the position adds (none when already placed)."""
        placed = shift_of(self.request, officer, *self.span)
        piece = self._piece(officer)
        if any(same_shift(a, placed) for a in piece):
            return []
        return added_violations(self._sub_problem(piece, officer), piece, [*piece, placed])

    def _piece(self, officer: str) -> list[Assignment]:
        """The officer's shifts and the request's, each once."""
        mine = self._by_officer.get(officer, [])
        return mine + [s for s in self._on_request if s.officer_id != officer]

    def _sub_problem(self, piece: list[Assignment], officer: str) -> Problem:
        """The problem cut to the piece's officers, requests and locks (an officer or request
        the problem lacks stays out, so the validator reports it as it would)."""
        officers = {officer} | {s.officer_id for s in piece}
        requests = {self.request} | {s.request_id for s in piece}
        keys = {_key(s) for s in piece if s.locked}
        return self.problem.model_copy(update={
            "officers": [o for o in self.problem.officers if o.id in officers],
            "requests": [r for r in self.problem.requests if r.id in requests],
            "locked": [a for a in self.problem.locked
                       if (a.request_id, a.officer_id, a.start, a.end) in keys],
            "hint": [],
        })
