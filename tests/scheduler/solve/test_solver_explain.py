"""Why a position stays unfilled: a reason for every unfilled position, with exact figures.

NO_ELIGIBLE_OFFICER counts, per blocking rule, why each officer may not take the shift at all
(each officer counted once, under the first rule in registry order); ALL_ELIGIBLE_BUSY names the
officers who could take it and what holds each of them in the final roster.
"""

from __future__ import annotations

import time

import pytest

from models.problem import Problem
from models.result import Reason, RosterResult
from scheduler.context import prepare
from scheduler.problem_io import parse
from scheduler.rules.eligibility import candidate_pools
from scheduler.solve import budget
from scheduler.solve.draft import Draft
from scheduler.solve.explain import SECONDS_PER_CHECK, SECONDS_PER_PIECE, explain_seconds
from scheduler.solve.pieces import build_pieces
from scheduler.solve.stages import Clock
from tests.scheduler.builders import (
    at,
    lock,
    officer,
    on_duty,
    problem,
    request,
    solve_checked,
    staffed,
)


def only_reason(result: RosterResult, rid: str, positions: int = 1) -> Reason:
    [unfilled] = [u for u in result.unfilled if u.request_id == rid]
    assert unfilled.positions == positions
    [reason] = unfilled.reasons
    return reason


@pytest.mark.covers("ALL_ELIGIBLE_BUSY")
def test_every_eligible_officer_busy_names_them_and_what_holds_them() -> None:
    # K-1 and K-2 take the two priority-5 requests (the light K-1 the longer one); the
    # priority-1 request overlapping both is left.
    result = solve_checked(problem(
        [officer("K-1"), officer("K-2", hours_to_date=10), officer("K-3", status="suspended")],
        [request("R-1", at(1, 12), at(1, 16), priority=5),
         request("R-2", at(1, 12), at(1, 17), priority=5),
         request("R-3", at(1, 13), at(1, 17), priority=1)],
    ))
    assert staffed(result) == {"R-1": ["K-2"], "R-2": ["K-1"]}
    reason = only_reason(result, "R-3")
    assert reason.code == "ALL_ELIGIBLE_BUSY"
    assert reason.officers == ["K-1", "K-2"]
    assert reason.holds == {"K-1": ["OVERLAP"], "K-2": ["OVERLAP"]}
    assert reason.counts == {"STATUS_BARRED": 1}
    assert reason.message.startswith("2 eligible officers all held")


@pytest.mark.covers("ALL_ELIGIBLE_BUSY", "OVERLAP", "DAILY_CAP")
def test_busy_holds_list_every_rule_that_holds_the_officer() -> None:
    # K-1 works 06:00-16:00 (priority 5); R-2 16:00-20:00 clashes with the gap and would bring
    # Tuesday to 14 h.
    result = solve_checked(problem(
        [officer("K-1")],
        [request("R-1", at(1, 6), at(1, 16), priority=5), request("R-2", at(1, 16), at(1, 20))],
    ))
    assert staffed(result) == {"R-1": ["K-1"]}
    reason = only_reason(result, "R-2")
    assert (reason.code, reason.holds) == ("ALL_ELIGIBLE_BUSY", {"K-1": ["OVERLAP", "DAILY_CAP"]})


@pytest.mark.covers("NO_ELIGIBLE_OFFICER", "STATUS_BARRED", "MISSING_QUALIFICATION")
def test_no_eligible_officer_counts_each_officer_under_its_first_rule() -> None:
    # A traffic job: K-1 suspended, K-2 probationary and untrained (counted as barred only),
    # K-3 active but without the traffic qualification.
    result = solve_checked(problem(
        [officer("K-1", status="suspended", qualifications=["traffic"]),
         officer("K-2", status="probationary"),
         officer("K-3")],
        [request("R-1", at(1, 12), at(1, 16), job_type="traffic", officers_needed=2)],
    ))
    assert result.assignments == []
    reason = only_reason(result, "R-1", positions=2)
    assert reason.code == "NO_ELIGIBLE_OFFICER"
    assert reason.counts == {"STATUS_BARRED": 2, "MISSING_QUALIFICATION": 1}
    assert reason.officers == []


@pytest.mark.covers("NO_ELIGIBLE_OFFICER", "EMPLOYER_CONFLICT", "NOT_AVAILABLE", "ON_DUTY")
def test_no_eligible_officer_counts_conflict_availability_and_duty() -> None:
    result = solve_checked(problem(
        [officer("K-1", conflicts=["EMP-R-1"]),
         officer("K-2", available=[(at(2, 0), at(2, 23))]),
         officer("K-3", on_duty=on_duty((at(1, 16, 15), at(1, 23))))],
        [request("R-1", at(1, 12), at(1, 16))],
    ))
    reason = only_reason(result, "R-1")
    assert reason.code == "NO_ELIGIBLE_OFFICER"
    assert reason.counts == {"EMPLOYER_CONFLICT": 1, "NOT_AVAILABLE": 1, "ON_DUTY": 1}
    for code in ("EMPLOYER_CONFLICT", "NOT_AVAILABLE", "ON_DUTY"):
        assert f"({code})" in reason.message


@pytest.mark.covers("NO_ELIGIBLE_OFFICER", "OVERLAP")
def test_a_locked_shift_makes_its_officer_ineligible_not_busy() -> None:
    result = solve_checked(problem(
        [officer("K-1")],
        [request("R-1", at(1, 12), at(1, 16)), request("R-2", at(1, 14), at(1, 18))],
        locked=[lock("R-1", "K-1", at(1, 12), at(1, 16))],
    ))
    assert staffed(result) == {"R-1": ["K-1"]}
    reason = only_reason(result, "R-2")
    assert (reason.code, reason.counts) == ("NO_ELIGIBLE_OFFICER", {"OVERLAP": 1})


def test_every_unfilled_position_has_a_reason_and_the_right_times() -> None:
    result = solve_checked(problem(
        [officer("K-1")],
        [request("R-1", at(1, 12), at(1, 16), officers_needed=3, priority=4),
         request("R-2", at(2, 8), at(2, 12), officers_needed=2)],
    ))
    assert staffed(result) == {"R-1": ["K-1"], "R-2": ["K-1"]}
    assert [(u.request_id, u.start, u.end, u.positions, [r.code for r in u.reasons])
            for u in result.unfilled] == [
        ("R-1", at(1, 12), at(1, 16), 2, ["ALL_ELIGIBLE_BUSY"]),
        ("R-2", at(2, 8), at(2, 12), 1, ["ALL_ELIGIBLE_BUSY"]),
    ]
    assert only_reason(result, "R-1", positions=2).holds == {"K-1": ["OVERLAP"]}


def _busy_week() -> dict:
    # The problem of the first test: R-3 is left open; K-3 is suspended.
    return problem(
        [officer("K-1"), officer("K-2", hours_to_date=10), officer("K-3", status="suspended")],
        [request("R-1", at(1, 12), at(1, 16), priority=5),
         request("R-2", at(1, 12), at(1, 17), priority=5),
         request("R-3", at(1, 13), at(1, 17), priority=1)],
    )


def test_positions_past_the_explanation_deadline_say_they_were_not_examined(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The time limit is a promise: an instant already past stops the explanations at once.
    monkeypatch.setattr(budget, "explain_until", lambda clock, report_s: 0.0)
    result = solve_checked(_busy_week())
    assert staffed(result) == {"R-1": ["K-2"], "R-2": ["K-1"]}
    reason = only_reason(result, "R-3")
    assert reason.code == "TIME_LIMIT"
    assert reason.message.startswith("not examined: the time limit ran out")
    assert (reason.officers, reason.counts, reason.holds) == ([], {}, {})


def test_a_deterministic_run_explains_every_position() -> None:
    assert budget.explain_until(Clock(10, deterministic=True), 1.0) is None
    until = budget.explain_until(Clock(10), 1.0)
    assert until is not None
    assert 8.9 < until - time.perf_counter() <= 9.0


def test_the_explanations_cost_is_estimated_from_the_open_pieces_pools() -> None:
    ctx = prepare(parse(Problem, _busy_week(), "problem"))
    ps = build_pieces(ctx)
    pools = candidate_pools(ctx, ps)
    # K-3 is suspended: each piece's pool is K-1 and K-2. Three open pieces, then one.
    assert [pool.tolist() for pool in pools] == [[0, 1], [0, 1], [0, 1]]
    every = explain_seconds(ctx, ps, Draft(), pools)
    assert every == pytest.approx(3 * SECONDS_PER_PIECE + 6 * SECONDS_PER_CHECK)
    greedy_like = Draft([(0, 1), (1, 0)])
    one = explain_seconds(ctx, ps, greedy_like, pools)
    assert one == pytest.approx(SECONDS_PER_PIECE + 2 * SECONDS_PER_CHECK)
