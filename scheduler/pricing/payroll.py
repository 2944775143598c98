"""Officer pay for payroll: the total rate minus the admin fee of that rate line (rules.md 1-2).

Each officer is paid per rate type for every billable hour, padding up to the minimum included
(padding is paid at the rate type at the shift's start); vehicle charges are not pay. `rate` on
a pay line is the officer's pay per hour and `admin_fee` the fee kept per hour, so the two add
up to the billed rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from models.agency import Agency, PolicySettings
from models.common import to_cents
from models.quote import PayLine, RateType
from models.request import Request
from scheduler.pricing.rate_card import (
    HOURLY_TYPES,
    admin_fee,
    check_priceable,
    hourly_rate,
    is_emergency,
)
from scheduler.pricing.shift_pricing import classify_shift, hours_quantity


def _pay_line(
    request: Request, officer_id: str, kind: RateType, minutes: int, agency: Agency
) -> PayLine:
    fee = admin_fee(agency, kind)
    pay = hourly_rate(request, agency, kind) - fee
    return PayLine(
        request_id=request.id,
        officer_id=officer_id,
        rate_type=kind,
        hours=hours_quantity(minutes),
        rate=pay,
        admin_fee=fee,
        amount=to_cents(Decimal(minutes) * pay / 60),
    )


def pay_lines(
    request: Request,
    shifts: Sequence[tuple[str, datetime, datetime]],
    agency: Agency,
    policy: PolicySettings,
) -> list[PayLine]:
    """One pay line per officer and rate type, officers in order of their first shift."""
    check_priceable(request, agency)
    emergency = is_emergency(request.start, request.received_at, agency, policy)
    minutes: dict[str, dict[RateType, int]] = {}
    for officer_id, start, end in shifts:
        price = classify_shift(request, start, end, agency, policy, emergency)
        mine = minutes.setdefault(officer_id, {})
        for kind, worked in price.minutes_by_rate:
            mine[kind] = mine.get(kind, 0) + worked
        padding = price.padding_rate_type
        mine[padding] = mine.get(padding, 0) + price.padding_minutes
    return [
        _pay_line(request, officer_id, kind, by_kind[kind], agency)
        for officer_id, by_kind in minutes.items()
        for kind in HOURLY_TYPES
        if by_kind.get(kind)
    ]
