"""One shift's minutes by rate type, its billable time and its informational amount."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from models.common import InputError
from models.request import Employer, Request, Vehicle
from scheduler.agencies import get_agency
from scheduler.pricing.shift_pricing import price_shift

KENNESAW = get_agency("kennesaw-ga")
ROCKPORT = get_agency("rockport-tx")


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _request(
    start: str, end: str, received: str = "2026-11-01T00:00-05:00", **extra: object
) -> Request:
    return Request.model_validate({
        "id": "R-1", "employer": Employer(id="E-1"), "start": _at(start), "end": _at(end),
        "received_at": _at(received), **extra,
    })


def test_shift_into_a_holiday_splits_its_minutes_by_local_date() -> None:
    request = _request("2026-12-23T22:00-06:00", "2026-12-24T02:00-06:00")
    price = price_shift(request, request.start, request.end, ROCKPORT, ROCKPORT.policy)
    assert price.minutes_by_rate == (("regular", 120), ("holiday", 120))
    assert (price.worked_minutes, price.billable_minutes, price.holiday_minutes) == (240, 240, 120)
    # 2 h x 56.50 + 2 h x 67.80 = 113.00 + 135.60
    assert price.amount == Decimal("248.60")


def test_holiday_is_by_the_agency_zone_not_the_offset_written() -> None:
    # 05:00Z Dec 24 is 23:00 Dec 23 in Chicago: the first hour is not yet Christmas Eve.
    request = _request("2026-12-24T05:00+00:00", "2026-12-24T07:00+00:00")
    price = price_shift(request, request.start, request.end, ROCKPORT, ROCKPORT.policy)
    assert price.minutes_by_rate == (("regular", 60), ("holiday", 60))


def test_padding_follows_the_rate_at_the_start() -> None:
    request = _request("2026-12-24T23:00-05:00", "2026-12-25T01:00-05:00")
    price = price_shift(request, request.start, request.end, KENNESAW, KENNESAW.policy)
    assert (price.padding_minutes, price.padding_rate_type) == (120, "holiday")
    # 2 h worked x 99.45 + 2 h padding x 99.45 = 397.80
    assert price.amount == Decimal("397.80")


def test_assignment_amount_rounds_on_its_own_and_includes_the_vehicle() -> None:
    request = _request("2026-12-01T16:00-05:00", "2026-12-01T20:30-05:00",
                       vehicle=Vehicle(kind="static"))
    price = price_shift(request, request.start, request.end, KENNESAW, KENNESAW.policy)
    # 4.5 h x 76.05 = 342.225 plus 4.5 h x 8.19 = 36.855; 379.08 exactly -> 379.08
    assert price.amount == Decimal("379.08")


def test_segment_of_a_moving_request_carries_its_share_of_the_miles() -> None:
    request = _request("2026-12-01T08:00-06:00", "2026-12-01T18:00-06:00",
                       vehicle=Vehicle(kind="moving", miles=50))
    price = price_shift(request, request.start, _at("2026-12-01T12:00-06:00"), ROCKPORT,
                        ROCKPORT.policy)
    # 4 of 10 hours: 20 mi x 0.63 = 12.60 plus 4 h x 56.50 = 226.00; 238.60
    assert price.amount == Decimal("238.60")


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (datetime(2026, 12, 1, 16), _at("2026-12-01T20:00-05:00"), "start"),
        (_at("2026-12-01T16:00-05:00"), datetime(2026, 12, 1, 20), "end"),
        (_at("2026-12-01T16:00-05:00"), _at("2026-12-01T16:00-05:00"), "end"),
        (_at("2026-12-01T16:00-05:00"), _at("2026-12-01T15:00-05:00"), "end"),
    ],
)
def test_bad_shift_times_are_input_errors(start: datetime, end: datetime, field: str) -> None:
    request = _request("2026-12-01T16:00-05:00", "2026-12-01T20:00-05:00")
    with pytest.raises(InputError) as caught:
        price_shift(request, start, end, KENNESAW, KENNESAW.policy)
    assert caught.value.field == field
