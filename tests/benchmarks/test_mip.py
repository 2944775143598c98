"""The HiGHS MIP baseline on tiny instances with a known optimum, and against CP-SAT.

Kennesaw's settings unless a test overrides them: minimum 4 h, at most 12 h continuous, travel
gap 30 min, 12 h a day, 24 h a week, 16 h in any 24, supervisor from 5 officers. Every roster
goes through the solver-independent validator.
"""

from __future__ import annotations

from datetime import date

import pytest

from benchmarks.mip import solve_mip
from benchmarks.runners import solve_greedy
from models.agency import PolicyOverrides
from models.problem import Problem
from models.result import RosterResult
from scenarios.generator import generate
from scheduler.solve.solver import solve
from scheduler.validate.validator import validate
from tests.scheduler.builders import (
    ROCKPORT,
    at,
    lock,
    officer,
    on_duty,
    problem,
    request,
    roster,
    window,
)


def mip_checked(prob: Problem) -> RosterResult:
    result = solve_mip(prob)
    report = validate(prob, result)
    assert report.ok, [f"{v.code}: {v.message}" for v in report.violations]
    assert report.mismatches == [], report.mismatches
    return result


def test_the_travel_gap_decides_which_shifts_one_officer_can_chain() -> None:
    # R-2 starts 15 minutes after R-1 ends (inside the 30-minute gap); R-3 exactly 30 after.
    prob = problem(
        [officer("K-1")],
        [
            request("R-1", at(1, 10), at(1, 14), priority=3),
            request("R-2", at(1, 14, 15), at(1, 18, 15), priority=4),
            request("R-3", at(1, 14, 30), at(1, 18, 30), priority=2),
        ],
    )
    result = mip_checked(prob)
    assert result.status == "optimal"
    assert result.solver.objective[0] == 5000  # 3 + 2 beats 4 alone
    assert roster(result) == [
        ("R-1", "K-1", at(1, 10), at(1, 14)),
        ("R-3", "K-1", at(1, 14, 30), at(1, 18, 30)),
    ]


def test_stage_two_gives_the_shift_to_the_officer_with_fewer_hours() -> None:
    prob = problem(
        [officer("K-1", hours_to_date=10), officer("K-2", hours_to_date=0)],
        [
            request("R-1", at(1, 12), at(1, 16), officers_needed=3, priority=2),
            request("R-2", at(2, 12), at(2, 16), priority=2),
        ],
    )
    result = mip_checked(prob)
    assert result.status == "optimal"
    assert result.metrics.positions_filled == 3  # two of R-1's three positions, and R-2
    assert result.metrics.coverage == 6.0
    # Both work R-1 (K-1 at 14 h, K-2 at 4 h), so R-2 goes to K-2: 14 h, not 18 h, at most.
    assert ("R-2", "K-2", at(2, 12), at(2, 16)) in roster(result)
    assert result.metrics.max_total_hours == 14.0
    assert result.metrics.max_total_lower_bound == 14.0


def test_the_daily_cap_allows_two_five_hour_shifts_of_three() -> None:
    prob = problem(
        [officer("K-1")],
        [
            request("R-1", at(1, 6), at(1, 11), priority=1),
            request("R-2", at(1, 12), at(1, 17), priority=1),
            request("R-3", at(1, 18), at(1, 23), priority=1),
        ],
    )
    result = mip_checked(prob)
    assert result.status == "optimal"
    assert result.solver.objective[0] == 2000
    assert len(result.assignments) == 2
    assert result.metrics.hours_filled == 10.0


def test_an_officers_own_weekly_cap_allows_two_four_hour_shifts_of_three() -> None:
    # Tuesday to Thursday of one Monday-to-Monday week; K-1 works at most 8 hours a week.
    prob = problem(
        [officer("K-1", max_hours_per_week=8)],
        [request(f"R-{d}", at(d, 12), at(d, 16), priority=1) for d in (1, 2, 3)],
    )
    result = mip_checked(prob)
    assert result.status == "optimal"
    assert result.solver.objective[0] == 2000
    assert result.metrics.hours_filled == 8.0


def test_shifts_worked_before_the_run_count_toward_the_weekly_cap() -> None:
    # Own cap 12 h, 6 h worked Monday: Wednesday's and Thursday's 4 h fit alone, not together
    # (14 h). The higher priority one is kept; the validator counts the prior shift too.
    prob = problem(
        [officer("K-1", max_hours_per_week=12, prior_shifts=[window(at(7, 8), at(7, 14))])],
        [
            request("R-1", at(9, 12), at(9, 16), priority=1),
            request("R-2", at(10, 12), at(10, 16), priority=2),
        ],
    )
    result = mip_checked(prob)
    assert result.status == "optimal"
    assert result.solver.objective[0] == 2000
    assert roster(result) == [("R-2", "K-1", at(10, 12), at(10, 16))]


def test_on_duty_hours_count_toward_the_rolling_24_hours() -> None:
    # 10 h on duty, then 6 h and 4 h off duty: 20 h in one 24-hour window.
    prob = problem(
        [officer("K-1", on_duty=on_duty((at(1, 6), at(1, 16))))],
        [
            request("R-1", at(1, 16, 30), at(1, 22, 30), priority=1),
            request("R-2", at(1, 23), at(2, 3), priority=2),
        ],
    )
    result = mip_checked(prob)
    assert result.status == "optimal"
    assert result.solver.objective[0] == 2000  # R-2 alone; both would be 3000
    assert roster(result) == [("R-2", "K-1", at(1, 23), at(2, 3))]


def test_a_crew_at_the_supervisor_threshold_needs_a_sergeant() -> None:
    job = [request("R-1", at(1, 12), at(1, 16), officers_needed=2, priority=1)]
    without = mip_checked(problem([officer("K-1"), officer("K-2")], job, supervisor_at=2))
    assert without.assignments == []
    crew = [officer("K-1"), officer("K-2"), officer("S-1", rank="sergeant")]
    result = mip_checked(problem(crew, job, supervisor_at=2))
    assert result.solver.objective[0] == 2000
    assert "S-1" in {a.officer_id for a in result.assignments}


def test_a_long_request_is_split_between_two_officers() -> None:
    # 16 hours: more than 12 continuous, so two segments; one officer cannot chain them (gap).
    job = [request("R-1", at(1, 6), at(1, 22), priority=1)]
    alone = mip_checked(problem([officer("K-1")], job))
    assert alone.solver.objective[0] == 750  # the longest segment: 12 of 16 hours
    pair = mip_checked(problem([officer("K-1"), officer("K-2")], job))
    assert pair.status == "optimal"
    assert pair.solver.objective[0] == 1000
    assert pair.metrics.positions_filled == 1.0
    assert {a.officer_id for a in pair.assignments} == {"K-1", "K-2"}


@pytest.mark.parametrize(
    ("officers", "requests", "days", "seed"),
    [(15, 30, 3, 7), pytest.param(40, 100, 5, 2, marks=pytest.mark.slow)],
)
def test_mip_and_cp_sat_prove_the_same_optima_on_a_generated_instance(
    officers: int, requests: int, days: int, seed: int
) -> None:
    # Two encodings written apart agree on both stages (12 generated instances of 15 to 40
    # officers, seeds 1-4, all agreed when this test was written).
    prob = generate(officers, requests, days, seed=seed)
    prob = prob.model_copy(update={"options": prob.options.model_copy(update={"time_limit_s": 20})})
    mip = mip_checked(prob)
    cp = solve(prob)
    assert validate(prob, cp).ok
    assert [s.status for s in mip.solver.stages] == ["optimal", "optimal"]
    assert [s.status for s in cp.solver.stages[:2]] == ["optimal", "optimal"]
    assert mip.solver.objective[:2] == cp.solver.objective[:2]  # coverage, then max total


def test_a_cold_start_reaches_the_same_optimum() -> None:
    prob = problem(
        [officer("K-1"), officer("K-2", hours_to_date=6)],
        [
            request("R-1", at(1, 10), at(1, 14), priority=3),
            request("R-2", at(1, 12), at(1, 16), priority=5),
            request("R-3", at(2, 12), at(2, 16), priority=1),
        ],
    )
    cold = solve_mip(prob, warm_start=False)
    assert validate(prob, cold).ok
    # All three (R-1 and R-2 overlap, so one each); R-3 goes to K-1: K-2 ends at 6 + 4 = 10 h.
    assert cold.solver.objective == [9000, 10 * 60]
    assert cold.solver.objective == mip_checked(prob).solver.objective


def test_out_of_time_the_mip_keeps_at_least_the_greedy_roster() -> None:
    prob = generate(15, 30, 3, seed=7)
    greedy_roster = solve_greedy(prob)
    result = solve_mip(prob, time_limit_s=0.01)
    assert validate(prob, result).ok
    assert result.status == "feasible"
    assert result.metrics.coverage >= greedy_roster.metrics.coverage
    assert result.metrics.coverage_upper_bound >= result.metrics.coverage


def test_a_locked_shift_is_kept_and_counts_toward_the_largest_total() -> None:
    prob = problem(
        [officer("K-1"), officer("K-2", hours_to_date=10)],
        [
            request("R-1", at(1, 12), at(1, 16), officers_needed=2),
            request("R-2", at(1, 12), at(1, 16)),
        ],
        locked=[lock("R-1", "K-2", at(1, 12), at(1, 16))],
    )
    result = mip_checked(prob)
    assert result.status == "optimal"
    assert [a.locked for a in result.assignments if a.officer_id == "K-2"] == [True]
    assert result.metrics.positions_filled == 2  # K-1 can take only one of
    assert result.metrics.max_total_hours == 14.0  # K-2: 10 h to date plus the locked 4 h


def test_a_24_hour_window_with_the_same_pieces_but_more_on_duty_time_still_binds() -> None:
    # Rockport, 16 h in any 24 h. On duty 16:00-23:00 on the 1st and 14:30-24:00 on the 2nd;
    # Q 06:00-08:00, S 07:00-09:00, P 08:30-14:00 on the 2nd, each fine alone. The window from
    # 16:00 on the 1st holds the same pieces as the one from 06:00 on the 2nd, with 8.5 h of duty
    # instead of 9.5 h: Q + P (7.5 h) fit the first, not the second, so only one shift fits.
    tz = ROCKPORT
    prob = problem(
        [
            officer(
                "R-1",
                [(at(1, 0, tz=tz), at(3, 0, tz=tz))],
                tz=tz,
                on_duty=on_duty(
                    (at(1, 16, tz=tz), at(1, 23, tz=tz)), (at(2, 14, 30, tz=tz), at(3, 0, tz=tz))
                ),
            )
        ],
        [
            request("Q", at(2, 6, tz=tz), at(2, 8, tz=tz), priority=1),
            request("S", at(2, 7, tz=tz), at(2, 9, tz=tz), priority=1),
            request("P", at(2, 8, 30, tz=tz), at(2, 14, tz=tz), priority=1),
        ],
        agency="rockport-tx",
    )
    result = mip_checked(prob)
    assert result.status == "optimal"
    assert result.solver.objective[0] == 1000
    assert len(result.assignments) == 1


def test_prior_shifts_count_toward_the_mip_weekly_cap() -> None:
    """Every officer worked 4-8 h in the three days before a Thursday start, with a 12 h
    week: without the prior shifts in its cap rows the MIP gave two officers 15+ h."""
    problem = generate(
        10, 40, 3, 0, start=date(2026, 10, 29),
        policy=PolicyOverrides(max_hours_per_week=12), prior_share=1.0,
    )
    result = solve_mip(problem, 2.0)
    assert result.status == "optimal"
    assert validate(problem, result).violations == []
    assert result.metrics.coverage == 13.0  # 19.0 before, with the two caps broken
