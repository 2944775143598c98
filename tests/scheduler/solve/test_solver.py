"""The solver's contract as a whole (roster-contract.md; solver.py): it returns data for
degenerate problems, takes a full agency object as well as an id, and honours its stop event.
"""

from __future__ import annotations

import threading
import time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from models.problem import Problem
from scheduler.agencies import get_agency
from scheduler.solve import lexicographic
from scheduler.solve.solver import candidate_cap, solve
from scheduler.solve.stages import StageOutcome
from scheduler.validate.validator import validate
from tests.scheduler.builders import at, example, officer, problem, request, solve_checked


@pytest.mark.parametrize(
    ("officers", "requests", "unfilled"),
    [
        ([], [], []),
        ([], [request("R-1", at(1, 12), at(1, 16))], [("R-1", 1)]),
        ([officer("K-1")], [], []),
        ([{"id": "K-1"}], [request("R-1", at(1, 12), at(1, 16))], [("R-1", 1)]),
        ([officer("K-1")],
         [request("R-1", at(1, 12), at(1, 16), venue={"alcohol_served": True, "post": "inside"})],
         []),
    ],
    ids=["empty", "no-officers", "no-requests", "never-available", "only-refused"],
)
def test_a_problem_with_nothing_to_staff_is_solved_empty(
    officers: list[dict[str, Any]], requests: list[dict[str, Any]], unfilled: list[tuple[str, int]]
) -> None:
    result = solve_checked(problem(officers, requests))
    assert result.status == "optimal"
    assert result.assignments == []
    assert [(u.request_id, u.positions) for u in result.unfilled] == unfilled
    assert (result.metrics.coverage, str(result.pricing.total)) == (0, "0")


def test_a_request_shorter_than_the_minimum_is_staffed_and_billed_at_the_minimum() -> None:
    result = solve_checked(problem([officer("K-1")], [request("R-1", at(1, 12), at(1, 12, 30))]))
    assert [(a.officer_id, a.hours, a.billable_hours) for a in result.assignments] == [
        ("K-1", 0.5, 4.0)
    ]
    assert str(result.pricing.total) == "304.20"  # 4 h x $76.05


@pytest.mark.slow
def test_a_stop_event_already_set_returns_promptly() -> None:
    data = example("kennesaw-week.json", time_limit_s=8, num_workers=2, seed=0)
    prob = Problem.model_validate(data)
    stop = threading.Event()
    stop.set()
    started = time.perf_counter()
    result = solve(prob, stop_event=stop)
    elapsed = time.perf_counter() - started
    assert validate(prob, result).ok
    # Building the model takes well under a second here; the 8 s budget must not be spent.
    assert elapsed < 4, f"took {elapsed:.1f} s with the stop event set"
    # No stage ran, so the greedy roster comes back, and the note says why.
    assert result.status == "feasible"
    assert "stopped on request before CP-SAT found a roster: greedy rotation-list roster" in (
        result.notes)


@pytest.mark.slow
def test_a_stop_event_set_during_the_solve_ends_it_with_the_best_roster_so_far() -> None:
    prob = Problem.model_validate(example("kennesaw-week.json", time_limit_s=20, num_workers=2))
    stop = threading.Event()
    timer = threading.Timer(1.0, stop.set)
    timer.start()
    started = time.perf_counter()
    try:
        result = solve(prob, stop_event=stop)
    finally:
        timer.cancel()
    elapsed = time.perf_counter() - started
    assert elapsed < 4, f"took {elapsed:.1f} s after a stop at 1 s"
    assert result.status in ("optimal", "feasible")
    assert validate(prob, result).ok


def test_a_full_agency_object_sets_the_zone_minimum_and_supervisor_rule() -> None:
    # Kennesaw's card in Denver's zone with a 3 h minimum and a supervisor from 2 officers.
    agency = get_agency("kennesaw-ga").model_dump(mode="json")
    agency.update(id="denver-co", time_zone="America/Denver")
    agency["policy"].update(min_hours=3, supervisor_at=2)
    denver = ZoneInfo("America/Denver")
    prob = Problem.model_validate({
        "agency": agency,
        "officers": [officer("D-1", tz=denver),
                     officer("D-2", tz=denver, rank="sergeant", hours_to_date=5)],
        "requests": [
            request("R-1", at(1, 12, tz=denver), at(1, 14, tz=denver), officers_needed=2),
            request("R-2", at(6, 20, tz=denver), at(7, 2, tz=denver)),
        ],
        "options": {"time_limit_s": 3, "num_workers": 1},
    })
    result = solve_checked(prob)
    assert result.agency == "denver-co"
    assert [(a.request_id, a.officer_id, a.start.isoformat(), a.billable_hours)
            for a in result.assignments] == [
        ("R-1", "D-1", "2026-12-01T12:00:00-07:00", 3.0),
        ("R-1", "D-2", "2026-12-01T12:00:00-07:00", 3.0),
        ("R-2", "D-1", "2026-12-06T20:00:00-07:00", 6.0),
    ]
    # (2 x 3 h + 6 h) x $76.05
    assert str(result.pricing.total) == "912.60"


def test_the_coverage_bound_never_exceeds_every_position_filled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # CP-SAT stopped early reports whatever bound its search reached; simulate a weak one.
    real = lexicographic.run_stage

    def weak_coverage_bound(*args: Any, **kwargs: Any) -> StageOutcome:
        outcome = real(*args, **kwargs)
        if outcome.name == "coverage":
            outcome.status, outcome.bound = "feasible", 50_000.0
        return outcome

    monkeypatch.setattr(lexicographic, "run_stage", weak_coverage_bound)
    result = solve_checked(problem(
        [officer("K-1")], [request("R-1", at(1, 12), at(1, 16), priority=3, officers_needed=2)]
    ))
    assert result.metrics.coverage == 3
    assert result.metrics.coverage_upper_bound <= 6  # 2 positions of priority 3


def test_a_city_keeps_more_candidates_a_piece_the_longer_its_limit() -> None:
    # 4,000 pairs a second of the limit over 7,060 pieces (L's even splits), within 12 and 48.
    assert candidate_cap(7_060, 20) == 12  # 11.3: the fewest
    assert candidate_cap(7_060, 30) == 16  # 120,000 / 7,060 = 16.99
    assert candidate_cap(7_060, 90) == 48  # 51.0: the most
