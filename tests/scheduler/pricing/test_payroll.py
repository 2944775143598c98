"""Officer pay lines: total rate minus that line's admin fee, padding paid, vehicles not pay."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from models.request import Employer, Request, Vehicle
from scheduler.agencies import get_agency
from scheduler.pricing.rates import pay_lines

KENNESAW = get_agency("kennesaw-ga")
ROCKPORT = get_agency("rockport-tx")


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _request(start: str, end: str, **extra: object) -> Request:
    return Request.model_validate({
        "id": "R-1", "employer": Employer(id="E-1"), "start": _at(start), "end": _at(end),
        "received_at": _at("2026-11-01T00:00-05:00"), **extra,
    })


def _summary(request: Request, shifts: list[tuple[str, str, str]], agency_id: str) -> list[tuple]:
    agency = get_agency(agency_id)
    timed = [(officer, _at(start), _at(end)) for officer, start, end in shifts]
    return [(line.officer_id, line.rate_type, f"{line.hours.normalize():f}", f"{line.rate:.2f}",
             f"{line.admin_fee:.2f}", f"{line.amount:.2f}")
            for line in pay_lines(request, timed, agency, agency.policy)]


def test_regular_pay_rounds_once_per_line() -> None:
    request = _request("2026-12-01T16:00-05:00", "2026-12-01T20:30-05:00")
    # 4.5 h x (76.05 - 6.80 = 69.25) = 311.625 -> 311.63
    assert _summary(request, [("K-1", "2026-12-01T16:00-05:00", "2026-12-01T20:30-05:00")],
                    "kennesaw-ga") == [("K-1", "regular", "4.5", "69.25", "6.80", "311.63")]


def test_holiday_hours_pay_at_the_holiday_line() -> None:
    request = _request("2026-12-23T22:00-05:00", "2026-12-24T02:00-05:00")
    # 2 h x 69.25 = 138.50; 2 h x (99.45 - 8.90 = 90.55) = 181.10
    assert _summary(request, [("K-1", "2026-12-23T22:00-05:00", "2026-12-24T02:00-05:00")],
                    "kennesaw-ga") == [
        ("K-1", "regular", "2", "69.25", "6.80", "138.50"),
        ("K-1", "holiday", "2", "90.55", "8.90", "181.10"),
    ]


def test_padding_is_paid_and_the_vehicle_is_not() -> None:
    request = _request("2026-12-01T16:00-05:00", "2026-12-01T18:00-05:00",
                       vehicle=Vehicle(kind="static"))
    # 2 h worked + 2 h padding = 4 h x 69.25 = 277.00
    assert _summary(request, [("K-1", "2026-12-01T16:00-05:00", "2026-12-01T18:00-05:00")],
                    "kennesaw-ga") == [("K-1", "regular", "4", "69.25", "6.80", "277.00")]


def test_officers_in_order_of_their_first_shift() -> None:
    request = _request("2026-12-01T08:00-06:00", "2026-12-01T18:00-06:00")
    shifts = [("R-7", "2026-12-01T08:00-06:00", "2026-12-01T11:00-06:00"),
              ("R-2", "2026-12-01T11:00-06:00", "2026-12-01T15:00-06:00"),
              ("R-7", "2026-12-01T15:00-06:00", "2026-12-01T18:00-06:00")]
    # 6 h x (56.50 - 8.00 = 48.50) = 291.00; R-2: 4 h x 48.50 = 194.00
    assert _summary(request, shifts, "rockport-tx") == [
        ("R-7", "regular", "6", "48.50", "8.00", "291.00"),
        ("R-2", "regular", "4", "48.50", "8.00", "194.00"),
    ]


def test_contract_pay() -> None:
    request = _request("2026-12-05T08:00-05:00", "2026-12-05T13:00-05:00",
                       customer_rate="Samaritan's Purse")
    lines = _summary(request, [("K-1", "2026-12-05T08:00-05:00", "2026-12-05T13:00-05:00")],
                     "kennesaw-ga")
    # 5 h x (117.00 - 11.90 = 105.10) = 525.50
    assert lines == [("K-1", "contract", "5", "105.10", "11.90", "525.50")]
    assert Decimal(lines[0][5]) + 5 * Decimal(lines[0][4]) == Decimal("585.00")
