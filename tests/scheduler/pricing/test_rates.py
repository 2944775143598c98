"""Hand-checked quotes at both agencies (rules.md section 2): every total worked out in a comment.

Rates: Kennesaw regular 76.05, holiday 99.45, emergency 87.75, traffic 93.60, traffic holiday
117.00, traffic emergency 105.30, Samaritan's Purse 117.00, static vehicle 8.19/h, minimum 4 h,
lead time 72 h. Rockport regular 56.50, holiday 67.80, static vehicle 18.39/h, moving 0.63/mile,
minimum 2 h, no emergency rate. Unless a case says otherwise the request arrives 30 days early.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from models.common import InputError
from models.quote import Quote, QuoteRequest
from scheduler.pricing.rates import quote

K = "kennesaw-ga"
R = "rockport-tx"


def _quote(agency: str, start: str, end: str, received: str | None = None, **extra: Any) -> Quote:
    received_at = received or (datetime.fromisoformat(start) - timedelta(days=30)).isoformat()
    data = {"agency": agency, "start": start, "end": end, "received_at": received_at, **extra}
    return quote(QuoteRequest.model_validate(data))


def _lines(result: Quote) -> list[tuple[str, str, str]]:
    """(rate type[@padding rate type], quantity, amount) of each line, for exact comparison."""
    return [
        (
            line.rate_type + (f"@{line.padding_rate_type}" if line.padding_rate_type else ""),
            f"{line.quantity.normalize():f}",
            f"{line.amount:.2f}",
        )
        for line in result.lines
    ]


CASES = [
    # 4 h x 76.05 = 304.20
    pytest.param(K, "2026-12-01T16:00-05:00", "2026-12-01T20:00-05:00", None, {},
                 [("regular", "4", "304.20")], "304.20", id="k-regular-4h"),
    # 2 h worked x 76.05 = 152.10; 2 h padding to the 4 h minimum x 76.05 = 152.10; 304.20
    pytest.param(K, "2026-12-01T16:00-05:00", "2026-12-01T18:00-05:00", None, {},
                 [("regular", "2", "152.10"), ("minimum_padding@regular", "2", "152.10")],
                 "304.20", id="k-below-minimum"),
    # 1 h x 56.50 = 56.50; 1 h padding to the 2 h minimum x 56.50 = 56.50; 113.00
    pytest.param(R, "2026-12-01T10:00-06:00", "2026-12-01T11:00-06:00", None, {},
                 [("regular", "1", "56.50"), ("minimum_padding@regular", "1", "56.50")],
                 "113.00", id="r-below-minimum"),
    # 3 h x 56.50 = 169.50
    pytest.param(R, "2026-12-01T10:00-06:00", "2026-12-01T13:00-06:00", None, {},
                 [("regular", "3", "169.50")], "169.50", id="r-regular-3h"),
    # 22:00 Dec 23 - 02:00 Christmas Eve: 2 h x 56.50 = 113.00 + 2 h x 67.80 = 135.60; 248.60
    pytest.param(R, "2026-12-23T22:00-06:00", "2026-12-24T02:00-06:00", None, {},
                 [("regular", "2", "113.00"), ("holiday", "2", "135.60")], "248.60",
                 id="r-into-christmas-eve"),
    # same at Kennesaw: 2 h x 76.05 = 152.10 + 2 h x 99.45 = 198.90; 351.00
    pytest.param(K, "2026-12-23T22:00-05:00", "2026-12-24T02:00-05:00", None, {},
                 [("regular", "2", "152.10"), ("holiday", "2", "198.90")], "351.00",
                 id="k-into-christmas-eve"),
    # 22:00 Christmas - 03:00 Dec 26: 2 h x 67.80 = 135.60 + 3 h x 56.50 = 169.50; 305.10
    pytest.param(R, "2026-12-25T22:00-06:00", "2026-12-26T03:00-06:00", None, {},
                 [("regular", "3", "169.50"), ("holiday", "2", "135.60")], "305.10",
                 id="r-out-of-christmas"),
    # 22:00 day after Thanksgiving - 03:00 Sat: 2 h x 99.45 = 198.90 + 3 h x 76.05 = 228.15; 427.05
    pytest.param(K, "2026-11-27T22:00-05:00", "2026-11-28T03:00-05:00", None, {},
                 [("regular", "3", "228.15"), ("holiday", "2", "198.90")], "427.05",
                 id="k-out-of-day-after-thanksgiving"),
    # 23:00 NYE - 00:30 New Year's Day: 1.5 h holiday x 67.80 = 101.70; padding 0.5 h at the
    # holiday rate of the start x 67.80 = 33.90; 135.60
    pytest.param(R, "2026-12-31T23:00-06:00", "2027-01-01T00:30-06:00", None, {},
                 [("holiday", "1.5", "101.70"), ("minimum_padding@holiday", "0.5", "33.90")],
                 "135.60", id="r-padding-at-holiday-start"),
    # 23:00 Dec 23 - 00:30 Christmas Eve: 1 h x 56.50 = 56.50; 0.5 h x 67.80 = 33.90; padding
    # 0.5 h at the regular rate of the start x 56.50 = 28.25; 118.65
    pytest.param(R, "2026-12-23T23:00-06:00", "2026-12-24T00:30-06:00", None, {},
                 [("regular", "1", "56.50"), ("holiday", "0.5", "33.90"),
                  ("minimum_padding@regular", "0.5", "28.25")], "118.65",
                 id="r-padding-at-regular-start-into-holiday"),
    # received 71 h 59 min before start: emergency, 4 h x 87.75 = 351.00
    pytest.param(K, "2026-12-10T16:00-05:00", "2026-12-10T20:00-05:00",
                 "2026-12-07T16:01-05:00", {}, [("emergency", "4", "351.00")], "351.00",
                 id="k-emergency-just-inside-lead-time"),
    # received exactly 72 h before start: not emergency, 4 h x 76.05 = 304.20
    pytest.param(K, "2026-12-10T16:00-05:00", "2026-12-10T20:00-05:00",
                 "2026-12-07T16:00-05:00", {}, [("regular", "4", "304.20")], "304.20",
                 id="k-exactly-at-lead-time"),
    # the same instant written in UTC (21:00Z = 16:00-05:00): still on time, 304.20
    pytest.param(K, "2026-12-10T16:00-05:00", "2026-12-10T20:00-05:00",
                 "2026-12-07T21:00+00:00", {}, [("regular", "4", "304.20")], "304.20",
                 id="k-lead-time-any-offset"),
    # late and short: 2 h x 87.75 = 175.50; padding 2 h at emergency x 87.75 = 175.50; 351.00
    pytest.param(K, "2026-12-10T16:00-05:00", "2026-12-10T18:00-05:00",
                 "2026-12-10T09:00-05:00", {},
                 [("emergency", "2", "175.50"), ("minimum_padding@emergency", "2", "175.50")],
                 "351.00", id="k-emergency-below-minimum"),
    # Rockport never bills emergency, even received after the start: 4 h x 56.50 = 226.00
    pytest.param(R, "2026-12-10T16:00-06:00", "2026-12-10T20:00-06:00",
                 "2026-12-10T17:00-06:00", {}, [("regular", "4", "226.00")], "226.00",
                 id="r-late-is-not-emergency"),
    # late on Christmas: holiday 99.45 beats emergency 87.75; 4 h x 99.45 = 397.80
    pytest.param(K, "2026-12-25T10:00-05:00", "2026-12-25T14:00-05:00",
                 "2026-12-24T10:00-05:00", {}, [("holiday", "4", "397.80")], "397.80",
                 id="k-holiday-beats-emergency"),
    # late, into Christmas Eve: 2 h x 87.75 = 175.50 + 2 h x 99.45 = 198.90; 374.40
    pytest.param(K, "2026-12-23T22:00-05:00", "2026-12-24T02:00-05:00",
                 "2026-12-23T09:00-05:00", {},
                 [("holiday", "2", "198.90"), ("emergency", "2", "175.50")], "374.40",
                 id="k-emergency-into-holiday"),
    # traffic: 4 h x 93.60 = 374.40
    pytest.param(K, "2026-12-01T16:00-05:00", "2026-12-01T20:00-05:00", None,
                 {"job_type": "traffic"}, [("traffic", "4", "374.40")], "374.40",
                 id="k-traffic"),
    # traffic on Christmas: 4 h x 117.00 = 468.00
    pytest.param(K, "2026-12-25T10:00-05:00", "2026-12-25T14:00-05:00", None,
                 {"job_type": "traffic"}, [("traffic_holiday", "4", "468.00")], "468.00",
                 id="k-traffic-holiday"),
    # late traffic: 4 h x 105.30 = 421.20
    pytest.param(K, "2026-12-10T16:00-05:00", "2026-12-10T20:00-05:00",
                 "2026-12-09T16:00-05:00", {"job_type": "traffic"},
                 [("traffic_emergency", "4", "421.20")], "421.20", id="k-traffic-emergency"),
    # late traffic on Christmas: 117.00 beats 105.30; 4 h x 117.00 = 468.00
    pytest.param(K, "2026-12-25T10:00-05:00", "2026-12-25T14:00-05:00",
                 "2026-12-24T10:00-05:00", {"job_type": "traffic"},
                 [("traffic_holiday", "4", "468.00")], "468.00",
                 id="k-traffic-holiday-beats-traffic-emergency"),
    # no traffic rate at Rockport: 3 h x 56.50 = 169.50 at regular
    pytest.param(R, "2026-12-01T10:00-06:00", "2026-12-01T13:00-06:00", None,
                 {"job_type": "traffic"}, [("regular", "3", "169.50")], "169.50",
                 id="r-traffic-bills-regular"),
    # ... and on Christmas at regular holiday: 3 h x 67.80 = 203.40
    pytest.param(R, "2026-12-25T10:00-06:00", "2026-12-25T13:00-06:00", None,
                 {"job_type": "traffic"}, [("holiday", "3", "203.40")], "203.40",
                 id="r-traffic-holiday-bills-holiday"),
    # contract: 5 h x 117.00 = 585.00
    pytest.param(K, "2026-12-05T08:00-05:00", "2026-12-05T13:00-05:00", None,
                 {"customer_rate": "Samaritan's Purse"}, [("contract", "5", "585.00")],
                 "585.00", id="k-contract"),
    # late contract: flagged emergency, still 5 h x 117.00 = 585.00
    pytest.param(K, "2026-12-05T08:00-05:00", "2026-12-05T13:00-05:00",
                 "2026-12-04T08:00-05:00", {"customer_rate": "Samaritan's Purse"},
                 [("contract", "5", "585.00")], "585.00", id="k-contract-late"),
    # contract on Christmas replaces the holiday rate: 5 h x 117.00 = 585.00
    pytest.param(K, "2026-12-25T08:00-05:00", "2026-12-25T13:00-05:00", None,
                 {"customer_rate": "samaritans purse"}, [("contract", "5", "585.00")],
                 "585.00", id="k-contract-holiday-name-loosely-matched"),
    # short contract: 2 h x 117.00 = 234.00; padding 2 h x 117.00 = 234.00; 468.00
    pytest.param(K, "2026-12-05T08:00-05:00", "2026-12-05T10:00-05:00", None,
                 {"customer_rate": "Samaritan's Purse"},
                 [("contract", "2", "234.00"), ("minimum_padding@contract", "2", "234.00")],
                 "468.00", id="k-contract-below-minimum"),
    # static vehicle: 5 h x 76.05 = 380.25 + 5 h x 8.19 = 40.95; 421.20
    pytest.param(K, "2026-12-01T16:00-05:00", "2026-12-01T21:00-05:00", None,
                 {"vehicle": {"kind": "static"}},
                 [("regular", "5", "380.25"), ("vehicle_static", "5", "40.95")], "421.20",
                 id="k-static-vehicle"),
    # short with vehicle: 3 h x 76.05 = 228.15; padding 1 h = 76.05; vehicle on all 4 billable
    # hours x 8.19 = 32.76; 336.96
    pytest.param(K, "2026-12-01T16:00-05:00", "2026-12-01T19:00-05:00", None,
                 {"vehicle": {"kind": "static"}},
                 [("regular", "3", "228.15"), ("minimum_padding@regular", "1", "76.05"),
                  ("vehicle_static", "4", "32.76")], "336.96",
                 id="k-static-vehicle-padding-included"),
    # 2 officers, each a vehicle: 6 h x 56.50 = 339.00 + 6 h x 18.39 = 110.34; 449.34
    pytest.param(R, "2026-12-01T10:00-06:00", "2026-12-01T13:00-06:00", None,
                 {"officers": 2, "vehicle": {"kind": "static"}},
                 [("regular", "6", "339.00"), ("vehicle_static", "6", "110.34")], "449.34",
                 id="r-static-vehicle-two-officers"),
    # moving: 3 h x 56.50 = 169.50 + 40 mi x 0.63 = 25.20; 194.70
    pytest.param(R, "2026-12-01T10:00-06:00", "2026-12-01T13:00-06:00", None,
                 {"vehicle": {"kind": "moving", "miles": 40}},
                 [("regular", "3", "169.50"), ("vehicle_moving", "40", "25.20")], "194.70",
                 id="r-moving-vehicle"),
    # 3 officers x 2.5 h = 7.5 h x 56.50 = 423.75; 3 x 15.5 = 46.5 mi x 0.63 = 29.295 -> 29.30
    # (half-up); 453.05
    pytest.param(R, "2026-12-01T10:00-06:00", "2026-12-01T12:30-06:00", None,
                 {"officers": 3, "vehicle": {"kind": "moving", "miles": 15.5}},
                 [("regular", "7.5", "423.75"), ("vehicle_moving", "46.5", "29.30")], "453.05",
                 id="r-moving-vehicle-three-officers-half-up"),
    # 3 officers x 4.5 h = one line of 13.5 h x 76.05 = 1026.675 -> 1026.68 (per officer
    # rounding would give 3 x 342.23 = 1026.69)
    pytest.param(K, "2026-12-01T16:00-05:00", "2026-12-01T20:30-05:00", None, {"officers": 3},
                 [("regular", "13.5", "1026.68")], "1026.68", id="k-three-officers-one-line"),
    # autumn DST: 00:00 EDT - 06:00 EST is 7 real hours x 76.05 = 532.35
    pytest.param(K, "2026-11-01T00:00-04:00", "2026-11-01T06:00-05:00", None, {},
                 [("regular", "7", "532.35")], "532.35", id="k-dst-autumn-7h"),
    # autumn DST in Chicago: 7 h x 56.50 = 395.50
    pytest.param(R, "2026-11-01T00:00-05:00", "2026-11-01T06:00-06:00", None, {},
                 [("regular", "7", "395.50")], "395.50", id="r-dst-autumn-7h"),
    # spring DST: 00:00 EST - 06:00 EDT is 5 real hours x 76.05 = 380.25
    pytest.param(K, "2026-03-08T00:00-05:00", "2026-03-08T06:00-04:00", None, {},
                 [("regular", "5", "380.25")], "380.25", id="k-dst-spring-5h"),
    # 4 h 06 min = 246 min x 76.05 / 60 = 311.805 -> 311.81 half-up (half-even says 311.80)
    pytest.param(K, "2026-12-01T16:00-05:00", "2026-12-01T20:06-05:00", None, {},
                 [("regular", "4.1", "311.81")], "311.81", id="k-4h06-rounds-half-up"),
    # 4 h 20 min = 260 min x 56.50 / 60 = 244.8333... -> 244.83
    pytest.param(R, "2026-12-01T10:00-06:00", "2026-12-01T14:20-06:00", None, {},
                 [("regular", "4.3333", "244.83")], "244.83", id="r-4h20"),
    # 4 h 20 min = 260 min x 76.05 / 60 = 329.55 exactly
    pytest.param(K, "2026-12-01T16:00-05:00", "2026-12-01T20:20-05:00", None, {},
                 [("regular", "4.3333", "329.55")], "329.55", id="k-4h20"),
    # July 4 parade, 2 officers x 1.5 h = 3 h x 67.80 = 203.40; padding 2 x 0.5 h = 1 h x 67.80
    # = 67.80; 271.20
    pytest.param(R, "2026-07-04T10:00-05:00", "2026-07-04T11:30-05:00", None, {"officers": 2},
                 [("holiday", "3", "203.40"), ("minimum_padding@holiday", "1", "67.80")],
                 "271.20", id="r-independence-day-two-officers-short"),
    # 2 officers 23:00 Dec 23 - 01:00 Christmas Eve: 2 h regular x 76.05 = 152.10; 2 h holiday
    # x 99.45 = 198.90; padding 2 x 2 h = 4 h at the regular start x 76.05 = 304.20; 655.20
    pytest.param(K, "2026-12-23T23:00-05:00", "2026-12-24T01:00-05:00", None, {"officers": 2},
                 [("regular", "2", "152.10"), ("holiday", "2", "198.90"),
                  ("minimum_padding@regular", "4", "304.20")], "655.20",
                 id="k-two-officers-short-into-holiday"),
]


@pytest.mark.parametrize(("agency", "start", "end", "received", "extra", "lines", "total"), CASES)
def test_hand_checked_quote(
    agency: str, start: str, end: str, received: str | None, extra: dict[str, Any],
    lines: list[tuple[str, str, str]], total: str,
) -> None:
    result = _quote(agency, start, end, received, **extra)
    assert _lines(result) == lines
    assert result.total == Decimal(total)
    assert result.total == sum((line.amount for line in result.lines), Decimal(0))


def test_case_count_meets_the_issue() -> None:
    assert len(CASES) >= 30


def test_quote_flags_and_per_officer_hours() -> None:
    # late Christmas contract at Kennesaw, 2 officers, 22:00 Dec 24 - 01:00 Dec 25 (3 h, padded
    # to 4): emergency flagged, holiday hours 3 per officer, total 2 x 4 h x 117.00 = 936.00
    result = _quote(K, "2026-12-24T22:00-05:00", "2026-12-25T01:00-05:00",
                    "2026-12-24T08:00-05:00", officers=2, customer_rate="Samaritan's Purse")
    assert result.emergency is True
    assert result.holiday_hours == 3.0
    assert result.worked_hours_per_officer == 3.0
    assert result.billable_hours_per_officer == 4.0
    assert result.officers == 2
    assert result.total == Decimal("936.00")


def test_holiday_hours_exclude_padding() -> None:
    # 23:00 NYE - 00:30 New Year's Day at Rockport: 1.5 h worked on holidays, 2 h billable
    result = _quote(R, "2026-12-31T23:00-06:00", "2027-01-01T00:30-06:00")
    assert (result.holiday_hours, result.billable_hours_per_officer) == (1.5, 2.0)


def test_json_money_is_a_two_place_string() -> None:
    data = _quote(K, "2026-12-01T16:00-05:00", "2026-12-01T20:30-05:00", officers=3).model_dump(
        mode="json"
    )
    assert data["total"] == "1026.68"
    assert data["lines"][0]["amount"] == "1026.68"
    assert data["lines"][0]["rate"] == "76.05"


@pytest.mark.parametrize(
    ("agency", "extra", "field"),
    [
        ("nowhere-tx", {}, "agency"),
        (K, {"customer_rate": "Acme"}, "customer_rate"),
        (R, {"customer_rate": "Samaritan's Purse"}, "customer_rate"),
        (K, {"vehicle": {"kind": "moving", "miles": 10}}, "vehicle.kind"),
    ],
)
def test_unpriceable_quotes_name_the_field(agency: str, extra: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as caught:
        _quote(agency, "2026-12-01T16:00-05:00", "2026-12-01T20:00-05:00", **extra)
    assert caught.value.field == field


# 08:00-16:00 local on each date. Listed holiday: 8 h x 99.45 = 795.60 at Kennesaw, 8 h x 67.80
# = 542.40 at Rockport; regular day: 8 h x 76.05 = 608.40, 8 h x 56.50 = 452.00.
HOLIDAY_2026 = {
    "new-years-day": ("2026-01-01", True, True),
    "mlk-day": ("2026-01-19", True, False),
    "presidents-day": ("2026-02-16", True, False),
    "good-friday": ("2026-04-03", False, False),
    "easter-sunday": ("2026-04-05", True, True),
    "memorial-day": ("2026-05-25", True, True),
    "juneteenth": ("2026-06-19", False, False),
    "observed-independence-day": ("2026-07-03", False, False),
    "independence-day": ("2026-07-04", True, True),
    "labor-day": ("2026-09-07", True, True),
    "columbus-day": ("2026-10-12", False, False),
    "veterans-day": ("2026-11-11", True, True),
    "thanksgiving": ("2026-11-26", True, True),
    "day-after-thanksgiving": ("2026-11-27", True, True),
    "christmas-eve": ("2026-12-24", True, True),
    "christmas-day": ("2026-12-25", True, True),
    "new-years-eve": ("2026-12-31", True, True),
}


@pytest.mark.parametrize(
    ("day", "at_kennesaw", "at_rockport"),
    [pytest.param(*value, id=name) for name, value in HOLIDAY_2026.items()],
)
def test_eight_hours_on_each_listed_and_unlisted_day(
    day: str, at_kennesaw: bool, at_rockport: bool
) -> None:
    start_k = datetime.fromisoformat(f"{day}T08:00").replace(tzinfo=ZoneInfo("America/New_York"))
    start_r = datetime.fromisoformat(f"{day}T08:00").replace(tzinfo=ZoneInfo("America/Chicago"))
    kennesaw = _quote(K, start_k.isoformat(), (start_k + timedelta(hours=8)).isoformat())
    rockport = _quote(R, start_r.isoformat(), (start_r + timedelta(hours=8)).isoformat())
    assert kennesaw.total == Decimal("795.60" if at_kennesaw else "608.40")
    assert rockport.total == Decimal("542.40" if at_rockport else "452.00")
    assert kennesaw.holiday_hours == (8.0 if at_kennesaw else 0.0)
    assert rockport.holiday_hours == (8.0 if at_rockport else 0.0)


def test_padding_and_worked_hours_at_one_rate_round_once_together() -> None:
    # 1 min late traffic, padded to 4 h: 1 min x 105.30 / 60 = 1.755 -> 1.76 on the worked line;
    # 4 h x 105.30 = 421.20 in all, so the padding line carries 421.20 - 1.76 = 419.44 (its own
    # rounding, 239 min = 419.445 -> 419.45, would bill 421.21 for a 4 h minimum)
    result = _quote(K, "2026-02-28T19:00-05:00", "2026-02-28T19:01-05:00",
                    "2026-02-28T19:00-05:00", job_type="traffic")
    assert _lines(result) == [("traffic_emergency", "0.0167", "1.76"),
                              ("minimum_padding@traffic_emergency", "3.9833", "419.44")]
    assert result.total == Decimal("421.20")


def test_lengthening_past_a_holiday_can_lower_the_bill_as_the_rules_say() -> None:
    # Padding bills at the rate at the start (rules.md 2.2). 23:00-23:30 Christmas: 2 h x 67.80
    # = 135.60. Until 00:30 Dec 26: 1 h x 67.80 = 67.80, 0.5 h x 56.50 = 28.25, padding 0.5 h at
    # holiday = 33.90; 129.95
    short = _quote(R, "2026-12-25T23:00-06:00", "2026-12-25T23:30-06:00")
    longer = _quote(R, "2026-12-25T23:00-06:00", "2026-12-26T00:30-06:00")
    assert (short.total, longer.total) == (Decimal("135.60"), Decimal("129.95"))


def test_a_quote_longer_than_a_request_is_refused_as_a_request_is() -> None:
    # The quote, the problem's request and the import each said it in their own words.
    assert _quote(K, "2026-12-01T00:00-05:00", "2026-12-15T00:00-05:00").worked_hours_per_officer \
        == 336
    with pytest.raises(InputError, match=r"^end: the quote lasts 336.5 hours; a request lasts at "
                       r"most 336 \(a longer contract is one request a day or a week\)$"):
        _quote(K, "2026-12-01T00:00-05:00", "2026-12-15T00:30-05:00")
