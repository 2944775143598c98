"""Hand changes: a dispatcher places or removes an officer, checked like any solver roster.

`assign` and `unassign` are the one implementation every front end calls (the command line
today, a web console later). A move is checked by the solver-independent validator
(`scheduler.validate.validator`) on the roster around it: the request's week with every live
shift in it, before and after the move. A violation the move adds refuses it, with the rule's
code and sentence, unless a supervisor overrides it with a reason and the agency's policy lists that
rule in `overridable_rules` (rules.md section 8; none by default, so caps and the rolling
24-hour rule are never lifted implicitly). A placed shift is confirmed (the solver keeps it);
every move and override appends audit events.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Assignment, InputError, PolicyOverrides, Problem, RosterResult, SolveOptions
from models.result import Violation
from scheduler.pricing.rates import effective_policy
from scheduler.rules.codes import OFFICER_RULES, ROSTER_RULES
from scheduler.solve.report import EMPTY_METRICS
from scheduler.timeutil import week_monday
from scheduler.validate.validator import validate
from store.audit import record
from store.db import Store
from store.locking import hold_agencies
from store.problem_builder import Horizon, build_problem
from store.records import agency_of, officer_by_code, request_by_code
from store.schema import AgencyRow, AssignmentRow, AssignmentState, RequestRow, RequestState

log = logging.getLogger(__name__)

LABELS = {**OFFICER_RULES, **ROSTER_RULES}


class MoveRefused(InputError):
    """A hand move that breaks a hard rule: the first rule's code and sentence."""

    def __init__(self, violations: list[Violation], note: str = "") -> None:
        first = violations[0]
        more = f" (and {len(violations) - 1} more)" if len(violations) > 1 else ""
        super().__init__(first.code, f"{LABELS.get(first.code, first.code)}: {first.message}"
                         f"{more}{note}")
        self.violations = violations


@dataclass(frozen=True)
class Override:
    """Who lets a move break which rules, and why."""

    reason: str
    by: str


@dataclass
class HandMove:
    """What a move did: the shift, and the rules an override lifted for it."""

    request_id: str
    officer_id: str
    start: datetime
    end: datetime
    action: str
    overridden: list[Violation] = field(default_factory=list)

    def summary(self) -> str:
        when = f"{self.start.isoformat()} to {self.end.isoformat()}"
        lifted = f"; override of {', '.join(v.code for v in self.overridden)}" \
            if self.overridden else ""
        return f"{self.request_id}: {self.officer_id} {self.action} {when}{lifted}"


def assign(
    store: Store, request: str, officer: str, *, start: datetime | None = None,
    end: datetime | None = None, override: Override | None = None, agency: str | None = None,
) -> HandMove:
    """Place an officer on a request by hand (the whole request unless times are given)."""
    _check_override(override)
    with store.write() as session:
        row = request_by_code(session, request, agency)
        hold_agencies(session, [row.agency_id])
        if row.state != RequestState.OPEN.value:
            raise InputError("request", f"{request} is cancelled")
        officer_row = officer_by_code(session, row.agency_id, officer)
        span = _span(row, start, end)
        problem = _problem(session, row)
        current = _roster(problem)
        placed = _shift(request, officer, *span)
        if any(_same(a, placed) for a in current):
            raise InputError("officer", f"{officer} already holds that shift on {request}")
        lifted = _checked(session, row, problem, current, [*current, placed], override)
        shift = AssignmentRow(request_id=row.id, officer_id=officer_row.id,
                              state=AssignmentState.CONFIRMED.value, start=span[0], end=span[1])
        session.add(shift)
        record(session, "assign", agency=row.agency_id, request=request, officer=officer,
               after={"state": shift.state, "start": span[0], "end": span[1]})
        _record_override(session, row, officer, override, lifted)
        return HandMove(request, officer, span[0], span[1], "placed", lifted)


def unassign(
    store: Store, request: str, officer: str, *, start: datetime | None = None,
    override: Override | None = None, agency: str | None = None,
) -> HandMove:
    """Remove an officer's live shift from a request: a proposal is withdrawn, a confirmed shift
    released (no customer charge: the request stays open)."""
    _check_override(override)
    with store.write() as session:
        row = request_by_code(session, request, agency)
        hold_agencies(session, [row.agency_id])
        officer_row = officer_by_code(session, row.agency_id, officer)
        shift = _held(session, row, officer_row.id, officer, start)
        problem = _problem(session, row)
        current = _roster(problem)
        gone = _shift(request, officer, shift.start, shift.end)
        after = [a for a in current if not _same(a, gone)]
        lifted = _checked(session, row, _unlocked(problem, gone), current, after, override)
        times = (shift.start, shift.end)
        before = {"state": shift.state, "start": shift.start, "end": shift.end}
        if shift.state == AssignmentState.PROPOSED.value:
            session.delete(shift)
            state = "withdrawn"
        else:
            shift.state = state = AssignmentState.CANCELLED.value
        record(session, "unassign", agency=row.agency_id, request=request, officer=officer,
               before=before, after={"state": state})
        _record_override(session, row, officer, override, lifted)
        return HandMove(request, officer, times[0], times[1], "removed", lifted)


def would_break(
    store: Store, request: str, officer: str, *, start: datetime | None = None,
    end: datetime | None = None, agency: str | None = None,
) -> list[Violation]:
    """The violations placing `officer` on `request` would add, without writing anything: the
    same check `assign` makes (the console's "why not this officer?" asks it per officer)."""
    with store.transaction() as session:
        row = request_by_code(session, request, agency)
        officer_by_code(session, row.agency_id, officer)
        span = _span(row, start, end)
        problem = _problem(session, row)
        current = _roster(problem)
        placed = _shift(request, officer, *span)
        if any(_same(a, placed) for a in current):
            return []
        return _added(problem, current, [*current, placed])


def _check_override(override: Override | None) -> None:
    if override is None:
        return
    if not override.reason.strip():
        raise InputError("override_reason", "say why the rule is overridden")
    if not override.by.strip():
        raise InputError("by", "name the supervisor who authorizes the override")


def _span(row: RequestRow, start: datetime | None,
          end: datetime | None) -> tuple[datetime, datetime]:
    """The shift's times: the whole request unless given (the validator checks them)."""
    first, last = (start or row.start).astimezone(UTC), (end or row.end).astimezone(UTC)
    if last <= first:
        raise InputError("end", f"{last.isoformat()} is not after start {first.isoformat()}")
    return first, last


def _problem(session: Session, row: RequestRow) -> Problem:
    """The request's week (Monday to Monday local, a day of margin each side) as a problem."""
    agency_row = session.get(AgencyRow, row.agency_id)
    assert agency_row is not None
    tz = agency_of(agency_row).tz
    monday = datetime.combine(week_monday(row.start.astimezone(tz).date()), time(0), tzinfo=tz)
    horizon = Horizon(now=min(monday - timedelta(days=1), row.start), days=9, window_days=0)
    return build_problem(session, row.agency_id, horizon, SolveOptions())


def _roster(problem: Problem) -> list[Assignment]:
    """Every live shift of the problem: confirmed and worked ones (locked) and proposals."""
    locked = [_shift(a.request_id, a.officer_id, a.start, a.end, True) for a in problem.locked]
    return locked + [_shift(a.request_id, a.officer_id, a.start, a.end) for a in problem.hint]


def _shift(request: str, officer: str, start: datetime, end: datetime,
           locked: bool = False) -> Assignment:
    hours = (end - start).total_seconds() / 3600
    return Assignment(request_id=request, officer_id=officer, start=start, end=end, hours=hours,
                      billable_hours=hours, amount=0, locked=locked)


def _same(one: Assignment, two: Assignment) -> bool:
    return (one.request_id, one.officer_id, one.start, one.end) == \
        (two.request_id, two.officer_id, two.start, two.end)


def _unlocked(problem: Problem, gone: Assignment) -> Problem:
    """The problem without the lock a removal releases (else the validator misses it)."""
    kept = [a for a in problem.locked
            if (a.request_id, a.officer_id, a.start, a.end) !=
            (gone.request_id, gone.officer_id, gone.start, gone.end)]
    return problem.model_copy(update={"locked": kept})


def _added(problem: Problem, before: list[Assignment], after: list[Assignment]) -> list[Violation]:
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


def _checked(
    session: Session, row: RequestRow, problem: Problem, before: list[Assignment],
    after: list[Assignment], override: Override | None,
) -> list[Violation]:
    """The violations an override lifts; raises `MoveRefused` for any it may not."""
    new = _added(problem, before, after)
    if not new:
        return []
    if override is None:
        raise MoveRefused(new)
    allowed = _overridable(session, row)
    barred = [v for v in new if v.code not in allowed]
    if barred:
        listed = ", ".join(sorted(allowed)) or "none"
        raise MoveRefused(barred, f"; the agency's policy does not let a supervisor override "
                          f"{barred[0].code} (overridable_rules: {listed})")
    return new


def _overridable(session: Session, row: RequestRow) -> set[str]:
    agency_row = session.get(AgencyRow, row.agency_id)
    assert agency_row is not None
    overrides = PolicyOverrides.model_validate(agency_row.policy_overrides or {})
    return set(effective_policy(agency_of(agency_row), overrides).overridable_rules)


def _held(session: Session, row: RequestRow, officer_id: int, officer: str,
          start: datetime | None) -> AssignmentRow:
    query = select(AssignmentRow).where(
        AssignmentRow.request_id == row.id, AssignmentRow.officer_id == officer_id,
        AssignmentRow.state != AssignmentState.CANCELLED.value)
    if start is not None:
        query = query.where(AssignmentRow.start == start)
    held = list(session.scalars(query.order_by(AssignmentRow.start)))
    if not held:
        raise InputError("officer", f"{officer} holds no live shift on {row.code}")
    if len(held) > 1:
        raise InputError("start", f"{officer} holds {len(held)} shifts on {row.code}; "
                         "give --start")
    if held[0].state == AssignmentState.WORKED.value:
        raise InputError("officer", f"{officer}'s shift on {row.code} is already worked")
    return held[0]


def _record_override(session: Session, row: RequestRow, officer: str,
                     override: Override | None, lifted: list[Violation]) -> None:
    if override is None or not lifted:
        return
    record(session, "override", agency=row.agency_id, request=row.code, officer=officer,
           after={"by": override.by.strip(), "rules": [v.code for v in lifted],
                  "violations": [v.message for v in lifted]},
           reason=override.reason.strip())
