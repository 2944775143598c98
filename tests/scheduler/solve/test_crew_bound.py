"""The flow bound that sees supervisors (`flow_bound.crew_bound`): a request of `supervisor_at`
or more positions is staffed only while a supervisor is on it, so where supervisors are few the
plain flow bound, which lets any officer fill any position, stands far above every roster.

Kennesaw (a supervisor from 5 positions): one sergeant and five patrol officers, all free
18:00-22:00 only, two events 18:00-22:00 for 5 officers each, priority 1. A roster staffs one
event (the sergeant and four others: 5.0) and cannot staff the other at all. The bounds round
each minute's worth up (a few ten-thousandths here)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from models.problem import Problem
from scheduler.context import prepare
from scheduler.rules.eligibility import candidate_pools
from scheduler.solve import budget
from scheduler.solve.flow_bound import crew_bound, few_supervisors, flow_bound
from scheduler.solve.pieces import build_pieces
from tests.scheduler.builders import at, officer, problem, request, solve_checked
from tests.scheduler.solve.test_solver_properties import DAYS, officers, requests


def _events(sergeants: int = 1):
    crew = [officer(f"S-{i}", [(at(9, 18), at(9, 22))], rank="sergeant") for i in range(sergeants)]
    crew += [officer(f"P-{i}", [(at(9, 18), at(9, 22))]) for i in range(5)]
    events = [
        request(f"E-{i}", at(9, 18), at(9, 22), officers_needed=5, priority=1)
        for i in (1, 2)
    ]
    return problem(crew, events)


def test_few_supervisors_bound_coverage_by_the_crews_they_can_lead() -> None:
    prob = _events()
    ctx = prepare(prob)
    ps = build_pieces(ctx)
    pools = candidate_pools(ctx, ps)
    # 6 officers x 4 h across two events of 5 x 4 h: 6 positions' worth.
    assert flow_bound(ctx, ps, pools) / 1000 == pytest.approx(6.0, abs=1e-3)
    # The sergeant's 240 minutes (free 18:00-22:00 only) lead one crew of 5 for 4 h: 5.0.
    assert few_supervisors(ctx, ps)  # 240 minutes against the events' 480
    assert flow_bound(ctx, ps, pools, crews=True) / 1000 == pytest.approx(5.0, abs=1e-3)
    assert crew_bound(ctx, ps, pools) / 1000 == pytest.approx(5.0, abs=1e-3)
    assert budget.bound_before_search(ctx, ps, pools, 10) == (
        pytest.approx(5.0, abs=1e-3),
        "bound from the flow relaxation",
    )
    result = solve_checked(prob)
    assert result.metrics.coverage == 5.0


def test_enough_supervisors_keep_the_plain_bound() -> None:
    # Two sergeants: 480 minutes, the events' 480; the crews bound is not solved (it would let
    # each sergeant's minute stand for a crew: 10.0), and the plain one holds, 7 officers: 7.0.
    ctx = prepare(_events(sergeants=2))
    ps = build_pieces(ctx)
    pools = candidate_pools(ctx, ps)
    assert not few_supervisors(ctx, ps)
    assert flow_bound(ctx, ps, pools, crews=True) / 1000 == pytest.approx(10.0, abs=1e-3)
    assert crew_bound(ctx, ps, pools) / 1000 == pytest.approx(7.0, abs=1e-3)
    assert solve_checked(_events(sergeants=2)).metrics.coverage == 7.0


@st.composite
def crews(draw: st.DrawFn) -> Problem:
    """test_solver_properties' random Rockport days, with a supervisor from 1-3 positions."""
    day = draw(st.sampled_from(DAYS))
    return problem(
        [draw(officers(i, day)) for i in range(draw(st.integers(1, 4)))],
        [draw(requests(i, day)) for i in range(draw(st.integers(1, 5)))],
        agency="rockport-tx",
        time_limit_s=5,
        num_workers=1,
        supervisor_at=draw(st.integers(1, 3)),
    )


@settings(max_examples=25, deadline=None)
@given(crews())
def test_the_crews_bound_is_never_below_a_proven_optimum(prob: Problem) -> None:
    result = solve_checked(prob)
    stage = [s for s in result.solver.stages if s.name == "coverage"]
    assume(stage and stage[0].status == "optimal")
    ctx = prepare(prob)
    ps = build_pieces(ctx)
    pools = candidate_pools(ctx, ps)
    optimum = result.metrics.coverage
    # The metric is the roster's exact share of each request, rounded to 4 places: it may stand
    # up to half a unit of the last place above the roster's coverage (a crews bound of 3.38238
    # against a metric of 3.3824, from a coverage of 3.3823529).
    rounding = 0.5e-4
    assert flow_bound(ctx, ps, pools, crews=True) / 1000 >= optimum - rounding
    assert crew_bound(ctx, ps, pools) / 1000 >= optimum - rounding
