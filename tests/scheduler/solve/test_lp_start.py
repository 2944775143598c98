"""The LP neighbourhood (solve/lp_start.py): its share of the search time, and its second
search, widened by the pairs of least reduced cost."""

from __future__ import annotations

from types import SimpleNamespace

from models.problem import SolveOptions
from scheduler.solve.draft import Draft
from scheduler.solve.lp_start import (
    NEIGHBOURHOOD_SHARE,
    SHORT_NEIGHBOURHOOD_SHARE,
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


def _knapsack_neighbourhood(clock: Clock):
    """`lp_start._neighbourhood` on the knapsack of test_relaxation.py: pieces worth 5, 4,
    3 and 1 taking 3, 2, 2 and 2 of one officer's 4 hours, from an empty roster."""
    m = knapsack()
    lp = Relaxing(m.cp).solve(5)
    assert lp is not None
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
