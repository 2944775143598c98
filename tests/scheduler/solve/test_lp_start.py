"""The LP neighbourhood (solve/lp_start.py): its share of the search time, and its second
search, widened by the pairs of least reduced cost."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

from models.problem import SolveOptions
from scheduler.solve import lp_start
from scheduler.solve.draft import Draft
from scheduler.solve.lp_start import (
    NEIGHBOURHOOD_SHARE,
    SHORT_NEIGHBOURHOOD_SHARE,
    UNPROVEN_NEIGHBOURHOOD_SHARE,
    _neighbourhood,
    _neighbourhood_share,
)
from scheduler.solve.relaxation import Relaxing
from scheduler.solve.stages import Clock
from tests.scheduler.solve.test_relaxation import knapsack


def test_the_neighbourhood_gets_more_where_the_whole_model_has_no_time() -> None:
    # 3,332 pairs at 0.4 ms need 1.33 s: a 1 s limit leaves less, a 10 s limit more.
    assert _neighbourhood_share(Clock(1.0), 3_332) == SHORT_NEIGHBOURHOOD_SHARE == 0.6
    assert _neighbourhood_share(Clock(10.0), 3_332) == NEIGHBOURHOOD_SHARE == 0.3
    # A deterministic budget is spent whatever the stage proves: never the larger share.
    assert _neighbourhood_share(Clock(1.0, deterministic=True), 3_332) == 0.3


def _knapsack_neighbourhood(clock: Clock, proven: bool = True):
    """`lp_start._neighbourhood` on the knapsack of test_relaxation.py: pieces worth 5, 4,
    3 and 1 taking 3, 2, 2 and 2 of one officer's 4 hours, from an empty roster; with
    `proven` False, its LP optimum as GLOP's last point when out of time."""
    m = knapsack()
    lp = Relaxing(m.cp).solve(5)
    assert lp is not None
    if not proven:
        lp = dataclasses.replace(lp, objective=float("nan"), reduced=None, proven=False)
    ps = SimpleNamespace(pieces=[SimpleNamespace(weight=w) for w in (5, 4, 3, 1)])
    ctx = SimpleNamespace(problem=SimpleNamespace(options=SolveOptions(num_workers=1)))
    return _neighbourhood(ctx, ps, m, lp, Draft(), clock, None, len(m.x))  # type: ignore[arg-type]


def test_a_neighbourhood_proven_below_the_lp_is_searched_again_widened() -> None:
    # The LP uses pieces 0 and 1, among which piece 0 alone (5) is proven best; widened by the
    # pairs of least reduced cost (eight times the LP's two: pieces 2 and 3 both), pieces 1 and
    # 2 make 7, the optimum (the LP says 7.33: no integer roster makes 8).
    start, outcomes = _knapsack_neighbourhood(Clock(10.0))
    assert [(o.status, o.objective) for o in outcomes] == [("optimal", 5), ("optimal", 7)]
    assert sorted(start.assign) == [(1, 7), (2, 7)]


def test_a_deterministic_neighbourhood_is_not_widened() -> None:
    # Whether the first search is proven within its share depends on the machine.
    start, outcomes = _knapsack_neighbourhood(Clock(10.0, deterministic=True))
    assert [(o.status, o.objective) for o in outcomes] == [("optimal", 5)]
    assert start.assign == [(0, 7)]


def test_a_neighbourhood_of_an_lp_out_of_time_gets_nearly_all_the_time_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GLOP ran out of its share: the limit is too short for anything after the neighbourhood
    # (Rockport with a 4-hour continuous cap, S, seed 22, 1 s: the greedy roster in each of four
    # runs with the usual share). Of 10 s left, 9 s instead of 3 s; never widened (no reduced
    # costs).
    given: list[float] = []
    run = lp_start.run_stage

    def spy(m, name, options, seconds, *args, **kwargs):  # type: ignore[no-untyped-def]
        given.append(seconds)
        return run(m, name, options, seconds, *args, **kwargs)

    monkeypatch.setattr(lp_start, "run_stage", spy)
    monkeypatch.setattr(Clock, "search_left", lambda self: 10.0)  # a machine of any speed
    start, outcomes = _knapsack_neighbourhood(Clock(10.0), proven=False)
    assert UNPROVEN_NEIGHBOURHOOD_SHARE == 0.9
    assert given == [pytest.approx(9.0)]
    assert [(o.status, o.objective) for o in outcomes] == [("optimal", 5)]
    assert start.assign == [(0, 7)]
    given.clear()
    _knapsack_neighbourhood(Clock(10.0))
    assert given[0] == pytest.approx(3.0)
