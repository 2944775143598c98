"""Pricing a request's assignments and a whole roster: lines summed over officers and segments."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from models.common import InputError
from models.quote import InvoiceLine
from models.request import Employer, Request, Vehicle
from scheduler.agencies import get_agency
from scheduler.pricing.rates import price_request, price_roster
from scheduler.pricing.shift_pricing import price_shift

KENNESAW = get_agency("kennesaw-ga")
ROCKPORT = get_agency("rockport-tx")


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _request(request_id: str, start: str, end: str, **extra: object) -> Request:
    return Request.model_validate({
        "id": request_id, "employer": Employer(id="E-1"), "start": _at(start), "end": _at(end),
        "received_at": _at("2026-11-01T00:00-05:00"), **extra,
    })


def _summary(lines: list[InvoiceLine]) -> list[tuple[str, str, str]]:
    return [(line.rate_type + (f"@{line.padding_rate_type}" if line.padding_rate_type else ""),
             f"{line.quantity.normalize():f}", f"{line.amount:.2f}") for line in lines]


def test_padding_at_different_underlying_rates_gets_separate_lines() -> None:
    request = _request("R-1", "2026-12-23T22:00-06:00", "2026-12-24T02:00-06:00", officers_needed=2)
    shifts = [(_at("2026-12-23T23:00-06:00"), _at("2026-12-24T00:00-06:00")),
              (_at("2026-12-24T00:00-06:00"), _at("2026-12-24T01:00-06:00"))]
    pricing = price_request(request, shifts, ROCKPORT, ROCKPORT.policy)
    # 1 h x 56.50; 1 h x 67.80; padding 1 h at regular x 56.50; padding 1 h at holiday x 67.80
    assert _summary(pricing.lines) == [
        ("regular", "1", "56.50"), ("holiday", "1", "67.80"),
        ("minimum_padding@regular", "1", "56.50"), ("minimum_padding@holiday", "1", "67.80"),
    ]
    assert pricing.total == Decimal("248.60")


def test_segments_of_a_long_request_each_meet_the_minimum_and_sum_to_the_whole() -> None:
    request = _request("R-1", "2026-12-01T06:00-05:00", "2026-12-01T20:00-05:00")
    segments = [(_at("2026-12-01T06:00-05:00"), _at("2026-12-01T13:00-05:00")),
                (_at("2026-12-01T13:00-05:00"), _at("2026-12-01T20:00-05:00"))]
    pricing = price_request(request, segments, KENNESAW, KENNESAW.policy)
    # 14 h x 76.05 = 1064.70
    assert _summary(pricing.lines) == [("regular", "14", "1064.70")]


def test_short_segment_is_padded_on_its_own() -> None:
    request = _request("R-1", "2026-12-01T06:00-05:00", "2026-12-01T20:00-05:00")
    segments = [(_at("2026-12-01T06:00-05:00"), _at("2026-12-01T18:00-05:00")),
                (_at("2026-12-01T18:00-05:00"), _at("2026-12-01T20:00-05:00"))]
    pricing = price_request(request, segments, KENNESAW, KENNESAW.policy)
    # 14 h x 76.05 = 1064.70; the 2 h segment is padded 2 h x 76.05 = 152.10; 1216.80
    assert pricing.total == Decimal("1216.80")


def test_moving_vehicle_miles_are_per_position_across_segments() -> None:
    request = _request("R-1", "2026-12-01T08:00-06:00", "2026-12-01T18:00-06:00",
                       vehicle=Vehicle(kind="moving", miles=50))
    segments = [(_at("2026-12-01T08:00-06:00"), _at("2026-12-01T12:00-06:00")),
                (_at("2026-12-01T12:00-06:00"), _at("2026-12-01T18:00-06:00"))]
    pricing = price_request(request, segments, ROCKPORT, ROCKPORT.policy)
    # 10 h x 56.50 = 565.00; 50 mi x 0.63 = 31.50; 596.50
    assert _summary(pricing.lines) == [("regular", "10", "565.00"),
                                       ("vehicle_moving", "50", "31.50")]
    assert pricing.total == Decimal("596.50")


def test_request_without_assignments_costs_nothing() -> None:
    request = _request("R-1", "2026-12-01T16:00-05:00", "2026-12-01T20:00-05:00",
                       vehicle=Vehicle(kind="static"))
    pricing = price_request(request, [], KENNESAW, KENNESAW.policy)
    assert (pricing.total, pricing.lines) == (Decimal(0), [])


def test_roster_total_is_the_sum_of_request_totals() -> None:
    requests = {
        "R-1": _request("R-1", "2026-12-01T16:00-05:00", "2026-12-01T20:00-05:00"),
        "R-2": _request("R-2", "2026-12-02T16:00-05:00", "2026-12-02T20:30-05:00",
                        officers_needed=2),
        "R-3": _request("R-3", "2026-12-03T16:00-05:00", "2026-12-03T20:00-05:00"),
    }
    shifts = [
        ("R-2", requests["R-2"].start, requests["R-2"].end),
        ("R-1", requests["R-1"].start, requests["R-1"].end),
        ("R-2", requests["R-2"].start, requests["R-2"].end),
    ]
    pricing = price_roster(requests, shifts, KENNESAW, KENNESAW.policy)
    # 4 h x 76.05 = 304.20; R-2: 9 h x 76.05 = 684.45; R-3 unstaffed; 988.65
    assert [(p.request_id, p.total) for p in pricing.requests] == [
        ("R-1", Decimal("304.20")), ("R-2", Decimal("684.45"))]
    assert pricing.total == Decimal("988.65")
    assert pricing.model_dump(mode="json")["total"] == "988.65"


def test_a_roster_priced_from_its_known_shift_prices_is_the_same() -> None:
    # The solver's report prices each shift for its own line, then hands those prices over:
    # the roster (R-1 four hours, then R-2 twice 4.5 hours) is the same 988.65 as priced from
    # scratch, request by request.
    requests = {
        "R-1": _request("R-1", "2026-12-01T16:00-05:00", "2026-12-01T20:00-05:00"),
        "R-2": _request("R-2", "2026-12-02T16:00-05:00", "2026-12-02T20:30-05:00",
                        officers_needed=2),
    }
    shifts = [
        ("R-1", requests["R-1"].start, requests["R-1"].end),
        ("R-2", requests["R-2"].start, requests["R-2"].end),
        ("R-2", requests["R-2"].start, requests["R-2"].end),
    ]
    known = [price_shift(requests[r], s, e, KENNESAW, KENNESAW.policy) for r, s, e in shifts]
    assert [p.amount for p in known] == [Decimal("304.20"), Decimal("342.23"), Decimal("342.23")]
    given = price_roster(requests, shifts, KENNESAW, KENNESAW.policy, known)
    assert given == price_roster(requests, shifts, KENNESAW, KENNESAW.policy)
    assert given.total == Decimal("988.65")


def test_roster_shift_naming_an_unknown_request_is_an_input_error() -> None:
    request = _request("R-1", "2026-12-01T16:00-05:00", "2026-12-01T20:00-05:00")
    with pytest.raises(InputError, match="shifts: assignment names unknown request R-9"):
        price_roster({"R-1": request}, [("R-9", request.start, request.end)], KENNESAW,
                     KENNESAW.policy)


def test_request_at_an_agency_without_moving_vehicles_is_refused() -> None:
    request = _request("R-1", "2026-12-01T16:00-05:00", "2026-12-01T20:00-05:00",
                       vehicle=Vehicle(kind="moving", miles=5))
    with pytest.raises(InputError) as caught:
        price_request(request, [(request.start, request.end)], KENNESAW, KENNESAW.policy)
    assert caught.value.field == "vehicle.kind"
