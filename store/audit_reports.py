"""The reports an auditor asks for: hours against the caps, approvals, billing against work.

- Hours: per officer per week (Monday 00:00 local), on-duty and off-duty hours together, against
  the weekly off-duty cap (the agency's, or the officer's own lower one). Off-duty hours are the
  agreed shifts (confirmed at their times, worked at the times worked), counted by the minutes
  inside the week, as the caps count them (rules.md section 5).
- Approvals: agreed shifts on requests that needed the chief's approval and had none in force
  at the shift's start (a file's approval counts as given before); an audit expects none.
- Reconciliation: per request, the hours invoiced (minimum padding included) against the hours
  worked, and the difference.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import PolicyOverrides
from scheduler.pricing.rates import effective_policy
from scheduler.timeutil import week_monday
from store.billing import invoice_items
from store.record_schema import ApprovalRow
from store.records import agency_of
from store.schema import (
    AgencyRow,
    AssignmentRow,
    AssignmentState,
    OfficerRow,
    OnDutyRow,
    RequestRow,
)

log = logging.getLogger(__name__)

AGREED = (AssignmentState.CONFIRMED.value, AssignmentState.WORKED.value)
HOURS = Decimal("0.01")


@dataclass(frozen=True)
class WeekHours:
    agency: str
    officer: str
    week: date
    on_duty: Decimal
    off_duty: Decimal
    cap: Decimal

    @property
    def total(self) -> Decimal:
        return self.on_duty + self.off_duty

    @property
    def over_cap(self) -> bool:
        return self.off_duty > self.cap

    def cells(self) -> list[str]:
        return [self.agency, self.officer, self.week.isoformat(), f"{self.on_duty}",
                f"{self.off_duty}", f"{self.total}", f"{self.cap}",
                "OVER" if self.over_cap else "ok"]


HOURS_COLUMNS = ("agency", "officer", "week", "on_duty_h", "off_duty_h", "total_h",
                 "weekly_cap_h", "cap")


def _agreed_times(row: AssignmentRow) -> tuple[datetime, datetime]:
    if row.state == AssignmentState.WORKED.value and row.worked_start and row.worked_end:
        return row.worked_start, row.worked_end
    return row.start, row.end


def _by_week(spans: list[tuple[datetime, datetime]], tz: object, first: date,
             last: date) -> dict[date, Decimal]:
    """Hours of the spans per week (Monday), counted by the minutes inside each week."""
    weeks: dict[date, Decimal] = defaultdict(Decimal)
    monday = week_monday(first)
    while monday <= last:
        start = datetime.combine(monday, time(0), tzinfo=tz)  # type: ignore[arg-type]
        end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=tz)  # type: ignore[arg-type]
        for s, e in spans:
            inside = (min(e, end) - max(s, start)).total_seconds()
            if inside > 0:
                weeks[monday] += Decimal(int(inside)) / 3600
        monday += timedelta(days=7)
    return weeks


def hours_report(session: Session, first: date, last: date,
                 agency: str | None = None) -> list[WeekHours]:
    """Every officer with any hours in the weeks touching [first, last]."""
    rows: list[WeekHours] = []
    for agency_row in session.scalars(select(AgencyRow).order_by(AgencyRow.id)):
        if agency and agency_row.id != agency:
            continue
        full = agency_of(agency_row)
        policy = effective_policy(full, PolicyOverrides.model_validate(
            agency_row.policy_overrides or {}))
        for officer in session.scalars(select(OfficerRow).where(
                OfficerRow.agency_id == agency_row.id).order_by(OfficerRow.code)):
            duty = [(b.start, b.end) for b in session.scalars(
                select(OnDutyRow).where(OnDutyRow.officer_id == officer.id))]
            shifts = [_agreed_times(a) for a in session.scalars(select(AssignmentRow).where(
                AssignmentRow.officer_id == officer.id, AssignmentRow.state.in_(AGREED)))]
            on, off = (_by_week(x, full.tz, first, last) for x in (duty, shifts))
            cap = min(policy.max_hours_per_week, officer.max_hours_per_week or 1e9)
            for week in sorted(set(on) | set(off)):
                rows.append(WeekHours(agency_row.id, officer.code, week,
                                      on[week].quantize(HOURS), off[week].quantize(HOURS),
                                      Decimal(str(cap)).quantize(HOURS)))
    return rows


def needed_approvals(row: RequestRow) -> list[str]:
    """The approvals a request needs before it is worked (rules.md section 4)."""
    needed = []
    if row.alcohol_served and row.post == "outside":
        needed.append("chief_alcohol_outside")
    if row.uniformed and not row.within_city_limits:
        needed.append("out_of_city_uniform")
    return needed


def unapproved_work(session: Session) -> list[tuple[str, str, str, datetime, str]]:
    """(request, officer, state, shift start, missing approval) for each agreed shift that
    started without the approval it needed."""
    found = []
    query = select(AssignmentRow).where(AssignmentRow.state.in_(AGREED)).order_by(
        AssignmentRow.start, AssignmentRow.id)
    for shift in session.scalars(query):
        request = shift.request
        from_file = {a["kind"] for a in request.approvals}
        for kind in needed_approvals(request):
            if kind in from_file or _approved_before(session, request.id, kind, shift.start):
                continue
            found.append((request.code, shift.officer.code, shift.state, shift.start, kind))
    return found


def _approved_before(session: Session, request_id: int, kind: str, moment: datetime) -> bool:
    """Whether an approval of `kind` was in force at `moment`."""
    for approval in session.scalars(select(ApprovalRow).where(
            ApprovalRow.request_id == request_id, ApprovalRow.kind == kind)):
        if approval.approved_at <= moment and (approval.withdrawn_at is None
                                               or approval.withdrawn_at > moment):
            return True
    return False


def reconciliation(session: Session) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    """(request, hours billed, hours worked, billed minus worked) per invoiced request."""
    billed: dict[str, Decimal] = defaultdict(Decimal)
    for item in invoice_items(session, None, None):
        if item.line.unit == "hour":
            billed[item.request_id] += item.line.quantity
    worked: dict[str, Decimal] = defaultdict(Decimal)
    for shift in session.scalars(select(AssignmentRow).where(
            AssignmentRow.state == AssignmentState.WORKED.value)):
        assert shift.worked_start is not None and shift.worked_end is not None
        seconds = int((shift.worked_end - shift.worked_start).total_seconds())
        worked[shift.request.code] += Decimal(seconds) / 3600
    return [(code, billed[code].quantize(HOURS), worked[code].quantize(HOURS),
             (billed[code] - worked[code]).quantize(HOURS))
            for code in sorted(set(billed) | set(worked))]
