"""One officer's shift on one request, broken into minutes per rate type (rules.md section 2).

Worked time is real elapsed time in whole minutes (`scheduler.timeutil`), so a shift across a
DST change has its true length. Each minute is classified by its local calendar date (holiday
or not) and by the request (job type, contract, emergency); padding up to the agency minimum
bills at the rate type that applies at the shift's start. Money is only added up here for the
informational amount of one assignment: invoices round once per line (`scheduler.pricing.rates`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from models.agency import Agency, PolicySettings
from models.common import InputError, to_cents
from models.quote import RateType
from models.request import Request
from scheduler.pricing.holidays import is_holiday
from scheduler.pricing.rate_card import (
    aware_utc,
    check_priceable,
    hourly_rate,
    is_emergency,
    rate_type_for,
)
from scheduler.timeutil import local_date, split_by_local_day, to_minute

HOURS_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class ShiftPrice:
    """Minutes of one shift by rate type, and its informational amount in dollars."""

    worked_minutes: int
    billable_minutes: int
    holiday_minutes: int
    amount: Decimal
    minutes_by_rate: tuple[tuple[RateType, int], ...] = ()
    padding_rate_type: RateType = "regular"

    @property
    def padding_minutes(self) -> int:
        return self.billable_minutes - self.worked_minutes


def minimum_minutes(policy: PolicySettings) -> int:
    """The agency minimum per assignment, in whole minutes."""
    return round(policy.min_hours * 60)


def line_amount(minutes: int, rate_per_hour: Decimal) -> Decimal:
    """Minutes at an hourly rate, rounded half-up to cents once."""
    return to_cents(Decimal(minutes) * rate_per_hour / 60)


def hours_quantity(minutes: int) -> Decimal:
    """Minutes as hours for display on a line (amounts never use this rounded figure)."""
    return (Decimal(minutes) / 60).quantize(HOURS_PLACES)


def shift_minutes(start: datetime, end: datetime) -> tuple[int, int]:
    """Epoch minutes of an aware [start, end); end not after start is an input error."""
    first = to_minute(aware_utc(start, "start"))
    last = to_minute(aware_utc(end, "end"))
    if last <= first:
        raise InputError("end", f"end {end.isoformat()} is not after start {start.isoformat()}")
    return first, last


def _classify(
    request: Request, first: int, last: int, agency: Agency, emergency: bool
) -> tuple[dict[RateType, int], int]:
    """Worked minutes per rate type, and the minutes on listed holiday dates."""
    by_rate: dict[RateType, int] = {}
    holiday_minutes = 0
    for day, minutes in split_by_local_day(first, last, agency.tz):
        holiday = is_holiday(agency, day)
        kind = rate_type_for(request, agency, holiday=holiday, emergency=emergency)
        by_rate[kind] = by_rate.get(kind, 0) + minutes
        holiday_minutes += minutes if holiday else 0
    return by_rate, holiday_minutes


def rate_type_at(request: Request, minute: int, agency: Agency, emergency: bool) -> RateType:
    """The rate type of the minute starting at epoch `minute` (padding, cancellations)."""
    holiday = is_holiday(agency, local_date(minute, agency.tz))
    return rate_type_for(request, agency, holiday=holiday, emergency=emergency)


def vehicle_amount(request: Request, agency: Agency, billable: int, worked: int) -> Decimal:
    """Unrounded vehicle charge of one assignment: static per billable hour, moving per mile.

    A moving vehicle's miles are for one position over the whole request; a segment of a split
    position carries the share of miles matching its share of the request's time.
    """
    rates = agency.rates
    if request.vehicle.kind == "static" and rates.vehicle_static_per_hour is not None:
        return Decimal(billable) * rates.vehicle_static_per_hour / 60
    if request.vehicle.kind == "moving" and rates.vehicle_moving_per_mile is not None:
        request_minutes = to_minute(request.end) - to_minute(request.start)
        miles = Decimal(str(request.vehicle.miles))
        return miles * rates.vehicle_moving_per_mile * worked / max(request_minutes, 1)
    return Decimal(0)


def classify_shift(
    request: Request,
    start: datetime,
    end: datetime,
    agency: Agency,
    policy: PolicySettings,
    emergency: bool,
) -> ShiftPrice:
    """Price one assignment when the request's emergency flag is already known."""
    first, last = shift_minutes(start, end)
    by_rate, holiday_minutes = _classify(request, first, last, agency, emergency)
    worked = last - first
    billable = max(worked, minimum_minutes(policy))
    padding_type = rate_type_at(request, first, agency, emergency)
    dollars = sum(
        (Decimal(m) * hourly_rate(request, agency, kind) / 60 for kind, m in by_rate.items()),
        Decimal(0),
    )
    dollars += Decimal(billable - worked) * hourly_rate(request, agency, padding_type) / 60
    dollars += vehicle_amount(request, agency, billable, worked)
    return ShiftPrice(
        worked_minutes=worked,
        billable_minutes=billable,
        holiday_minutes=holiday_minutes,
        amount=to_cents(dollars),
        minutes_by_rate=tuple(by_rate.items()),
        padding_rate_type=padding_type,
    )


def price_shift(
    request: Request, start: datetime, end: datetime, agency: Agency, policy: PolicySettings
) -> ShiftPrice:
    """One officer's assignment [start, end) on `request`: minutes, billable time and amount."""
    check_priceable(request, agency)
    emergency = is_emergency(request.start, request.received_at, agency, policy)
    return classify_shift(request, start, end, agency, policy, emergency)
