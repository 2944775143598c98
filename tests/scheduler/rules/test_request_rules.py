"""Request-level refusals (rules.md section 4): each rule allowed, refused and at its boundary."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from models.agency import Agency, PolicyOverrides, PolicySettings
from models.request import Request
from scheduler.agencies import get_agency
from scheduler.rules import request_rules as rr
from scheduler.rules.codes import REQUEST_RULES
from tests.conftest import covered_codes

EST = timezone(timedelta(hours=-5))
START = datetime(2026, 12, 10, 16, 0, tzinfo=EST)

def make_request(**changes: Any) -> Request:
    data: dict[str, Any] = {
        "id": "R-1",
        "employer": {"id": "EMP-1", "name": "Kroger #411", "category": "grocery"},
        "venue": {"within_city_limits": True, "alcohol_served": False, "post": "outside"},
        "start": START,
        "end": START + timedelta(hours=4),
        "received_at": START - timedelta(days=10),
    }
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return Request.model_validate(data)


def policy_of(agency: Agency, **overrides: Any) -> PolicySettings:
    return PolicyOverrides(**overrides).apply(agency.policy)


KENNESAW = get_agency("kennesaw-ga")
ROCKPORT = get_agency("rockport-tx")


def codes(request: Request, agency: Agency = KENNESAW, **overrides: Any) -> list[str]:
    return [h.code for h in rr.check_request(request, agency, policy_of(agency, **overrides))]


def test_plain_request_is_allowed() -> None:
    assert codes(make_request()) == []
    assert rr.refusal(make_request(), KENNESAW, KENNESAW.policy) is None


@pytest.mark.covers("PROHIBITED_EMPLOYER")
def test_prohibited_employer() -> None:
    assert codes(make_request(employer={"category": "pawn_broker"})) == ["PROHIBITED_EMPLOYER"]
    # Case-insensitive, and Rockport uses the same list.
    upper = make_request(employer={"category": "Pawn_Broker"})
    assert codes(upper, ROCKPORT) == ["PROHIBITED_EMPLOYER"]
    hit = rr.prohibited_employer(upper, ROCKPORT, ROCKPORT.policy)
    assert hit is not None and "Kroger #411" in hit.message


def test_prohibited_employer_follows_policy_override() -> None:
    request = make_request(employer={"category": "pawn_broker"})
    assert codes(request, prohibited_categories=[]) == []
    assert codes(make_request(), prohibited_categories=["GROCERY"]) == ["PROHIBITED_EMPLOYER"]


@pytest.mark.covers("ALCOHOL_INSIDE")
def test_alcohol_inside() -> None:
    inside = make_request(venue={"alcohol_served": True, "post": "inside"})
    assert codes(inside) == ["ALCOHOL_INSIDE"]
    # An approval for outside work does not lift the inside rule.
    approved = make_request(
        venue={"alcohol_served": True, "post": "inside"},
        approvals=[{"kind": "chief_alcohol_outside", "reference": "CP-1"}],
    )
    assert codes(approved) == ["ALCOHOL_INSIDE"]
    assert codes(make_request(venue={"alcohol_served": False, "post": "inside"})) == []


@pytest.mark.covers("ALCOHOL_OUTSIDE_UNAPPROVED")
def test_alcohol_outside_unapproved() -> None:
    # A grocery store that sells alcohol: the venue flag decides, whatever the category.
    outside = make_request(venue={"alcohol_served": True, "post": "outside"})
    assert codes(outside) == ["ALCOHOL_OUTSIDE_UNAPPROVED"]
    approved = make_request(
        venue={"alcohol_served": True, "post": "outside"},
        approvals=[{"kind": "chief_alcohol_outside", "reference": "CP-2026-113"}],
    )
    assert codes(approved) == []
    wrong_kind = make_request(
        venue={"alcohol_served": True, "post": "outside"},
        approvals=[{"kind": "out_of_city_uniform", "reference": "OC-1"}],
    )
    assert codes(wrong_kind) == ["ALCOHOL_OUTSIDE_UNAPPROVED"]


@pytest.mark.covers("PENDING_LITIGATION")
def test_pending_litigation() -> None:
    assert codes(make_request(employer={"pending_litigation": True})) == ["PENDING_LITIGATION"]
    assert codes(make_request(employer={"pending_litigation": False})) == []


@pytest.mark.covers("OUT_OF_CITY_UNAPPROVED")
def test_out_of_city_unapproved() -> None:
    away = make_request(venue={"within_city_limits": False})
    assert codes(away) == ["OUT_OF_CITY_UNAPPROVED"]
    approved = make_request(
        venue={"within_city_limits": False},
        approvals=[{"kind": "out_of_city_uniform", "reference": "OC-7"}],
    )
    assert codes(approved) == []
    # Plain clothes outside the city needs no approval.
    assert codes(make_request(venue={"within_city_limits": False}, uniformed=False)) == []


@pytest.mark.covers("LEAD_TIME")
def test_lead_time_only_when_policy_refuses() -> None:
    late = make_request(received_at=START - timedelta(hours=71))
    assert codes(late) == []  # Kennesaw bills late requests at the emergency rate
    assert codes(late, ROCKPORT, lead_time_hours=72) == []  # late_request_policy none
    assert codes(late, late_request_policy="refuse") == ["LEAD_TIME"]


def test_lead_time_boundary_exactly_at_lead_time_is_in_time() -> None:
    exact = make_request(received_at=START - timedelta(hours=72))
    assert codes(exact, late_request_policy="refuse") == []
    one_minute_late = make_request(received_at=START - timedelta(hours=72) + timedelta(minutes=1))
    assert codes(one_minute_late, late_request_policy="refuse") == ["LEAD_TIME"]


@pytest.mark.covers("MOVING_VEHICLE_NOT_OFFERED")
def test_moving_vehicle_not_offered() -> None:
    moving = make_request(vehicle={"kind": "moving", "miles": 40})
    assert codes(moving, KENNESAW) == ["MOVING_VEHICLE_NOT_OFFERED"]
    assert codes(moving, ROCKPORT) == []
    assert codes(make_request(vehicle={"kind": "static"}), KENNESAW) == []


def test_several_refusals_reported_in_rule_order() -> None:
    request = make_request(
        employer={"category": "private_club_bouncers", "pending_litigation": True},
        venue={"alcohol_served": True, "post": "inside", "within_city_limits": False},
        vehicle={"kind": "moving", "miles": 5},
        received_at=START - timedelta(hours=1),
    )
    policy = policy_of(KENNESAW, late_request_policy="refuse")
    rejected = rr.refusal(request, KENNESAW, policy)
    assert rejected is not None
    assert rejected.request_id == "R-1"
    assert rejected.codes == [
        "PROHIBITED_EMPLOYER",
        "ALCOHOL_INSIDE",
        "PENDING_LITIGATION",
        "OUT_OF_CITY_UNAPPROVED",
        "LEAD_TIME",
        "MOVING_VEHICLE_NOT_OFFERED",
    ]
    assert rejected.code == "PROHIBITED_EMPLOYER"
    assert rejected.message == rejected.messages[0]
    assert len(rejected.messages) == 6


def test_registry_follows_codes_order() -> None:
    assert tuple(code for code, _ in rr.REQUEST_RULE_FUNCS) == REQUEST_RULES
    for code, func in rr.REQUEST_RULE_FUNCS:
        assert func.__name__ == code.lower()
        assert func.__doc__ and "\n" not in func.__doc__.strip()


@pytest.mark.parametrize("code", REQUEST_RULES)
def test_every_request_rule_has_a_test(code: str) -> None:
    tested = covered_codes(sys.modules[__name__])
    assert code in tested, f"{code} has no test in test_request_rules.py"
