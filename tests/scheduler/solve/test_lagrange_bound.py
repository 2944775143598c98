"""The Lagrangian bound over every split and every pool pair (solve/lagrange_bound.py).

Coverage units: a whole position of a priority-3 request is 3.0 (3,000 in piece weights).
"""

from __future__ import annotations

import threading
import time

import pytest

from benchmarks.families import FAMILIES, SUITE_SIZES, generate_from, generator_args
from models.problem import Problem
from scheduler.context import coverage_scale, prepare
from scheduler.rules.eligibility import candidate_pools
from scheduler.solve import lagrange_bound
from scheduler.solve.flow_bound import flow_bound, windows
from scheduler.solve.lagrange_bound import THREAD_NAME, LagrangeBound, LagrangeThread
from scheduler.solve.pieces import build_pieces
from scheduler.solve.solver import solve
from scheduler.validate.validator import validate
from tests.scheduler.builders import ROCKPORT, at, officer, problem, request, solve_checked


def _relaxation(prob: Problem) -> LagrangeBound:
    ctx = prepare(prob)
    ps = build_pieces(ctx)
    return LagrangeBound(ctx, ps, candidate_pools(ctx, ps))


def _bound(prob: Problem, target: float, most: int = 500) -> float:
    relaxation = _relaxation(prob)
    relaxation.search(target, threading.Event(), most)
    return relaxation.best


def test_two_officers_for_one_position_bound_one_position() -> None:
    # At zero multipliers both officers take the 4-hour request (6.0). The position row is over
    # by 4 position-hours: one step of (6,000 - 3,000) / 4^2 x 4 = 750 a position-hour prices the
    # request at 3,000, nobody takes it, and 750 x 4 hours of room = 3,000: the optimum.
    prob = problem([officer("O-1"), officer("O-2")], [request("R-1", at(2, 18), at(2, 22))])
    assert _bound(prob, 3000) == 3.0
    assert solve_checked(prob).metrics.coverage == 3.0


def test_the_weekly_cap_prices_hours_beyond_it() -> None:
    # One officer capped at 12 hours a week, three 6-hour requests in one week: 9.0 at zero
    # multipliers, 6 hours over the cap. One step of (9,000 - 6,000) / 6^2 x 6 = 500 an hour
    # prices each request at its 3,000, and 500 x 12 hours = 6,000: two requests, the optimum.
    prob = problem(
        [officer("O-1")],
        [request(f"R-{d}", at(d, 12), at(d, 18)) for d in (8, 9, 10)],
        max_hours_per_week=12,
    )
    assert _bound(prob, 6000) == 6.0
    assert solve_checked(prob).metrics.coverage == 6.0


def test_the_rest_rule_prices_the_hours_of_a_24_hour_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One officer, at most 10 hours in any 24, two 6-hour requests 06:00-12:00 and 13:00-19:00
    # (EST: 11:00-24:00 UTC, inside the window from the epoch's midnight of each partition).
    # Their 12 hours fit the day's 12: without the rule's windows the bound is both, 6.0; with
    # them, 10 of the 12 hours, the LP's 5.0 (the steps come down to it from above); a roster
    # works one request, 3.0.
    prob = problem(
        [officer("O-1")],
        [request("R-1", at(2, 6), at(2, 12)), request("R-2", at(2, 13), at(2, 19))],
        max_hours_per_24h=10,
    )
    assert 5.0 <= _bound(prob, 3000, most=2000) <= 5.01
    assert solve_checked(prob).metrics.coverage == 3.0
    monkeypatch.setattr(lagrange_bound, "ROLLING_OFFSETS", ())
    lagrange_bound.split_by_rolling_day.cache_clear()
    try:
        assert _bound(prob, 3000, most=2000) == 6.0
    finally:
        monkeypatch.undo()
        lagrange_bound.split_by_rolling_day.cache_clear()


def test_no_supervisor_staffs_nothing_of_a_supervised_request() -> None:
    # Kennesaw's supervisor_at is 5: five officers, none a supervisor, a request for five.
    prob = problem(
        [officer(f"O-{i}") for i in range(5)],
        [request("R-1", at(2, 18), at(2, 22), officers_needed=5)],
    )
    assert _bound(prob, 0) == 0.0
    assert solve_checked(prob).metrics.coverage == 0.0


def test_a_twenty_hour_request_for_two_and_one_officer_is_the_lp_bound() -> None:
    # test_pieces_sparse works it by hand: 1.8 is the LP optimum and the roster's coverage.
    prob = problem(
        [officer("O-1", tz=ROCKPORT)],
        [request("R-1", at(9, 4, tz=ROCKPORT), at(10, 0, tz=ROCKPORT), officers_needed=2)],
        agency="rockport-tx",
    )
    assert _bound(prob, 1800) == 1.8


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_on_every_s_problem_the_bounds_hold_the_roster_and_beat_the_flow_bound(
    family: str,
) -> None:
    # Steps towards 90% of the roster: a target below the optimum, as the greedy roster is.
    # However the steps go, no bound may fall below a valid roster (the proven optimum where
    # the roster is optimal), and 200 steps are already below the flow bound.
    prob = generate_from(generator_args(FAMILIES[family], SUITE_SIZES["S"], 0))
    result = solve_checked(
        prob.model_copy(update={"options": prob.options.model_copy(update={"time_limit_s": 5.0})})
    )
    relaxation = _relaxation(prob)
    target = 0.9 * result.metrics.coverage * coverage_scale() - relaxation.locked_weight
    relaxation.search(target, threading.Event(), most=200)
    assert relaxation.best >= result.metrics.coverage
    ctx = prepare(prob)
    ps = build_pieces(ctx)
    assert relaxation.best < flow_bound(ctx, ps, candidate_pools(ctx, ps)) / coverage_scale()
    # The flow bound over the windows of the agency minimum holds the roster too.
    spans = windows(ctx, ps)
    assert flow_bound(ctx, spans, candidate_pools(ctx, spans)) / coverage_scale() >= (
        result.metrics.coverage
    )


def test_the_thread_stops_when_asked_and_keeps_its_lowest_bound() -> None:
    prob = generate_from(generator_args(FAMILIES["rockport-christmas-split"], SUITE_SIZES["S"], 0))
    ctx = prepare(prob)
    ps = build_pieces(ctx)
    thread = LagrangeThread(ctx, ps, candidate_pools(ctx, ps), goal=0.0)
    time.sleep(1.0)
    began = time.perf_counter()
    value = thread.finish()
    assert time.perf_counter() - began < 0.5
    assert thread.relaxation is not None and thread.relaxation.steps > 0
    assert value == thread.relaxation.best


def test_the_thread_runs_where_its_steps_fit() -> None:
    # 30,000 pairs a second of the limit, never above a million pairs: Rockport's DST fortnight
    # (M, 527,459 pairs) at 20 s, not Christmas (1,999,941) nor L (2,447,998) at 90 s.
    assert LagrangeThread.fits(527_459, 20)
    assert not LagrangeThread.fits(1_999_941, 20)
    assert not LagrangeThread.fits(2_447_998, 90)


def test_a_solve_offered_fewer_splits_reports_the_lagrangian_bound() -> None:
    # Rockport's Christmas week (S) at 5 s: fewer splits are offered, the LP over every split
    # (33,419 pairs, 3.3 s) does not fit half the limit, so the Lagrangian runs beside the search.
    prob = generate_from(generator_args(FAMILIES["rockport-christmas-split"], SUITE_SIZES["S"], 0))
    result = solve_checked(
        prob.model_copy(update={"options": prob.options.model_copy(update={"time_limit_s": 5.0})})
    )
    [note] = [n for n in result.solver.notes if n.startswith("bound from the Lagrangian")]
    assert note.startswith("bound from the Lagrangian relaxation over every split (33,419 pairs, ")
    assert not any(n.startswith("bound from the flow") for n in result.solver.notes)
    ctx = prepare(prob)
    ps = build_pieces(ctx)
    flow = flow_bound(ctx, ps, candidate_pools(ctx, ps)) / coverage_scale()
    assert result.metrics.coverage <= result.metrics.coverage_upper_bound < flow


def test_a_deterministic_solve_leaves_the_lagrangian_out() -> None:
    # How many steps the thread makes depends on the machine: a deterministic roster must not,
    # nor its bound. The flow bound stands.
    prob = generate_from(generator_args(FAMILIES["rockport-christmas-split"], SUITE_SIZES["S"], 0))
    options = prob.options.model_copy(update={"time_limit_s": 5.0, "deterministic": True})
    result = solve_checked(prob.model_copy(update={"options": options}))
    assert not any(n.startswith("bound from the Lagrangian") for n in result.solver.notes)
    assert "bound from the flow relaxation" in result.solver.notes


def test_a_stopped_solve_leaves_no_bound_thread_running() -> None:
    # A client's cancel stops the search; the thread's steps see the stop and end with it.
    prob = generate_from(generator_args(FAMILIES["rockport-christmas-split"], SUITE_SIZES["S"], 0))
    options = prob.options.model_copy(update={"time_limit_s": 5.0})
    stop = threading.Event()
    timer = threading.Timer(1.0, stop.set)
    timer.start()
    began = time.perf_counter()
    result = solve(prob.model_copy(update={"options": options}), stop_event=stop)
    assert time.perf_counter() - began < 3.0
    assert result.status in ("feasible", "optimal")
    assert validate(prob, result).violations == []
    assert [t for t in threading.enumerate() if t.name == THREAD_NAME] == []
