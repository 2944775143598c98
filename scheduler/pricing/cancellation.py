"""Charges for cancelling or reducing an approved, scheduled assignment (rules.md section 3).

A = admin fee per hour of the rate line at the original shift's start, H = billable hours per
officer, M = agency minimum, W = hours already worked, P = total rate - A.
- 48 hours' notice or more (exactly 48 included): A x min(24, H) per affected officer.
- Less: max(W, M) x P + A x min(24, H) per affected officer. The page says "officer hours worked
  or the agency minimum hours plus ODM administrative fees"; those hours bill at officer pay so
  the admin fee is not charged twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from models.agency import Agency, PolicySettings
from models.common import InputError, to_cents
from models.quote import CancellationCharge, InvoiceLine
from models.request import Request
from scheduler.pricing.rate_card import (
    admin_fee,
    aware_utc,
    check_priceable,
    hourly_rate,
    is_emergency,
)
from scheduler.pricing.shift_pricing import (
    HOURS_PLACES,
    hours_quantity,
    minimum_minutes,
    rate_type_at,
    shift_minutes,
)

FULL_NOTICE = timedelta(hours=48)
ADMIN_CAP_MINUTES = 24 * 60


def _check_counts(request: Request, officers_affected: int, worked_hours: Decimal) -> None:
    if not 1 <= officers_affected <= request.officers_needed:
        raise InputError(
            "officers_affected",
            f"request {request.id}: must be 1 to {request.officers_needed}, "
            f"got {officers_affected}",
        )
    if worked_hours < 0:
        raise InputError("worked_hours", f"request {request.id}: must not be negative")


def price_cancellation(
    request: Request,
    shift_start: datetime,
    shift_end: datetime,
    officers_affected: int,
    notice_at: datetime,
    agency: Agency,
    policy: PolicySettings,
    worked_hours: Decimal = Decimal(0),
) -> CancellationCharge:
    """What the customer owes for removing `officers_affected` officers from a scheduled shift."""
    check_priceable(request, agency)
    _check_counts(request, officers_affected, worked_hours)
    first, last = shift_minutes(shift_start, shift_end)
    notice = aware_utc(shift_start, "start") - aware_utc(notice_at, "notice_at")
    emergency = is_emergency(request.start, request.received_at, agency, policy)
    kind = rate_type_at(request, first, agency, emergency)
    fee = admin_fee(agency, kind)
    pay = hourly_rate(request, agency, kind) - fee
    billable = max(last - first, minimum_minutes(policy))
    admin_minutes = officers_affected * min(ADMIN_CAP_MINUTES, billable)
    lines = [
        InvoiceLine(
            request_id=request.id,
            rate_type=kind,
            quantity=hours_quantity(admin_minutes),
            rate=fee,
            amount=to_cents(Decimal(admin_minutes) * fee / 60),
            description="cancellation: admin fee for the first 24 hours",
        )
    ]
    pay_hours = Decimal(0)
    if notice < FULL_NOTICE:
        per_officer = max(worked_hours, Decimal(minimum_minutes(policy)) / 60)
        pay_hours = per_officer * officers_affected
        lines.append(
            InvoiceLine(
                request_id=request.id,
                rate_type=kind,
                rate=pay,
                quantity=pay_hours.quantize(HOURS_PLACES),
                amount=to_cents(pay_hours * pay),
                description="cancellation: officer pay for the hours worked or the minimum",
            )
        )
    return CancellationCharge(
        request_id=request.id,
        officers_affected=officers_affected,
        notice_hours=round(notice.total_seconds() / 3600, 4),
        bracket="48h_or_more" if notice >= FULL_NOTICE else "under_48h",
        admin_fee_per_hour=fee,
        officer_pay_per_hour=pay,
        charged_hours_admin=admin_minutes / 60,
        charged_hours_pay=float(pay_hours),
        lines=lines,
        total=sum((line.amount for line in lines), Decimal(0)),
    )
