"""Locked assignments through the solver: kept exactly and counted, or the problem is infeasible.

A lock is a confirmed assignment (roster-contract.md): the solver keeps it as given, counts its
hours toward every cap, and, when a lock itself breaks a hard rule, solves nothing and reports
status "infeasible" with the rule's code and the officer and request ids.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from models.problem import Problem
from scheduler.validate.validator import validate
from tests.scheduler.builders import (
    at,
    example,
    lock,
    officer,
    on_duty,
    problem,
    request,
    roster,
    solve_checked,
)


@pytest.mark.covers("LOCKED_CHANGED")
def test_a_lock_is_kept_exactly_even_on_the_heavier_officer() -> None:
    prob = problem(
        [officer("K-1"), officer("K-2", hours_to_date=10)],
        [request("R-1", at(1, 12), at(1, 16)), request("R-2", at(1, 12), at(1, 16))],
        locked=[lock("R-1", "K-2", at(1, 12), at(1, 16))],
    )
    result = solve_checked(prob)
    assert result.status == "optimal"
    assert [(a.request_id, a.officer_id, a.start, a.end, a.locked) for a in result.assignments] == [
        ("R-1", "K-2", at(1, 12), at(1, 16), True),
        ("R-2", "K-1", at(1, 12), at(1, 16), False),
    ]
    # The validator notices a roster that drops the lock.
    dropped = result.model_copy(update={"assignments": result.assignments[1:]})
    assert [v.code for v in validate(prob, dropped).violations] == ["LOCKED_CHANGED"]


def test_a_locked_segment_of_a_long_request_is_kept() -> None:
    # 16 h, Kennesaw split 4-12 h: K-1's first 8 h are locked, K-2 (lighter) takes the rest.
    result = solve_checked(problem(
        [officer("K-1", hours_to_date=10), officer("K-2")],
        [request("R-1", at(1, 6), at(1, 22))],
        locked=[lock("R-1", "K-1", at(1, 6), at(1, 14))],
    ))
    assert roster(result) == [
        ("R-1", "K-1", at(1, 6), at(1, 14)),
        ("R-1", "K-2", at(1, 14), at(1, 22)),
    ]


def test_locked_hours_count_toward_the_officers_caps() -> None:
    # K-1's locked 8 h Monday fill an 8 h weekly cap: Tuesday goes to the heavier K-2.
    result = solve_checked(problem(
        [officer("K-1", max_hours_per_week=8), officer("K-2", hours_to_date=30)],
        [request("R-1", at(7, 8), at(7, 16)), request("R-2", at(8, 8), at(8, 12))],
        locked=[lock("R-1", "K-1", at(7, 8), at(7, 16))],
    ))
    assert roster(result) == [
        ("R-1", "K-1", at(7, 8), at(7, 16)),
        ("R-2", "K-2", at(8, 8), at(8, 12)),
    ]


def locked_alone(officer_changes: dict[str, Any], **req: Any) -> Problem:
    """K-1 locked on R-1, Tuesday 1 December 12:00-16:00."""
    return problem(
        [officer("K-1", **officer_changes)],
        [request("R-1", at(1, 12), at(1, 16), **req)],
        locked=[lock("R-1", "K-1", at(1, 12), at(1, 16))],
    )


def infeasible(prob: Problem) -> list[tuple[str, str | None, str | None]]:
    result = solve_checked(prob)
    assert result.status == "infeasible"
    assert result.assignments == []
    return [(v.code, v.officer_id, v.request_id) for v in result.violations]


@pytest.mark.covers(
    "STATUS_BARRED", "MISSING_QUALIFICATION", "EMPLOYER_CONFLICT", "NOT_AVAILABLE", "ON_DUTY"
)
@pytest.mark.parametrize(
    ("code", "officer_changes", "req"),
    [
        ("STATUS_BARRED", {"status": "under_investigation"}, {}),
        ("MISSING_QUALIFICATION", {}, {"job_type": "traffic"}),
        ("EMPLOYER_CONFLICT", {"conflicts": ["EMP-R-1"]}, {}),
        ("NOT_AVAILABLE", {"available": [(at(1, 12), at(1, 15))]}, {}),
        ("ON_DUTY", {"on_duty": on_duty((at(1, 16), at(1, 20)))}, {}),
    ],
)
def test_a_lock_breaking_an_officer_rule_is_infeasible(
    code: str, officer_changes: dict[str, Any], req: dict[str, Any]
) -> None:
    assert infeasible(locked_alone(officer_changes, **req)) == [(code, "K-1", "R-1")]


@pytest.mark.covers("OVERLAP", "REST_24H", "DAILY_CAP", "WEEKLY_CAP")
@pytest.mark.parametrize(
    ("code", "second", "policy"),
    [
        ("OVERLAP", (at(1, 16, 15), at(1, 20, 15)), {}),
        ("REST_24H", (at(1, 17), at(1, 23)), {"max_hours_per_24h": 9}),
        ("DAILY_CAP", (at(1, 17), at(1, 23)), {"max_hours_per_day": 9}),
        ("WEEKLY_CAP", (at(3, 17), at(3, 23)), {"max_hours_per_week": 9}),
    ],
)
def test_two_locks_breaking_a_schedule_rule_are_infeasible(
    code: str, second: tuple[Any, Any], policy: dict[str, Any]
) -> None:
    prob = problem(
        [officer("K-1")],
        [request("R-1", at(1, 12), at(1, 16)), request("R-2", *second)],
        locked=[lock("R-1", "K-1", at(1, 12), at(1, 16)), lock("R-2", "K-1", *second)],
        **policy,
    )
    assert infeasible(prob) == [(code, "K-1", "R-2")]


@pytest.mark.covers("REQUEST_REFUSED_STAFFED")
def test_a_lock_on_a_refused_request_is_infeasible() -> None:
    prob = locked_alone({}, venue={"alcohol_served": True, "post": "inside"})
    assert infeasible(prob) == [("REQUEST_REFUSED_STAFFED", "K-1", "R-1")]


@pytest.mark.covers("INVALID_SEGMENT")
def test_a_lock_on_part_of_a_short_request_is_infeasible() -> None:
    prob = problem(
        [officer("K-1")],
        [request("R-1", at(1, 12), at(1, 18))],
        locked=[lock("R-1", "K-1", at(1, 12), at(1, 16))],
    )
    assert infeasible(prob) == [("INVALID_SEGMENT", "K-1", "R-1")]


@pytest.mark.covers("INVALID_SEGMENT")
def test_a_locked_segment_off_the_grid_is_infeasible() -> None:
    prob = problem(
        [officer("K-1")],
        [request("R-1", at(1, 6), at(1, 22))],
        locked=[lock("R-1", "K-1", at(1, 6), at(1, 14, 15))],
    )
    assert infeasible(prob) == [("INVALID_SEGMENT", "K-1", "R-1")]


@pytest.mark.covers("OVERSTAFFED")
def test_more_locks_than_positions_is_infeasible() -> None:
    prob = problem(
        [officer("K-1"), officer("K-2")],
        [request("R-1", at(1, 12), at(1, 16))],
        locked=[lock("R-1", "K-1", at(1, 12), at(1, 16)), lock("R-1", "K-2", at(1, 12), at(1, 16))],
    )
    assert infeasible(prob) == [("OVERSTAFFED", "K-2", "R-1")]


@pytest.mark.covers("SUPERVISOR_REQUIRED")
def test_a_locked_officer_brings_a_free_supervisor_onto_the_request() -> None:
    result = solve_checked(problem(
        [officer("K-1"), officer("K-2"), officer("K-3", rank="sergeant", hours_to_date=40)],
        [request("R-1", at(1, 12), at(1, 16), officers_needed=2)],
        locked=[lock("R-1", "K-1", at(1, 12), at(1, 16))],
        supervisor_at=2,
    ))
    assert roster(result) == [
        ("R-1", "K-1", at(1, 12), at(1, 16)),
        ("R-1", "K-3", at(1, 12), at(1, 16)),
    ]


@pytest.mark.covers("SUPERVISOR_REQUIRED")
def test_a_lock_on_a_supervised_request_without_any_supervisor_is_infeasible() -> None:
    prob = problem(
        [officer("K-1"), officer("K-2")],
        [request("R-1", at(1, 12), at(1, 16), officers_needed=2)],
        locked=[lock("R-1", "K-1", at(1, 12), at(1, 16))],
        supervisor_at=2,
    )
    assert [(code, rid) for code, _, rid in infeasible(prob)] == [("SUPERVISOR_REQUIRED", "R-1")]


def long_request_locks(*locks: dict[str, str]) -> Problem:
    """One position of a 16 h request (Kennesaw: segments of 4-12 h), three free officers."""
    return problem(
        [officer("K-1"), officer("K-2"), officer("K-3")],
        [request("R-1", at(1, 6), at(1, 22))],
        locked=list(locks),
    )


@pytest.mark.covers("OVERSTAFFED")
def test_overlapping_locked_segments_beyond_the_positions_are_infeasible() -> None:
    prob = long_request_locks(
        lock("R-1", "K-1", at(1, 6), at(1, 14)), lock("R-1", "K-2", at(1, 10), at(1, 22))
    )
    assert infeasible(prob) == [("OVERSTAFFED", "K-2", "R-1")]


@pytest.mark.covers("INVALID_SEGMENT")
def test_locked_segments_that_no_split_can_complete_are_infeasible() -> None:
    # 06:00-14:00 and 16:00-22:00 on the one position leave 14:00-16:00, shorter than 4 h.
    prob = long_request_locks(
        lock("R-1", "K-1", at(1, 6), at(1, 14)), lock("R-1", "K-2", at(1, 16), at(1, 22))
    )
    assert [code for code, _, _ in infeasible(prob)] == ["INVALID_SEGMENT"]


def test_the_greedy_fallback_accounts_for_a_locked_segment_once() -> None:
    # The Kennesaw week with 0.05 s: CP-SAT finds nothing, so the greedy roster is returned.
    data = example("kennesaw-week.json", time_limit_s=0.05, num_workers=1)
    data["officers"] += [officer("X-1"), officer("X-2")]
    data["requests"] += [request("X-R", at(1, 6), at(1, 22))]
    data["locked"] = [lock("X-R", "X-1", at(1, 6), at(1, 14))]
    result = solve_checked(Problem.model_validate(data))
    if any(stage.status != "unknown" for stage in result.solver.stages):
        pytest.skip("CP-SAT found a roster within 0.05 s: no fallback to test")
    assert [(a.officer_id, a.start, a.end) for a in result.assignments
            if a.request_id == "X-R"][:1] == [("X-1", at(1, 6), at(1, 14))]
    rest = [(u.start, u.end, u.positions) for u in result.unfilled if u.request_id == "X-R"]
    assert rest in ([(at(1, 14), at(1, 22), 1)], [])


@pytest.mark.covers("UNKNOWN_REFERENCE", "OUTSIDE_REQUEST")
@pytest.mark.parametrize(
    ("locked", "message"),
    [
        (lock("R-1", "K-9", at(1, 12), at(1, 16)), "unknown officer K-9"),
        (lock("R-9", "K-1", at(1, 12), at(1, 16)), "unknown request R-9"),
        (lock("R-1", "K-1", at(1, 11), at(1, 15)), "outside the request's times"),
    ],
)
def test_a_lock_naming_nothing_known_is_an_input_error(
    locked: dict[str, str], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        problem([officer("K-1")], [request("R-1", at(1, 12), at(1, 16))], locked=[locked])
