"""Cancellation and reduction charges (rules.md section 3), both notice brackets and exactly 48 h.

Kennesaw admin fees per line: regular 6.80, emergency 7.85, holiday 8.90, contract 11.90, so
officer pay P is 69.25, 79.90, 90.55 and 105.10 an hour. Rockport: admin 8.00, P = 48.50.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from models.common import InputError
from models.quote import CancellationCharge
from models.request import Employer, Request
from scheduler.agencies import get_agency
from scheduler.pricing.rates import price_cancellation

KENNESAW = get_agency("kennesaw-ga")
ROCKPORT = get_agency("rockport-tx")


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _cancel(
    agency_id: str, start: str, end: str, notice: str, affected: int = 1, needed: int = 1,
    worked: str = "0", received: str = "2026-11-01T00:00-05:00", **extra: object,
) -> CancellationCharge:
    agency = get_agency(agency_id)
    request = Request.model_validate({
        "id": "R-1", "employer": Employer(id="E-1"), "start": _at(start), "end": _at(end),
        "received_at": _at(received), "officers_needed": needed, **extra,
    })
    return price_cancellation(request, request.start, request.end, affected, _at(notice), agency,
                              agency.policy, Decimal(worked))


def test_72h_notice_bills_the_admin_fee_only() -> None:
    charge = _cancel("kennesaw-ga", "2026-12-10T16:00-05:00", "2026-12-10T20:00-05:00",
                     "2026-12-07T16:00-05:00")
    # 4 h x 6.80 = 27.20
    assert (charge.bracket, charge.total, charge.notice_hours) == (
        "48h_or_more", Decimal("27.20"), 72.0)
    assert (charge.charged_hours_admin, charge.charged_hours_pay) == (4.0, 0.0)


def test_exactly_48h_notice_is_the_first_bracket() -> None:
    charge = _cancel("kennesaw-ga", "2026-12-10T16:00-05:00", "2026-12-10T20:00-05:00",
                     "2026-12-08T16:00-05:00")
    # 4 h x 6.80 = 27.20
    assert (charge.bracket, charge.total) == ("48h_or_more", Decimal("27.20"))


def test_one_minute_inside_48h_adds_the_minimum_at_officer_pay() -> None:
    charge = _cancel("kennesaw-ga", "2026-12-10T16:00-05:00", "2026-12-10T20:00-05:00",
                     "2026-12-08T16:01-05:00")
    # max(0, 4) x 69.25 = 277.00 + 4 h x 6.80 = 27.20; 304.20
    assert (charge.bracket, charge.total) == ("under_48h", Decimal("304.20"))
    assert [(line.description, line.amount) for line in charge.lines] == [
        ("cancellation: admin fee for the first 24 hours", Decimal("27.20")),
        ("cancellation: officer pay for the hours worked or the minimum", Decimal("277.00")),
    ]
    assert (charge.admin_fee_per_hour, charge.officer_pay_per_hour) == (
        Decimal("6.80"), Decimal("69.25"))


def test_reduction_of_two_officers_after_five_hours_worked() -> None:
    charge = _cancel("kennesaw-ga", "2026-12-10T08:00-05:00", "2026-12-10T18:00-05:00",
                     "2026-12-09T08:00-05:00", affected=2, needed=3, worked="5")
    # admin 2 x 10 h x 6.80 = 136.00; pay 2 x max(5, 4) = 10 h x 69.25 = 692.50; 828.50
    assert (charge.charged_hours_admin, charge.charged_hours_pay) == (20.0, 10.0)
    assert charge.total == Decimal("828.50")


def test_admin_fee_stops_after_the_first_24_hours() -> None:
    charge = _cancel("kennesaw-ga", "2026-12-10T08:00-05:00", "2026-12-11T14:00-05:00",
                     "2026-12-01T08:00-05:00")
    # a 30 h assignment: min(24, 30) x 6.80 = 163.20
    assert charge.total == Decimal("163.20")


def test_rockport_under_48h() -> None:
    charge = _cancel("rockport-tx", "2026-12-10T10:00-06:00", "2026-12-10T13:00-06:00",
                     "2026-12-10T00:00-06:00")
    # admin 3 h x 8.00 = 24.00; pay max(0, 2) x 48.50 = 97.00; 121.00
    assert charge.total == Decimal("121.00")


def test_short_assignment_admin_hours_use_its_billable_minimum() -> None:
    charge = _cancel("rockport-tx", "2026-12-10T10:00-06:00", "2026-12-10T11:00-06:00",
                     "2026-12-01T10:00-06:00")
    # H = max(1, 2) = 2 h x 8.00 = 16.00
    assert charge.total == Decimal("16.00")


def test_holiday_start_uses_the_holiday_line() -> None:
    charge = _cancel("kennesaw-ga", "2026-12-25T10:00-05:00", "2026-12-25T14:00-05:00",
                     "2026-12-24T22:00-05:00")
    # admin 4 h x 8.90 = 35.60; pay 4 h x (99.45 - 8.90 = 90.55) = 362.20; 397.80
    assert (charge.admin_fee_per_hour, charge.officer_pay_per_hour) == (
        Decimal("8.90"), Decimal("90.55"))
    assert charge.total == Decimal("397.80")


def test_emergency_request_uses_the_emergency_line() -> None:
    charge = _cancel("kennesaw-ga", "2026-12-10T16:00-05:00", "2026-12-10T20:00-05:00",
                     "2026-12-09T16:00-05:00", received="2026-12-09T09:00-05:00")
    # admin 4 h x 7.85 = 31.40; pay 4 h x (87.75 - 7.85 = 79.90) = 319.60; 351.00
    assert charge.total == Decimal("351.00")


@pytest.mark.parametrize(
    ("notice", "worked", "total"),
    [
        ("2026-12-01T08:00-05:00", "0", "71.40"),    # 6 h x 11.90 = 71.40
        # cancelled mid-shift after 4.5 h: 4.5 h x (117.00 - 11.90 = 105.10) = 472.95 + 71.40
        ("2026-12-05T12:30-05:00", "4.5", "544.35"),
    ],
)
def test_contract_rate_cancellation(notice: str, worked: str, total: str) -> None:
    charge = _cancel("kennesaw-ga", "2026-12-05T08:00-05:00", "2026-12-05T14:00-05:00", notice,
                     worked=worked, customer_rate="Samaritan's Purse")
    assert charge.total == Decimal(total)


def test_notice_after_the_start_is_negative_and_under_48h() -> None:
    charge = _cancel("kennesaw-ga", "2026-12-10T16:00-05:00", "2026-12-10T20:00-05:00",
                     "2026-12-10T18:00-05:00", worked="2")
    # max(2, 4) x 69.25 = 277.00 + 27.20 = 304.20
    assert (charge.notice_hours, charge.bracket, charge.total) == (
        -2.0, "under_48h", Decimal("304.20"))


@pytest.mark.parametrize(
    ("affected", "worked", "field"),
    [(0, "0", "officers_affected"), (3, "0", "officers_affected"), (1, "-1", "worked_hours")],
)
def test_bad_counts_are_input_errors(affected: int, worked: str, field: str) -> None:
    with pytest.raises(InputError) as caught:
        _cancel("kennesaw-ga", "2026-12-10T16:00-05:00", "2026-12-10T20:00-05:00",
                "2026-12-01T16:00-05:00", affected=affected, needed=2, worked=worked)
    assert caught.value.field == field
