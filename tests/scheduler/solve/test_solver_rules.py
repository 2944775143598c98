"""The solver keeps the officer rules that judge one officer on one shift (rules.md section 5):
status, qualifications, employer conflicts, availability and on-duty time.

Each rule has a feasible case, a violation and its boundary, with exact rosters on 1-3 officers.
Where two officers could take a shift, the one the rule bars is the lighter (lower hours to date),
so fairness alone would have picked them: the roster shows the rule at work. Kennesaw unless a
test overrides the policy. The rules about other work are in test_solver_schedule_rules.
"""

from __future__ import annotations

from typing import Any

import pytest

from models.result import RosterResult
from tests.scheduler.builders import (
    alone,
    at,
    no_eligible,
    officer,
    on_duty,
    problem,
    request,
    roster,
    solve_checked,
)


def lighter_barred(barred: dict[str, Any], **req: Any) -> RosterResult:
    """K-1 (0 h to date, changed by `barred`) and K-2 (10 h) for one 12:00-16:00 request."""
    return solve_checked(problem(
        [officer("K-1", **barred), officer("K-2", hours_to_date=10)],
        [request("R-1", at(1, 12), at(1, 16), **req)],
    ))


# --- status ---------------------------------------------------------------------------------


@pytest.mark.covers("STATUS_BARRED")
@pytest.mark.parametrize(
    "status",
    ["probationary", "light_duty", "suspended", "administrative_leave", "under_investigation"],
)
def test_barred_status_gives_the_shift_to_the_active_officer(status: str) -> None:
    result = lighter_barred({"status": status})
    assert roster(result) == [("R-1", "K-2", at(1, 12), at(1, 16))]


@pytest.mark.covers("STATUS_BARRED")
def test_a_barred_officer_alone_leaves_the_request_unfilled() -> None:
    assert no_eligible(alone({"status": "suspended"})) == {"STATUS_BARRED": 1}
    assert roster(alone({"status": "active"})) == [("R-1", "K-1", at(1, 12), at(1, 16))]


# --- qualifications -------------------------------------------------------------------------


@pytest.mark.covers("MISSING_QUALIFICATION")
@pytest.mark.parametrize(
    ("qualification", "req"),
    [
        ("traffic", {"job_type": "traffic"}),
        ("vehicle", {"vehicle": {"kind": "static", "miles": 0}}),
    ],
)
def test_traffic_and_vehicle_jobs_go_to_the_qualified_officer(
    qualification: str, req: dict[str, Any]
) -> None:
    result = solve_checked(problem(
        [officer("K-1"), officer("K-2", hours_to_date=10, qualifications=[qualification])],
        [request("R-1", at(1, 12), at(1, 16), **req)],
    ))
    assert roster(result) == [("R-1", "K-2", at(1, 12), at(1, 16))]
    assert no_eligible(alone({}, **req)) == {"MISSING_QUALIFICATION": 1}


ALCOHOL_OUTSIDE = {
    "venue": {"alcohol_served": True, "post": "outside"},
    "approvals": [{"kind": "chief_alcohol_outside", "reference": "CP-1"}],
}


@pytest.mark.covers("MISSING_QUALIFICATION")
def test_liquor_training_counts_only_where_the_policy_requires_it() -> None:
    officers = [officer("K-1"), officer("K-2", hours_to_date=10, qualifications=["liquor_venue"])]
    requests = [request("R-1", at(1, 12), at(1, 16), **ALCOHOL_OUTSIDE)]
    required = solve_checked(problem(officers, requests, liquor_training_required=True))
    assert roster(required) == [("R-1", "K-2", at(1, 12), at(1, 16))]
    # Kennesaw's own setting is false: the lighter, untrained officer takes it.
    assert roster(solve_checked(problem(officers, requests))) == [
        ("R-1", "K-1", at(1, 12), at(1, 16))
    ]


# --- employer conflict ----------------------------------------------------------------------


@pytest.mark.covers("EMPLOYER_CONFLICT")
def test_conflicted_officer_takes_the_other_employer() -> None:
    result = solve_checked(problem(
        [officer("K-1", conflicts=["EMP-R-1"]), officer("K-2", hours_to_date=10)],
        [request("R-1", at(1, 12), at(1, 16)), request("R-2", at(1, 12), at(1, 16))],
    ))
    assert roster(result) == [
        ("R-1", "K-2", at(1, 12), at(1, 16)),
        ("R-2", "K-1", at(1, 12), at(1, 16)),
    ]


@pytest.mark.covers("EMPLOYER_CONFLICT")
def test_a_conflict_with_another_employer_does_not_bar() -> None:
    assert no_eligible(alone({"conflicts": ["EMP-R-1"]})) == {"EMPLOYER_CONFLICT": 1}
    assert roster(alone({"conflicts": ["EMP-R-9"]})) == [("R-1", "K-1", at(1, 12), at(1, 16))]


# --- availability ---------------------------------------------------------------------------


@pytest.mark.covers("NOT_AVAILABLE")
def test_availability_must_contain_the_whole_shift() -> None:
    short = alone({"available": [(at(1, 12), at(1, 15, 59))]})
    assert no_eligible(short) == {"NOT_AVAILABLE": 1}
    late = alone({"available": [(at(1, 12, 1), at(1, 20))]})
    assert no_eligible(late) == {"NOT_AVAILABLE": 1}


@pytest.mark.covers("NOT_AVAILABLE")
def test_availability_exactly_the_shift_is_enough() -> None:
    exact = alone({"available": [(at(1, 12), at(1, 16))]})
    assert roster(exact) == [("R-1", "K-1", at(1, 12), at(1, 16))]
    # Two touching windows are one stretch of availability.
    touching = alone({"available": [(at(1, 12), at(1, 14)), (at(1, 14), at(1, 16))]})
    assert roster(touching) == [("R-1", "K-1", at(1, 12), at(1, 16))]


@pytest.mark.covers("NOT_AVAILABLE")
def test_the_available_officer_gets_it_over_the_lighter_one() -> None:
    result = lighter_barred({"available": [(at(2, 0), at(2, 23))]})
    assert roster(result) == [("R-1", "K-2", at(1, 12), at(1, 16))]


# --- on-duty time ---------------------------------------------------------------------------


@pytest.mark.covers("ON_DUTY")
@pytest.mark.parametrize(
    ("duty", "fits"),
    [
        ((at(1, 8), at(1, 11, 30)), True),  # ends exactly the 30-minute gap before
        ((at(1, 8), at(1, 11, 31)), False),
        ((at(1, 16, 30), at(1, 20)), True),  # starts exactly the gap after
        ((at(1, 16, 29), at(1, 20)), False),
        ((at(1, 13), at(1, 14)), False),  # inside the shift
    ],
)
def test_on_duty_keeps_the_travel_gap_in_either_order(duty: tuple[Any, Any], fits: bool) -> None:
    result = alone({"on_duty": on_duty(duty)})
    if fits:
        assert roster(result) == [("R-1", "K-1", at(1, 12), at(1, 16))]
    else:
        assert no_eligible(result) == {"ON_DUTY": 1}


@pytest.mark.covers("ON_DUTY")
def test_a_policy_gap_of_zero_allows_back_to_back_duty() -> None:
    prob = problem(
        [officer("K-1", on_duty=on_duty((at(1, 8), at(1, 12))))],
        [request("R-1", at(1, 12), at(1, 16))],
        travel_gap_minutes=0,
    )
    assert roster(solve_checked(prob)) == [("R-1", "K-1", at(1, 12), at(1, 16))]
