"""Request-level rules through the solver (rules.md section 4) and the problem's policy overrides.

A refused request is listed in `rejected` with its first code and all its codes, and is never
staffed nor listed as unfilled. A problem's `policy` changes behaviour for that problem only; an
unknown policy name or contract rate is an input error, never a roster.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from models.common import InputError
from models.problem import Problem
from models.result import RosterResult
from scheduler.rules.codes import REQUEST_RULES
from scheduler.solve.solver import solve
from tests.scheduler.builders import (
    at,
    officer,
    problem,
    request,
    roster,
    solve_checked,
)


def with_plain_request(**refused: Any) -> Problem:
    """K-1 (0 h) and K-2 (10 h); R-1 Tuesday 12:00-16:00 (changed by `refused`) and a plain
    five-hour R-2 from 12:00, which the lighter K-1 gets whenever both are staffed."""
    policy = refused.pop("policy", {})
    return problem(
        [officer("K-1"), officer("K-2", hours_to_date=10)],
        [request("R-1", at(1, 12), at(1, 16), **refused), request("R-2", at(1, 12), at(1, 17))],
        **policy,
    )


def rejected(result: RosterResult) -> list[tuple[str, str, list[str]]]:
    return [(r.request_id, r.code, r.codes) for r in result.rejected]


LATE = "2026-11-30T12:00:00-05:00"  # 24 h before Tuesday 12:00, inside Kennesaw's 72 h

REFUSALS: list[tuple[str, dict[str, Any]]] = [
    ("PROHIBITED_EMPLOYER", {"employer": {"id": "EMP-P", "category": "pawn_broker"}}),
    ("ALCOHOL_INSIDE", {"venue": {"alcohol_served": True, "post": "inside"}}),
    ("ALCOHOL_OUTSIDE_UNAPPROVED", {"venue": {"alcohol_served": True, "post": "outside"}}),
    ("PENDING_LITIGATION", {"employer": {"id": "EMP-L", "pending_litigation": True}}),
    ("OUT_OF_CITY_UNAPPROVED", {"venue": {"within_city_limits": False}}),
    ("LEAD_TIME", {"received_at": LATE, "policy": {"late_request_policy": "refuse"}}),
    ("MOVING_VEHICLE_NOT_OFFERED", {"vehicle": {"kind": "moving", "miles": 20}}),
]


def test_every_request_rule_has_a_case() -> None:
    assert [code for code, _ in REFUSALS] == list(REQUEST_RULES)


@pytest.mark.covers(*REQUEST_RULES)
@pytest.mark.parametrize(("code", "changes"), REFUSALS, ids=[c for c, _ in REFUSALS])
def test_a_refused_request_is_rejected_and_never_staffed(
    code: str, changes: dict[str, Any]
) -> None:
    result = solve_checked(with_plain_request(**changes))
    assert rejected(result) == [("R-1", code, [code])]
    # The lighter officer takes the plain request; R-1 is not "unfilled".
    assert roster(result) == [("R-2", "K-1", at(1, 12), at(1, 17))]
    assert result.unfilled == []
    assert result.metrics.positions_requested == 2


@pytest.mark.covers("ALCOHOL_INSIDE", "PENDING_LITIGATION", "OUT_OF_CITY_UNAPPROVED")
def test_every_refusal_is_reported_in_the_order_of_the_rules() -> None:
    result = solve_checked(with_plain_request(
        employer={"id": "EMP-X", "pending_litigation": True},
        venue={"alcohol_served": True, "post": "inside", "within_city_limits": False},
    ))
    codes = ["ALCOHOL_INSIDE", "PENDING_LITIGATION", "OUT_OF_CITY_UNAPPROVED"]
    assert rejected(result) == [("R-1", "ALCOHOL_INSIDE", codes)]
    assert len(result.rejected[0].messages) == 3


def test_approvals_lift_the_alcohol_outside_and_out_of_city_rules() -> None:
    result = solve_checked(with_plain_request(
        venue={"alcohol_served": True, "post": "outside", "within_city_limits": False},
        approvals=[
            {"kind": "chief_alcohol_outside", "reference": "CP-1"},
            {"kind": "out_of_city_uniform", "reference": "OC-1"},
        ],
    ))
    assert result.rejected == []
    assert roster(result) == [
        ("R-1", "K-2", at(1, 12), at(1, 16)),
        ("R-2", "K-1", at(1, 12), at(1, 17)),
    ]


# --- policy overrides -----------------------------------------------------------------------


def one_late(received_at: str, **policy: Any) -> RosterResult:
    return solve_checked(problem(
        [officer("K-1")], [request("R-1", at(1, 12), at(1, 16), received_at=received_at)],
        **policy,
    ))


@pytest.mark.covers("LEAD_TIME")
def test_kennesaw_bills_a_late_request_at_the_emergency_rate_unless_told_to_refuse() -> None:
    billed = one_late(LATE)
    assert roster(billed) == [("R-1", "K-1", at(1, 12), at(1, 16))]
    assert billed.pricing.total == Decimal("351.00")  # 4 h x $87.75
    refused = one_late(LATE, late_request_policy="refuse")
    assert rejected(refused) == [("R-1", "LEAD_TIME", ["LEAD_TIME"])]
    assert refused.assignments == []
    assert refused.pricing.total == Decimal("0")


@pytest.mark.covers("LEAD_TIME")
def test_received_exactly_the_lead_time_before_is_in_time() -> None:
    result = one_late("2026-11-28T12:00:00-05:00", late_request_policy="refuse")
    assert result.rejected == []
    assert result.pricing.total == Decimal("304.20")  # 4 h x $76.05, not emergency
    shorter = one_late(LATE, late_request_policy="refuse", lead_time_hours=24)
    assert shorter.rejected == []


@pytest.mark.covers("PROHIBITED_EMPLOYER")
def test_prohibited_categories_override_replaces_the_agency_list() -> None:
    pawn = {"employer": {"id": "EMP-P", "category": "pawn_broker"}}
    lifted = solve_checked(with_plain_request(**pawn, policy={"prohibited_categories": []}))
    assert lifted.rejected == []
    assert len(lifted.assignments) == 2
    grocery = solve_checked(with_plain_request(policy={"prohibited_categories": ["Grocery"]}))
    assert rejected(grocery) == [
        ("R-1", "PROHIBITED_EMPLOYER", ["PROHIBITED_EMPLOYER"]),
        ("R-2", "PROHIBITED_EMPLOYER", ["PROHIBITED_EMPLOYER"]),
    ]
    assert grocery.assignments == []


@pytest.mark.parametrize(
    "policy",
    [
        {"max_hours_per_fortnight": 40},  # unknown name
        {"supervisor_at": 0},
        {"late_request_policy": "maybe"},
        {"max_hours_per_day": None},
    ],
)
def test_a_bad_policy_override_is_an_input_error(policy: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        problem([officer("K-1")], [request("R-1", at(1, 12), at(1, 16))], **policy)


def test_an_unknown_customer_rate_raises_an_input_error() -> None:
    prob = problem(
        [officer("K-1")], [request("R-1", at(1, 12), at(1, 16), customer_rate="Acme Corp")]
    )
    with pytest.raises(InputError, match="Acme Corp") as caught:
        solve(prob)
    assert caught.value.field == "requests[0] (R-1).customer_rate"


def test_a_known_customer_rate_prices_the_roster_at_the_contract_rate() -> None:
    result = solve_checked(problem(
        [officer("K-1")],
        [request("R-1", at(1, 12), at(1, 16), customer_rate="Samaritan's Purse")],
    ))
    assert roster(result) == [("R-1", "K-1", at(1, 12), at(1, 16))]
    assert result.pricing.total == Decimal("468.00")  # 4 h x $117.00
