"""The dispatcher's workflow on stored assignments: confirm, cancel (priced), record worked hours.

State changes follow one path: a nightly run proposes, a dispatcher confirms (the solver then
keeps the shift exactly), and a confirmed shift is either worked (actual times recorded; they
feed the fairness window, the invoice and payroll) or cancelled. Cancelling a confirmed shift is
priced by rules.md section 3; a proposal that was never confirmed costs the customer nothing.
Each command holds its agency (`store.locking`) before reading what it checks, so it never
interleaves with a nightly's write.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import CancellationCharge, InputError, PolicyOverrides, PolicySettings, Request
from models.agency import Agency
from models.common import elapsed, refuse_seconds
from scheduler.pricing.rates import effective_policy, price_cancellation
from store.audit import record
from store.db import Store
from store.locking import hold_agencies
from store.records import agency_of, officer_by_code, request_by_code, request_from_row
from store.schema import (
    AgencyRow,
    AssignmentRow,
    AssignmentState,
    CancellationRow,
    RequestRow,
    RequestState,
)

ACTIVE = (AssignmentState.PROPOSED.value, AssignmentState.CONFIRMED.value)
WORKABLE = (AssignmentState.CONFIRMED.value, AssignmentState.WORKED.value)
MOST_WORKED = timedelta(hours=24)  # one recorded shift; the rest rule allows 16 in any 24


@dataclass
class Cancellation:
    """A priced cancellation: what the customer owes and which officers were released."""

    request_id: str
    officers: list[str]
    confirmed: int
    total: Decimal
    charges: list[CancellationCharge] = field(default_factory=list)
    charged_officers: list[list[str]] = field(default_factory=list)

    def detail(self) -> list[dict[str, object]]:
        """What the store keeps per charge: the charge itself and the officers it pays."""
        return [
            {**charge.model_dump(mode="json"), "officers": officers}
            for charge, officers in zip(self.charges, self.charged_officers, strict=True)
        ]

    def summary(self) -> str:
        if not self.charges:
            return (
                f"{self.request_id}: cancelled; no confirmed officer was affected, "
                f"no charge (total 0.00)"
            )
        brackets = ", ".join(sorted({c.bracket for c in self.charges}))
        return (
            f"{self.request_id}: cancelled {self.confirmed} confirmed officer(s) "
            f"({brackets}); charge {self.total:.2f}"
        )


def priced_context(session: Session, row: RequestRow) -> tuple[Request, Agency, PolicySettings]:
    """The request, its agency and the agency's effective policy, as the rate engine takes them."""
    agency_row = session.get(AgencyRow, row.agency_id)
    assert agency_row is not None
    agency = agency_of(agency_row)
    overrides = PolicyOverrides.model_validate(agency_row.policy_overrides or {})
    policy = effective_policy(agency, overrides)
    return request_from_row(row, {agency.id: agency}), agency, policy


def confirm(store: Store, request: str | None, *, agency: str | None = None) -> int:
    """Confirm the proposals of one request (or all, with `request=None`); returns how many."""
    with store.write() as session:
        query = select(AssignmentRow).where(AssignmentRow.state == AssignmentState.PROPOSED.value)
        if request is not None:
            row = request_by_code(session, request, agency)
            hold_agencies(session, [row.agency_id])
            query = query.where(AssignmentRow.request_id == row.id)
        else:
            hold_agencies(session, None if agency is None else [agency])
            if agency is not None:
                query = query.join(RequestRow).where(RequestRow.agency_id == agency)
        proposals = list(session.scalars(query))
        for proposal in proposals:
            proposal.state = AssignmentState.CONFIRMED.value
            _audit_shift(session, "confirm", proposal, {"state": "proposed"},
                         {"state": "confirmed"})
        return len(proposals)


def _audit_shift(
    session: Session, action: str, shift: AssignmentRow, before: object, after: object
) -> None:
    """One event about one officer's shift on one request."""
    record(session, action, agency=shift.request.agency_id, request=shift.request.code,
           officer=shift.officer.code, before=before, after=after)


def cancel(
    store: Store,
    request: str,
    *,
    at: datetime | None = None,
    officer: str | None = None,
    agency: str | None = None,
) -> Cancellation:
    """Cancel a request (or, with `officer`, reduce it by that officer) and price the notice."""
    notice_at = (at or datetime.now(UTC)).astimezone(UTC)
    with store.write() as session:
        row = request_by_code(session, request, agency)
        hold_agencies(session, [row.agency_id])
        if row.state == RequestState.CANCELLED.value:
            raise InputError("request", f"{request} is already cancelled")
        _notice_after_receipt(session, row, notice_at)
        targets = _targets(session, row, officer)
        _notice_before_end(session, row, targets, officer, notice_at)
        result = _price(session, row, targets, notice_at)
        for target in targets:
            target.state = AssignmentState.CANCELLED.value
        before = {"state": row.state, "officers_needed": row.officers_needed}
        _shrink_or_cancel(row, officer, notice_at)
        record(session, "cancel", agency=row.agency_id, request=row.code, officer=officer,
               before=before, after={"state": row.state, "officers_needed": row.officers_needed,
                                     "notice_at": notice_at, "released": result.officers,
                                     "charge": result.total})
        if result.charges or targets:
            session.add(
                CancellationRow(
                    request_id=row.id,
                    notice_at=notice_at,
                    officers=result.officers,
                    bracket=result.charges[0].bracket if result.charges else "none",
                    total=result.total,
                    detail=result.detail(),
                )
            )
        return result


def price_cancel(
    store: Store, request: str, *, at: datetime | None = None, officer: str | None = None,
    agency: str | None = None,
) -> Cancellation:
    """What `cancel` would charge now, without cancelling (the console shows it first)."""
    notice_at = (at or datetime.now(UTC)).astimezone(UTC)
    with store.transaction() as session:
        row = request_by_code(session, request, agency)
        if row.state == RequestState.CANCELLED.value:
            raise InputError("request", f"{request} is already cancelled")
        _notice_after_receipt(session, row, notice_at)
        targets = _targets(session, row, officer)
        _notice_before_end(session, row, targets, officer, notice_at)
        return _price(session, row, targets, notice_at)


def _notice_after_receipt(session: Session, row: RequestRow, notice_at: datetime) -> None:
    """A cancellation cannot come before the request was received: priced as 48 hours' notice
    or more, it would have billed the admin fee only, and been kept so."""
    if notice_at < row.received_at:
        tz = priced_context(session, row)[1].tz
        raise InputError(
            "at",
            f"{notice_at.astimezone(tz).isoformat()} is before {row.code} was received "
            f"({row.received_at.astimezone(tz).isoformat()})",
        )


def _notice_before_end(
    session: Session, row: RequestRow, targets: list[AssignmentRow], officer: str | None,
    notice_at: datetime,
) -> None:
    """Work that has ended is recorded as worked, not cancelled: a cancellation after the last
    shift it releases (or, with none, after the request) ended was accepted and billed as notice."""
    end = max((t.end for t in targets), default=row.end)
    if notice_at >= end:
        tz = priced_context(session, row)[1].tz
        whose = row.code if officer is None else f"{officer}'s shift on {row.code}"
        raise InputError(
            "at",
            f"{notice_at.astimezone(tz).isoformat()} is not before {whose} ended "
            f"({end.astimezone(tz).isoformat()}); record the hours worked instead",
        )


def _targets(session: Session, row: RequestRow, officer: str | None) -> list[AssignmentRow]:
    query = select(AssignmentRow).where(
        AssignmentRow.request_id == row.id, AssignmentRow.state.in_(ACTIVE)
    )
    if officer is not None:
        query = query.where(
            AssignmentRow.officer_id == officer_by_code(session, row.agency_id, officer).id
        )
    targets = list(session.scalars(query.order_by(AssignmentRow.start, AssignmentRow.id)))
    if officer is not None and not targets:
        raise InputError("officer", f"{officer} holds no open assignment on {row.code}")
    return targets


def _price(
    session: Session, row: RequestRow, targets: list[AssignmentRow], notice_at: datetime
) -> Cancellation:
    """One charge per confirmed shift time (officers on the same times share one charge)."""
    request, agency, policy = priced_context(session, row)
    groups: dict[tuple[datetime, datetime], list[AssignmentRow]] = defaultdict(list)
    for target in targets:
        if target.state == AssignmentState.CONFIRMED.value:
            groups[(target.start, target.end)].append(target)
    charges = [
        price_cancellation(
            request,
            start.astimezone(agency.tz),
            end.astimezone(agency.tz),
            len(group),
            notice_at,
            agency,
            policy,
        )
        for (start, end), group in sorted(groups.items())
    ]
    charged = [sorted(t.officer.code for t in group) for _, group in sorted(groups.items())]
    return Cancellation(
        request_id=row.code,
        officers=sorted({t.officer.code for t in targets}),
        confirmed=sum(len(g) for g in groups.values()),
        total=sum((c.total for c in charges), Decimal(0)),
        charges=charges,
        charged_officers=charged,
    )


def _shrink_or_cancel(row: RequestRow, officer: str | None, notice_at: datetime) -> None:
    """A reduction leaves one position fewer; removing the last position cancels the request."""
    if officer is not None and row.officers_needed > 1:
        row.officers_needed -= 1
        return
    row.state = RequestState.CANCELLED.value
    row.cancelled_at = notice_at


def record_worked(
    store: Store,
    request: str,
    officer: str,
    start: datetime,
    end: datetime,
    *,
    agency: str | None = None,
    now: datetime | None = None,
) -> AssignmentRow:
    """Record the hours an officer actually worked on a confirmed shift that has begun.

    A shift already recorded as worked may be recorded again (a correction of its times).
    """
    refuse_seconds(start=start, end=end)
    span = elapsed(start, end)
    if span <= timedelta(0):
        raise InputError("end", f"{end.isoformat()} is not after start {start.isoformat()}")
    if span > MOST_WORKED:
        # 172.5 hours on a 4.5-hour shift were kept, and counted in every later fairness window.
        raise InputError("end", f"{span / timedelta(hours=1):g} hours after start "
                         f"{start.isoformat()}; one shift is worked for at most 24 hours")
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    with store.write() as session:
        row = request_by_code(session, request, agency)
        hold_agencies(session, [row.agency_id])
        officer_row = officer_by_code(session, row.agency_id, officer)
        shift = _worked_shift(session, row, officer_row.id, (start, end), officer)
        if _overlap(shift, start, end) <= 0:
            tz = priced_context(session, row)[1].tz
            local = [t.astimezone(tz).isoformat() for t in (start, end, shift.start, shift.end)]
            raise InputError("start", f"{local[0]} to {local[1]} does not overlap {officer}'s "
                             f"shift on {request} ({local[2]} to {local[3]})")
        if shift.start > moment:
            tz = priced_context(session, row)[1].tz
            raise InputError(
                "now",
                f"{officer}'s shift on {request} starts {shift.start.astimezone(tz).isoformat()}, "
                f"after now ({moment.astimezone(tz).isoformat()}); record it once it has begun",
            )
        before = {"state": shift.state, "worked_start": shift.worked_start,
                  "worked_end": shift.worked_end}
        shift.state = AssignmentState.WORKED.value
        shift.worked_start = start
        shift.worked_end = end
        _audit_shift(session, "worked", shift, before, {"state": shift.state,
                                                        "worked_start": start,
                                                        "worked_end": end})
        return shift


def _worked_shift(
    session: Session, row: RequestRow, officer_id: int, span: tuple[datetime, datetime],
    officer: str,
) -> AssignmentRow:
    """The officer's confirmed (or worked) shift on the request that overlaps `span` most."""
    held = list(
        session.scalars(
            select(AssignmentRow).where(
                AssignmentRow.request_id == row.id,
                AssignmentRow.officer_id == officer_id,
                AssignmentRow.state != AssignmentState.CANCELLED.value,
            )
        )
    )
    if not held:
        raise InputError("officer", f"{officer} holds no assignment on {row.code}")
    agreed = [a for a in held if a.state in WORKABLE]
    if not agreed:
        raise InputError(
            "officer", f"{officer} is only proposed on {row.code}; confirm the shift first"
        )
    return max(agreed, key=lambda a: _overlap(a, *span))


def _overlap(row: AssignmentRow, start: datetime, end: datetime) -> float:
    return (min(row.end, end) - max(row.start, start)).total_seconds()
