"""Rate engine: invoice lines, request and roster pricing, and quotes (rules.md sections 1-3).

This module is the public face of pricing; the solver, the API and the store import from here.
An invoice line is one rate type on one request: its minutes are summed over officers, dates and
padding and multiplied by the rate, and only then rounded half-up to cents, once. A request's
total is the sum of its lines; a roster's total is the sum of its requests' totals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from models.agency import Agency, PolicySettings
from models.common import InputError, to_cents, too_long
from models.quote import (
    CancellationCharge,
    CancellationQuoteRequest,
    InvoiceLine,
    Quote,
    QuoteRequest,
    RateType,
)
from models.request import Employer, Request
from models.result import Pricing, RequestPricing
from scheduler.agencies import get_agency
from scheduler.input_bounds import check_bounds
from scheduler.pricing.cancellation import price_cancellation
from scheduler.pricing.payroll import pay_lines
from scheduler.pricing.rate_card import (
    HOURLY_TYPES,
    check_priceable,
    effective_policy,
    hourly_rate,
    is_emergency,
    is_late,
)
from scheduler.pricing.shift_pricing import (
    HOURS_PLACES,
    ShiftPrice,
    classify_shift,
    hours_quantity,
    line_amount,
    price_shift,
    vehicle_amount,
)
from scheduler.timeutil import hours, to_minute

__all__ = [
    "ShiftPrice",
    "effective_policy",
    "invoice_lines",
    "is_emergency",
    "is_late",
    "pay_lines",
    "price_cancellation",
    "price_request",
    "price_roster",
    "price_shift",
    "quote",
    "quote_request",
]


def _sum_by(pairs: Iterable[tuple[RateType, int]]) -> dict[RateType, int]:
    totals: dict[RateType, int] = {}
    for kind, minutes in pairs:
        totals[kind] = totals.get(kind, 0) + minutes
    return totals


def _hour_line(
    request: Request,
    kind: RateType,
    minutes: int,
    rate: Decimal,
    amount: Decimal,
    padding: RateType | None = None,
) -> InvoiceLine:
    return InvoiceLine(
        request_id=request.id,
        rate_type=kind,
        quantity=hours_quantity(minutes),
        rate=rate,
        amount=amount,
        padding_rate_type=padding,
    )


def _hour_lines(
    request: Request, prices: Sequence[ShiftPrice], agency: Agency
) -> list[InvoiceLine]:
    """One line per hourly rate type worked, then one minimum-padding line per underlying type.

    Padding is shown apart but bills with the worked hours of its rate (rules.md 2.7 sums
    padding into a rate's hours): the two are rounded once together and the padding line
    carries the difference, so lengthening a short shift at one rate never saves a cent.
    """
    worked = _sum_by(pair for price in prices for pair in price.minutes_by_rate)
    padding = _sum_by((price.padding_rate_type, price.padding_minutes) for price in prices)
    worked_lines: list[InvoiceLine] = []
    padding_lines: list[InvoiceLine] = []
    for kind in HOURLY_TYPES:
        if not worked.get(kind) and not padding.get(kind):
            continue
        rate = hourly_rate(request, agency, kind)
        worked_amount = line_amount(worked.get(kind, 0), rate)
        if worked.get(kind):
            worked_lines.append(_hour_line(request, kind, worked[kind], rate, worked_amount))
        if padding.get(kind):
            together = line_amount(worked.get(kind, 0) + padding[kind], rate)
            padding_lines.append(
                _hour_line(
                    request,
                    "minimum_padding",
                    padding[kind],
                    rate,
                    together - worked_amount,
                    padding=kind,
                )
            )
    return worked_lines + padding_lines


def _vehicle_lines(
    request: Request, prices: Sequence[ShiftPrice], agency: Agency
) -> list[InvoiceLine]:
    """The vehicle line, separate from the officers' lines: static per hour, moving per mile."""
    kind = request.vehicle.kind
    if kind == "none" or not prices:
        return []
    billable = sum(price.billable_minutes for price in prices)
    worked = sum(price.worked_minutes for price in prices)
    # The charge is linear in minutes, so the summed minutes give the line's exact amount.
    amount = to_cents(vehicle_amount(request, agency, billable, worked))
    if kind == "static":
        rate = agency.rates.vehicle_static_per_hour or Decimal(0)
        return [
            InvoiceLine(
                request_id=request.id,
                rate_type="vehicle_static",
                quantity=hours_quantity(billable),
                rate=rate,
                amount=amount,
            )
        ]
    rate = agency.rates.vehicle_moving_per_mile or Decimal(0)
    request_minutes = max(to_minute(request.end) - to_minute(request.start), 1)
    miles = (Decimal(str(request.vehicle.miles)) * worked / request_minutes).quantize(HOURS_PLACES)
    return [
        InvoiceLine(
            request_id=request.id,
            rate_type="vehicle_moving",
            unit="mile",
            quantity=miles,
            rate=rate,
            amount=amount,
        )
    ]


def invoice_lines(
    request: Request, prices: Sequence[ShiftPrice], agency: Agency
) -> list[InvoiceLine]:
    """The request's invoice: worked hours, minimum padding, then the vehicle."""
    return [
        *_hour_lines(request, prices, agency),
        *_vehicle_lines(request, prices, agency),
    ]


def price_request(
    request: Request,
    shifts: Sequence[tuple[datetime, datetime]],
    agency: Agency,
    policy: PolicySettings,
    known: Sequence[ShiftPrice] | None = None,
) -> RequestPricing:
    """Price a request's assignments: one (start, end) per officer and segment; `known`, their
    prices where the caller has them already (`price_shift` of each, in the same order)."""
    check_priceable(request, agency)
    emergency = is_emergency(request.start, request.received_at, agency, policy)
    prices = (
        [classify_shift(request, start, end, agency, policy, emergency) for start, end in shifts]
        if known is None
        else list(known)
    )
    lines = invoice_lines(request, prices, agency)
    total = sum((line.amount for line in lines), Decimal(0))
    return RequestPricing(request_id=request.id, total=total, lines=lines)


def price_roster(
    requests: Mapping[str, Request],
    shifts: Sequence[tuple[str, datetime, datetime]],
    agency: Agency,
    policy: PolicySettings,
    known: Sequence[ShiftPrice] | None = None,
) -> Pricing:
    """Price every request that has assignments; the roster total is the sum of request totals.
    `known`: each shift's `price_shift`, in the order of `shifts`, where the caller priced them
    already (the solver's report prices each assignment for its own line first; pricing them
    twice was 22,370 classifications for 11,185 shifts on a fortnight of 1,000 officers)."""
    by_request: dict[str, list[tuple[datetime, datetime]]] = {}
    prices: dict[str, list[ShiftPrice]] = {}
    for k, (request_id, start, end) in enumerate(shifts):
        if request_id not in requests:
            raise InputError("shifts", f"assignment names unknown request {request_id}")
        by_request.setdefault(request_id, []).append((start, end))
        if known is not None:
            prices.setdefault(request_id, []).append(known[k])
    priced = [
        price_request(
            requests[request_id],
            by_request[request_id],
            agency,
            policy,
            None if known is None else prices[request_id],
        )
        for request_id in requests
        if request_id in by_request
    ]
    total = sum((item.total for item in priced), Decimal(0))
    return Pricing(total=total, currency=agency.currency, requests=priced)


def quote_request(
    request: Request, agency: Agency, policy: PolicySettings, officers: int | None = None
) -> Quote:
    """Price a whole request worked by N officers (default: the officers it asks for)."""
    count = request.officers_needed if officers is None else officers
    if count < 1:
        raise InputError("officers", f"must be at least 1, got {count}")
    pricing = price_request(request, [(request.start, request.end)] * count, agency, policy)
    one = price_shift(request, request.start, request.end, agency, policy)
    return Quote(
        agency=agency.id,
        request_id=request.id,
        officers=count,
        emergency=is_emergency(request.start, request.received_at, agency, policy),
        holiday_hours=hours(one.holiday_minutes),
        worked_hours_per_officer=hours(one.worked_minutes),
        billable_hours_per_officer=hours(one.billable_minutes),
        lines=pricing.lines,
        total=pricing.total,
        currency=agency.currency,
    )


def quote(q: QuoteRequest, agency: Agency | None = None) -> Quote:
    """A customer's quote: resolve the agency by id (shipped or from the agencies folder), or
    take the one given (a user's file), then price the request it describes."""
    agency = agency or get_agency(q.agency)
    return quote_request(_quoted(q), agency, effective_policy(agency))


def quote_cancellation(q: CancellationQuoteRequest) -> CancellationCharge:
    """What cancelling (or reducing) the quoted request at `notice_at` costs the customer."""
    agency = get_agency(q.agency)
    request = _quoted(q)
    return price_cancellation(request, q.start, q.end, q.officers_removed, q.notice_at, agency,
                              effective_policy(agency), q.worked_hours)


def _quoted(q: QuoteRequest) -> Request:
    """The request a quote describes, its years and numbers within what the rate engine
    computes with and its length within a request's (the console's quote form priced year 1 or
    9999 into an overflow, a 500)."""
    check_bounds(q)
    if (why := too_long(q.start, q.end)) is not None:
        raise InputError("end", f"the quote {why}")
    return Request(
        id="quote",
        employer=Employer(id="quote"),
        job_type=q.job_type,
        customer_rate=q.customer_rate,
        start=q.start,
        end=q.end,
        received_at=q.received_at,
        officers_needed=q.officers,
        vehicle=q.vehicle,
    )
