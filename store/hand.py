"""Hand changes: a dispatcher places, removes or moves an officer, checked like any solver roster.

`assign`, `unassign` and `move` are the one implementation every front end calls (the command
line and the web console). A move is checked by the solver-independent validator
(`scheduler.validate.validator`) on the roster around it: the request's week with every live
shift in it, before and after the move (`store.hand_check`). A violation the move adds refuses
it, with the rule's code and sentence, unless a supervisor overrides it with a reason and the
agency's policy lists that rule in `overridable_rules` (rules.md section 8; none by default, so
caps and the rolling 24-hour rule are never lifted implicitly). A placed shift is confirmed (the
solver keeps it); every move and override appends audit events. `move` hands one officer's shift
to another in one transaction: both halves or neither, one audit event.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Assignment, InputError, PolicyOverrides, Problem
from models.common import refuse_control
from models.result import Violation
from scheduler.pricing.rates import effective_policy
from scheduler.rules.codes import OFFICER_RULES, ROSTER_RULES
from store.audit import record
from store.db import Store
from store.hand_check import (
    Placement,
    added_violations,
    live_roster,
    same_shift,
    shift_of,
    span_of,
    unlocked,
    week_problem,
)
from store.locking import hold_agencies
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


def _local(
    session: Session, row: RequestRow, times: tuple[datetime, datetime]
) -> tuple[datetime, datetime]:
    """A shift's times in its agency's zone, as every other line shows them (a move's line
    read "removed 2026-12-09T19:30:00+00:00 to ..." beside a board showing 14:30)."""
    agency_row = session.get(AgencyRow, row.agency_id)
    assert agency_row is not None
    tz = agency_of(agency_row).tz
    return times[0].astimezone(tz), times[1].astimezone(tz)


def _open_request(session: Session, request: str, agency: str | None) -> RequestRow:
    """The request's row, its agency locked for this change; a cancelled one is refused."""
    row = request_by_code(session, request, agency)
    hold_agencies(session, [row.agency_id])
    if row.state != RequestState.OPEN.value:
        raise InputError("request", f"{request} is cancelled")
    return row


def assign(
    store: Store, request: str, officer: str, *, start: datetime | None = None,
    end: datetime | None = None, override: Override | None = None, agency: str | None = None,
) -> HandMove:
    """Place an officer on a request by hand (the whole request unless times are given)."""
    _check_override(override)
    with store.write() as session:
        row = _open_request(session, request, agency)
        officer_row = officer_by_code(session, row.agency_id, officer)
        span = span_of(row, start, end)
        problem = week_problem(session, row)
        current = live_roster(problem)
        placed = shift_of(request, officer, *span)
        if any(same_shift(a, placed) for a in current):
            raise InputError("officer", f"{officer} already holds that shift on {request}")
        lifted = _checked(session, row, problem, current, [*current, placed], override)
        after = _place(session, row, officer_row.id, span)
        record(session, "assign", agency=row.agency_id, request=request, officer=officer,
               after=after)
        _record_override(session, row, officer, override, lifted)
        return HandMove(request, officer, *_local(session, row, span), "placed", lifted)


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
        problem = week_problem(session, row)
        current = live_roster(problem)
        gone = shift_of(request, officer, shift.start, shift.end)
        after = [a for a in current if not same_shift(a, gone)]
        lifted = _checked(session, row, unlocked(problem, gone), current, after, override)
        times = (shift.start, shift.end)
        before = {"state": shift.state, "start": shift.start, "end": shift.end}
        state = _release(session, shift)
        record(session, "unassign", agency=row.agency_id, request=request, officer=officer,
               before=before, after={"state": state})
        _record_override(session, row, officer, override, lifted)
        return HandMove(request, officer, *_local(session, row, times), "removed", lifted)


def move(
    store: Store, request: str, officer: str, to: str, *, start: datetime | None = None,
    override: Override | None = None, agency: str | None = None,
) -> HandMove:
    """Hand `officer`'s live shift on `request` to officer `to`, as one change: the validator
    judges the roster with both halves done, the store writes both or neither, and the audit
    trail holds one `move` event. A refused move leaves the original shift in place."""
    _check_override(override)
    with store.write() as session:
        row = _open_request(session, request, agency)
        if to == officer:
            raise InputError("to", f"{officer} already holds the shift; name another officer")
        officer_row = officer_by_code(session, row.agency_id, officer)
        to_row = officer_by_code(session, row.agency_id, to)
        shift = _held(session, row, officer_row.id, officer, start)
        times = (shift.start, shift.end)
        problem = week_problem(session, row)
        current = live_roster(problem)
        gone, placed = shift_of(request, officer, *times), shift_of(request, to, *times)
        after = [a for a in current if not same_shift(a, gone)] + [placed]
        lifted = _checked(session, row, unlocked(problem, gone), current, after, override)
        before = {"officer": officer, "state": shift.state, "start": times[0], "end": times[1]}
        _release(session, shift)
        # The release reaches the database first: its guards count live rows on the request.
        session.flush()
        now = {"officer": to, **_place(session, row, to_row.id, times)}
        record(session, "move", agency=row.agency_id, request=request, officer=to,
               before=before, after=now)
        _record_override(session, row, to, override, lifted)
        return HandMove(request, to, *_local(session, row, times), f"placed instead of {officer}",
                        lifted)


def placement(store: Store, request: str, *, start: datetime | None = None,
              end: datetime | None = None, agency: str | None = None) -> Placement:
    """The check `would_break` makes, ready for any number of officers on one position: the
    request's week is read once (the console's "why not this officer?" asks every officer)."""
    with store.transaction() as session:
        row = request_by_code(session, request, agency)
        return Placement(week_problem(session, row), request, span_of(row, start, end))


def would_break(
    store: Store, request: str, officer: str, *, start: datetime | None = None,
    end: datetime | None = None, agency: str | None = None,
) -> list[Violation]:
    """The violations placing `officer` on `request` would add, without writing anything: the
    same check `assign` makes (the console's "why not this officer?" asks it per officer)."""
    with store.transaction() as session:
        row = request_by_code(session, request, agency)
        officer_by_code(session, row.agency_id, officer)
        span = span_of(row, start, end)
        problem = week_problem(session, row)
        current = live_roster(problem)
        placed = shift_of(request, officer, *span)
        if any(same_shift(a, placed) for a in current):
            return []
        return added_violations(problem, current, [*current, placed])


def _check_override(override: Override | None) -> None:
    if override is None:
        return
    if not override.reason.strip():
        raise InputError("override_reason", "say why the rule is overridden")
    if not override.by.strip():
        raise InputError("by", "name the supervisor who authorizes the override")
    refuse_control("override_reason", override.reason)
    refuse_control("by", override.by)


def _checked(
    session: Session, row: RequestRow, problem: Problem, before: list[Assignment],
    after: list[Assignment], override: Override | None,
) -> list[Violation]:
    """The violations an override lifts; raises `MoveRefused` for any it may not."""
    new = added_violations(problem, before, after)
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


def _place(session: Session, row: RequestRow, officer_id: int,
           span: tuple[datetime, datetime]) -> dict[str, object]:
    """Add a confirmed shift (the solver keeps it); what the audit event says it is."""
    shift = AssignmentRow(request_id=row.id, officer_id=officer_id,
                          state=AssignmentState.CONFIRMED.value, start=span[0], end=span[1])
    session.add(shift)
    return {"state": shift.state, "start": span[0], "end": span[1]}


def _release(session: Session, shift: AssignmentRow) -> str:
    """Withdraw a proposal (deleted) or release a confirmed shift (kept, cancelled)."""
    if shift.state == AssignmentState.PROPOSED.value:
        session.delete(shift)
        return "withdrawn"
    shift.state = AssignmentState.CANCELLED.value
    return shift.state
