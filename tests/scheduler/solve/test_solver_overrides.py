"""A supervisor's override on a lock (rules.md section 8, roster-contract.md `overrides`).

The lock's overridden codes are waived for that shift alone: any other rule it breaks still
makes the problem infeasible, and it still loads the officer for their other shifts. Kennesaw:
travel gap 30 min, 24 h a week unless told; December 2026, the 1st is a Tuesday.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from models.problem import Problem
from scheduler.context import prepare
from scheduler.rules.eligibility import candidate_pools
from scheduler.solve.flow_bound import crew_bound, flow_bound
from scheduler.solve.pieces import build_pieces
from scheduler.validate.validator import validate
from tests.scheduler.builders import at, lock, officer, on_duty, problem, request, solve_checked
from tests.scheduler.rosters import result, shift

# K-1 is on duty 10:00-12:00 on the 1st; R-1 12:00-16:00 starts inside the 30-minute gap.
DUTY = on_duty((at(1, 10), at(1, 12)))


def overridden(rid: str, oid: str, start: Any, end: Any, *codes: str) -> dict[str, Any]:
    return {**lock(rid, oid, start, end), "overrides": list(codes)}


def on_duty_lock(*codes: str, **officer_changes: Any) -> Problem:
    """K-1's locked R-1 breaks ON_DUTY; R-2 (16:15-20:15) is within the gap of R-1's end."""
    return problem(
        [officer("K-1", on_duty=DUTY, **officer_changes), officer("K-2", hours_to_date=30)],
        [request("R-1", at(1, 12), at(1, 16)), request("R-2", at(1, 16, 15), at(1, 20, 15))],
        locked=[overridden("R-1", "K-1", at(1, 12), at(1, 16), *codes)],
    )


def test_without_the_override_the_lock_is_infeasible_on_on_duty() -> None:
    result_ = solve_checked(on_duty_lock())
    assert result_.status == "infeasible"
    assert [(v.code, v.officer_id, v.request_id) for v in result_.violations] == [
        ("ON_DUTY", "K-1", "R-1")]


def test_an_on_duty_override_keeps_the_lock_and_still_loads_the_officer() -> None:
    prob = on_duty_lock("ON_DUTY")
    solved = solve_checked(prob)
    assert solved.status == "optimal"
    # K-1 is lighter (0 h against 30 h) but R-2 starts 15 min after K-1's locked R-1 ends.
    assert [(a.request_id, a.officer_id, a.start, a.end, a.locked)
            for a in solved.assignments] == [
        ("R-1", "K-1", at(1, 12), at(1, 16), True),
        ("R-2", "K-2", at(1, 16, 15), at(1, 20, 15), False),
    ]
    assert solved.notes[-1] == (
        "override: ON_DUTY waived for this locked shift: K-1 on R-1 2026-12-01T12:00-05:00 to "
        "2026-12-01T16:00-05:00 is within 30 min of on-duty time 2026-12-01T10:00-05:00 to "
        "2026-12-01T12:00-05:00")
    report = validate(prob, solved)
    assert report.ok and [(v.code, v.request_id) for v in report.waived] == [("ON_DUTY", "R-1")]


def test_an_on_duty_override_does_not_lift_the_weekly_cap() -> None:
    # 4 h cap: K-1's other locked shift (Wednesday, 4 h) fills it; R-1 (Tuesday) is 4 h more.
    prob = problem(
        [officer("K-1", on_duty=DUTY, max_hours_per_week=4)],
        [request("R-0", at(2, 8), at(2, 12)), request("R-1", at(1, 12), at(1, 16))],
        locked=[lock("R-0", "K-1", at(2, 8), at(2, 12)),
                overridden("R-1", "K-1", at(1, 12), at(1, 16), "ON_DUTY")],
    )
    solved = solve_checked(prob)
    assert solved.status == "infeasible"
    assert [(v.code, v.officer_id, v.request_id) for v in solved.violations] == [
        ("WEEKLY_CAP", "K-1", "R-1")]


def test_a_lock_overriding_both_rules_is_kept() -> None:
    # R-0 on Monday the 30th (4 h) fills K-1's 4 h cap; the overridden R-1 (Tuesday) is the later
    # shift of the week, the one the validator reports the cap on.
    prob = problem(
        [officer("K-1", on_duty=DUTY, max_hours_per_week=4)],
        [request("R-0", at(30, 8, month=11), at(30, 12, month=11)),
         request("R-1", at(1, 12), at(1, 16))],
        locked=[lock("R-0", "K-1", at(30, 8, month=11), at(30, 12, month=11)),
                overridden("R-1", "K-1", at(1, 12), at(1, 16), "ON_DUTY", "WEEKLY_CAP")],
    )
    solved = solve_checked(prob)
    assert solved.status == "optimal"
    assert [(a.request_id, a.locked) for a in solved.assignments] == [("R-0", True),
                                                                        ("R-1", True)]
    assert [(v.code, v.request_id) for v in validate(prob, solved).waived] == [
        ("ON_DUTY", "R-1"), ("WEEKLY_CAP", "R-1")]


def test_the_validator_waives_only_the_overridden_code_of_that_shift() -> None:
    # K-1 is available only until noon on the 1st: the overridden R-1 also breaks NOT_AVAILABLE;
    # K-1's unlocked R-3 (06:00-10:00) ends at the on-duty block's start, with no override.
    prob = problem(
        [officer("K-1", on_duty=DUTY, availability=[{"start": at(1, 0).isoformat(),
                                                     "end": at(1, 12).isoformat()}]),
         officer("K-2")],
        [request("R-1", at(1, 12), at(1, 16)), request("R-3", at(1, 6), at(1, 10))],
        locked=[overridden("R-1", "K-1", at(1, 12), at(1, 16), "ON_DUTY")],
    )
    roster = result([shift("R-3", "K-1", at(1, 6), at(1, 10)),
                     shift("R-1", "K-1", at(1, 12), at(1, 16), locked=True)])
    report = validate(prob, roster)
    assert [(v.code, v.officer_id, v.request_id) for v in report.violations] == [
        ("ON_DUTY", "K-1", "R-3"), ("NOT_AVAILABLE", "K-1", "R-1")]
    assert [(v.code, v.officer_id, v.request_id) for v in report.waived] == [
        ("ON_DUTY", "K-1", "R-1")]
    # The same roster without the override: both ON_DUTY shifts are violations.
    plain = prob.model_copy(update={"locked": [
        lock_ref.model_copy(update={"overrides": []}) for lock_ref in prob.locked]})
    assert sorted(v.code for v in validate(plain, roster).violations) == [
        "NOT_AVAILABLE", "ON_DUTY", "ON_DUTY"]


OLD_PROBLEM = """{
  "agency": "kennesaw-ga",
  "officers": [{"id": "K-1", "availability": [{"start": "2026-12-01T00:00:00-05:00",
                                               "end": "2026-12-02T00:00:00-05:00"}]}],
  "requests": [{"id": "R-1", "employer": {"id": "E", "name": "E", "category": "grocery"},
                "start": "2026-12-01T12:00:00-05:00", "end": "2026-12-01T16:00:00-05:00",
                "received_at": "2026-10-01T09:00:00-04:00"}],
  "locked": [{"request_id": "R-1", "officer_id": "K-1", "start": "2026-12-01T12:00:00-05:00",
              "end": "2026-12-01T16:00:00-05:00"}]
}"""


def test_a_problem_written_before_overrides_still_loads_and_solves() -> None:
    prob = Problem.model_validate_json(OLD_PROBLEM)
    assert prob.locked[0].overrides == []
    solved = solve_checked(prob)
    assert solved.status == "optimal"
    assert [(a.officer_id, a.locked) for a in solved.assignments] == [("K-1", True)]
    assert not any(n.startswith("override:") for n in solved.notes)


def test_overrides_are_refused_on_a_hint_and_must_be_rule_codes() -> None:
    base = on_duty_lock().model_dump(mode="json")
    with pytest.raises(ValidationError, match="hint\\[0\\]: overrides apply only to locked"):
        Problem.model_validate({**base, "hint": base["locked"][:1] and [
            {**base["locked"][0], "overrides": ["ON_DUTY"]}]})
    with pytest.raises(ValidationError, match="locked.0.overrides.0"):
        Problem.model_validate({**base, "locked": [{**base["locked"][0],
                                                    "overrides": ["on duty"]}]})


def test_the_flow_bound_counts_a_lock_whose_officer_no_pool_holds() -> None:
    # K-1 alone, on duty until noon, locked on R-1 from noon with ON_DUTY waived: the pools keep
    # the on-duty rule, so K-1 is in none of R-1's, and a flow through them carried nothing (a
    # bound of 0.0 below the roster's 3.0, where the solver uses the flow). The waived lock now
    # counts outside the flow: its 3.0 (priority 3, one whole position), and nothing else left.
    prob = problem(
        [officer("K-1", on_duty=DUTY)],
        [request("R-1", at(1, 12), at(1, 16))],
        locked=[overridden("R-1", "K-1", at(1, 12), at(1, 16), "ON_DUTY")],
    )
    ctx = prepare(prob)
    ps = build_pieces(ctx)
    pools = candidate_pools(ctx, ps)
    assert [pool.tolist() for pool in pools] == [[]]
    assert flow_bound(ctx, ps, pools) / 1000 == 3.0
    assert crew_bound(ctx, ps, pools) / 1000 == 3.0
    assert solve_checked(prob).metrics.coverage == 3.0
