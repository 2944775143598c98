"""Customer invoices and officer payroll for a period, priced from stored assignments.

Only agreed work is billed or paid: confirmed shifts at their scheduled times and worked shifts
at the times actually worked; proposals are not. A request belongs to the period of its local
start date. Cancellation charges recorded by `offduty cancel` join their request's invoice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import InvoiceLine, PayLine
from models.common import to_cents
from scheduler.pricing.rates import pay_lines, price_request
from scheduler.pricing.shift_pricing import HOURS_PLACES
from store.roster import RosterFilter, RosterLine, roster_lines
from store.schema import AssignmentState, CancellationRow, OfficerRow, RequestRow
from store.workflow import priced_context

BILLED_STATES = (AssignmentState.CONFIRMED.value, AssignmentState.WORKED.value)


@dataclass(frozen=True)
class InvoiceItem:
    """One invoice line of one request, with the customer it is billed to."""

    agency: str
    customer_id: str
    customer: str
    request_id: str
    request_date: date
    line: InvoiceLine

    def as_record(self) -> dict[str, object]:
        return {
            "agency": self.agency,
            "customer_id": self.customer_id,
            "customer": self.customer,
            "request_id": self.request_id,
            "date": self.request_date.isoformat(),
            "rate_type": self.line.rate_type,
            "description": _describe(self.line),
            "unit": self.line.unit,
            "quantity": f"{self.line.quantity}",
            "rate": f"{self.line.rate:.2f}",
            "amount": f"{self.line.amount:.2f}",
        }


@dataclass(frozen=True)
class PayItem:
    """One pay line: for work, or for a shift the customer cancelled late (section 3)."""

    agency: str
    officer_name: str
    request_date: date
    line: PayLine
    kind: str = "work"

    def as_record(self) -> dict[str, object]:
        return {
            "agency": self.agency,
            "kind": self.kind,
            "officer_id": self.line.officer_id,
            "officer_name": self.officer_name,
            "request_id": self.line.request_id,
            "date": self.request_date.isoformat(),
            "rate_type": self.line.rate_type,
            "hours": f"{self.line.hours}",
            "pay_rate": f"{self.line.rate:.2f}",
            "admin_fee_per_hour": f"{self.line.admin_fee:.2f}",
            "amount": f"{self.line.amount:.2f}",
        }


def _describe(line: InvoiceLine) -> str:
    text = getattr(line, "description", None)
    if text:
        return str(text)
    if line.rate_type == "minimum_padding" or line.padding_rate_type:
        return f"minimum hours padding ({line.padding_rate_type or 'regular'} rate)"
    return line.rate_type.replace("_", " ")


def _billed(session: Session, first: date | None, last: date | None) -> dict[str, list[RosterLine]]:
    """Billable roster lines grouped by request row key `agency/request`."""
    groups: dict[str, list[RosterLine]] = defaultdict(list)
    for line in roster_lines(session, RosterFilter(first=first, last=last)):
        if line.state in BILLED_STATES:
            groups[f"{line.agency}/{line.request_id}"].append(line)
    return groups


def _request_row(session: Session, key: str) -> RequestRow:
    agency, code = key.split("/", 1)
    row = session.scalar(
        select(RequestRow).where(RequestRow.agency_id == agency, RequestRow.code == code)
    )
    assert row is not None
    return row


def _times(line: RosterLine) -> tuple[datetime, datetime]:
    if line.worked_start is not None and line.worked_end is not None:
        return line.worked_start, line.worked_end
    return line.start, line.end


def invoice_items(session: Session, first: date | None, last: date | None) -> list[InvoiceItem]:
    """Every invoice line of the period: priced work, then recorded cancellation charges."""
    items: list[InvoiceItem] = []
    for key, lines in sorted(_billed(session, first, last).items()):
        row = _request_row(session, key)
        request, agency, policy = priced_context(session, row)
        pricing = price_request(request, [_times(line) for line in lines], agency, policy)
        items += [_item(row, request.start.date(), line) for line in pricing.lines]
    items += _cancellation_items(session, first, last)
    return items


def _item(row: RequestRow, day: date, line: InvoiceLine) -> InvoiceItem:
    return InvoiceItem(
        agency=row.agency_id,
        customer_id=row.employer_id,
        customer=row.employer_name or row.employer_id,
        request_id=row.code,
        request_date=day,
        line=line,
    )


def _cancellation_items(
    session: Session, first: date | None, last: date | None
) -> list[InvoiceItem]:
    items: list[InvoiceItem] = []
    for cancellation in session.scalars(select(CancellationRow).order_by(CancellationRow.id)):
        row = cancellation.request
        request, _agency, _policy = priced_context(session, row)
        day = request.start.date()
        if (first and day < first) or (last and day > last):
            continue
        for charge in cancellation.detail:
            for raw in charge.get("lines", []):
                items.append(_item(row, day, InvoiceLine.model_validate(raw)))
    return items


def customer_totals(items: list[InvoiceItem]) -> list[dict[str, object]]:
    """Per customer: how many requests and the total (sum of line amounts, already in cents)."""
    totals: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    requests: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for item in items:
        key = (item.agency, item.customer_id, item.customer)
        totals[key] += item.line.amount
        requests[key].add(item.request_id)
    return [
        {
            "agency": a,
            "customer_id": c,
            "customer": name,
            "requests": len(requests[(a, c, name)]),
            "total": f"{totals[(a, c, name)]:.2f}",
        }
        for a, c, name in sorted(totals)
    ]


def pay_items(session: Session, first: date | None, last: date | None) -> list[PayItem]:
    """Officer pay lines (net of the admin fee) for the period's confirmed and worked shifts."""
    items: list[PayItem] = []
    for key, lines in sorted(_billed(session, first, last).items()):
        row = _request_row(session, key)
        request, agency, policy = priced_context(session, row)
        names = {line.officer_id: line.officer_name for line in lines}
        shifts = [(line.officer_id, *_times(line)) for line in lines]
        for pay in pay_lines(request, shifts, agency, policy):
            items.append(
                PayItem(
                    agency=row.agency_id,
                    officer_name=names.get(pay.officer_id or "", ""),
                    request_date=request.start.date(),
                    line=pay,
                )
            )
    return items + _cancellation_pay(session, first, last)


def _cancellation_pay(session: Session, first: date | None, last: date | None) -> list[PayItem]:
    """A late cancellation bills the minimum hours at officer pay; that pay goes to the officers."""
    items: list[PayItem] = []
    for cancellation in session.scalars(select(CancellationRow).order_by(CancellationRow.id)):
        row = cancellation.request
        day = row.start.astimezone(priced_context(session, row)[1].tz).date()
        if (first and day < first) or (last and day > last):
            continue
        for charge in cancellation.detail:
            officers = charge.get("officers") or []
            if charge["bracket"] == "under_48h" and officers:
                items += [
                    PayItem(row.agency_id, _name(session, row, officer), day,
                            _late_cancellation_line(row.code, officer, charge, len(officers)),
                            kind="cancellation")
                    for officer in officers
                ]
    return items


def _late_cancellation_line(
    request_id: str, officer: str, charge: dict[str, Any], officers: int
) -> PayLine:
    hours = (Decimal(str(charge["charged_hours_pay"])) / officers).quantize(HOURS_PLACES)
    rate = Decimal(charge["officer_pay_per_hour"])
    return PayLine(
        request_id=request_id, officer_id=officer, rate_type=charge["lines"][-1]["rate_type"],
        hours=hours, rate=rate, admin_fee=Decimal(charge["admin_fee_per_hour"]),
        amount=to_cents(hours * rate),
    )


def _name(session: Session, row: RequestRow, officer: str) -> str:
    found = session.scalar(
        select(OfficerRow.name).where(
            OfficerRow.agency_id == row.agency_id, OfficerRow.code == officer
        )
    )
    return found or ""


def officer_totals(items: list[PayItem]) -> list[dict[str, object]]:
    hours: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    amount: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for item in items:
        key = (item.agency, item.line.officer_id or "", item.officer_name)
        hours[key] += item.line.hours
        amount[key] += item.line.amount
    return [
        {
            "agency": a,
            "officer_id": o,
            "officer_name": n,
            "hours": f"{hours[(a, o, n)]}",
            "amount": f"{amount[(a, o, n)]:.2f}",
        }
        for a, o, n in sorted(hours)
    ]
