"""The LP neighbourhood (solve/lp_start.py): its share of the search time, its second search,
widened by the pairs of least reduced cost, and the first LP begun while the model is built."""

from __future__ import annotations

import dataclasses
import threading
import time
from types import SimpleNamespace

import pytest

from models.problem import SolveOptions
from scheduler.solve import lp_start
from scheduler.solve.draft import Draft
from scheduler.solve.locks import check_locks
from scheduler.solve.lp_start import (
    NEIGHBOURHOOD_SHARE,
    SHORT_NEIGHBOURHOOD_SHARE,
    UNPROVEN_NEIGHBOURHOOD_SHARE,
    EarlyLp,
    _neighbourhood,
    _neighbourhood_share,
    _seconds,
)
from scheduler.solve.objective import covered
from scheduler.solve.relaxation import Relaxing, outside
from scheduler.solve.stages import Clock
from tests.scheduler.builders import validated_draft
from tests.scheduler.solve.test_relaxation import city_model_and_candidates, knapsack


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


def _left(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    monkeypatch.setattr(Clock, "search_left", lambda self: seconds)  # a machine of any speed


def test_the_last_neighbourhood_keeps_its_share_where_the_stages_after_can_load_the_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 0.3 of 10 s: the coverage stage after gets half of the 7 s left, and 10,000 pairs load in
    # 0.3 s (3e-5 s each).
    _left(monkeypatch, 10.0)
    assert lp_start.LOAD_SECONDS_PER_PAIR == 3e-5 and lp_start.COVERAGE_SHARE == 0.5
    assert _seconds(Clock(20.0), 0.3, 10_000) == pytest.approx(3.0)


def test_the_last_neighbourhood_takes_all_where_the_stages_after_could_not_load_the_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 0.6 of 1.2 s leaves 0.48 s, half of it for the coverage stage: 0.24 s, short of the 0.3 s
    # that 10,000 pairs take to load (at 7,000 pairs, 0.21 s: enough).
    _left(monkeypatch, 1.2)
    assert _seconds(Clock(2.0), 0.6, 10_000) == pytest.approx(1.2)
    assert _seconds(Clock(2.0), 0.6, 7_000) == pytest.approx(0.72)
    # Too little left to start any solve after it: 0.3 of 0.14 s leaves 0.098 s.
    _left(monkeypatch, 0.14)
    assert _seconds(Clock(1.0), 0.3, 10) == pytest.approx(0.14)


def test_a_deterministic_neighbourhood_keeps_its_share_of_the_virtual_budget() -> None:
    # Its budgets may not depend on the machine: a fixed share of what the virtual budget left.
    clock = Clock(2.0, deterministic=True)
    left = clock.virtual_left
    assert _seconds(clock, 0.6, 10_000_000) == pytest.approx(0.6 * left)


@pytest.mark.parametrize("seed", [0, 1])
def test_an_early_lp_is_the_models_relaxation(seed: int) -> None:
    # Written from the candidates before the model exists, solved in a thread: the same optimum
    # as the model's translated relaxation, column for column.
    ctx, ps, m, cands = city_model_and_candidates(seed)
    early = EarlyLp(ctx, ps, cands, Draft(), Clock(60.0), None)
    found = early.result()
    expected = Relaxing(m.cp).solve(10)
    assert found is not None and expected is not None and found.proven
    assert early.written.columns_of(m)
    assert found.objective == pytest.approx(expected.objective, rel=1e-9)
    assert early.whole is None


def test_an_early_lp_of_a_first_tier_fixes_the_pairs_outside_it() -> None:
    # The tier: the pieces of even index, and the pairs of the roster (one outside the tier).
    ctx, ps, m, cands = city_model_and_candidates(0)
    tier = [p.index % 2 == 0 for p in ps.pieces]
    odd = next(key for key in m.x if key[0] % 2)
    early = EarlyLp(ctx, ps, cands, Draft([odd]), Clock(60.0), tier)  # type: ignore[arg-type]
    found = early.result()
    keep = {key for key in m.x if key[0] % 2 == 0} | {odd}
    expected = Relaxing(m.cp).solve(10, outside(m, keep))
    whole = Relaxing(m.cp).solve(10)
    assert found is not None and expected is not None and whole is not None
    assert found.objective == pytest.approx(expected.objective, rel=1e-9)
    assert found.objective < whole.objective  # the odd pieces cover more
    assert all(found.values[i] == 0.0 for i in outside(m, keep))
    # The whole tier's copy was made before the first tier's pairs were fixed.
    assert early.whole is not None
    again = early.whole.solve(10)
    assert again is not None and again.objective == pytest.approx(whole.objective, rel=1e-9)


def test_an_early_lp_does_not_match_a_model_with_other_columns() -> None:
    # `lp_start` then stops it and translates the model's own relaxation.
    ctx, ps, m, cands = city_model_and_candidates(1)
    early = EarlyLp(ctx, ps, cands, Draft(), Clock(60.0), None)
    m.cp.new_int_var(0, 5, "t_max")  # a column the rows do not have
    assert not early.written.columns_of(m)
    early.stop()


class _Overrunning:
    """A GLOP that overruns its time limit until interrupted, then returns its last point."""

    def __init__(self) -> None:
        self.stopped = threading.Event()
        self.point = object()

    def solve(self, seconds: float, zero: object, unproven: bool) -> object:
        self.stopped.wait(30)
        return self.point

    def interrupt(self) -> None:
        self.stopped.set()


def test_an_early_lp_overrunning_its_limit_gives_its_last_point_once_interrupted() -> None:
    relaxing = _Overrunning()
    early = EarlyLp.__new__(EarlyLp)
    early._seconds, early._began = 0.01, time.perf_counter()
    early._lp = lp_start._Beside(relaxing, 0.01)  # type: ignore[arg-type]
    began = time.perf_counter()
    assert early.result() is relaxing.point  # type: ignore[comparison-overlap]
    # Its limit and JOIN_SECONDS, then the interrupted solve's prompt return.
    assert time.perf_counter() - began < 0.01 + lp_start.JOIN_SECONDS + 0.15


def test_the_resplits_reserve_is_lent_beyond_what_is_kept_and_borrowed_once() -> None:
    clock = Clock(10.0)
    clock.reserve = 2.0
    clock.lend(0.5, kept=1.8)  # only 0.2 s of the reserve lies beyond what is kept
    assert clock.lendable == pytest.approx(0.2)
    clock.lend(0.5, kept=1.0)
    assert clock.lendable == 0.5
    assert not clock.borrow(20.0)  # with it, less than 20 s would be left: nothing taken
    assert (clock.reserve, clock.lendable) == (2.0, 0.5)
    assert clock.borrow(1.0)
    assert (clock.reserve, clock.lendable) == (1.5, 0.0)
    assert not clock.borrow(0.0)  # lent once
    deterministic = Clock(10.0, deterministic=True)
    deterministic.lend(0.2, kept=0.0)
    assert not deterministic.borrow(0.0) and deterministic.reserve == 0.5


def _solved_early(left: float, lent: float):  # type: ignore[no-untyped-def]
    """A city week whose early LP is solved, and a 1 s clock with `left` seconds of search
    left and `lent` seconds of the reserve lendable."""
    ctx, ps, m, cands = city_model_and_candidates(0)
    early = EarlyLp(ctx, ps, cands, Draft(), Clock(60.0), None)
    while not early.done():
        time.sleep(0.01)
    clock = Clock(1.0)
    clock.reserve = 1.0 - clock.elapsed() - left
    clock.lend(lent, kept=clock.reserve - lent)
    return ctx, ps, m, early, clock


def _out_of_time_start(lent: float):  # type: ignore[no-untyped-def]
    """`lp_start` with 0.05 s of search left (`_solved_early`)."""
    ctx, ps, m, early, clock = _solved_early(0.05, lent)
    assert lp_start.out_of_time(clock)
    start, outcomes, _ = lp_start.lp_start(ctx, ps, m, Draft(), clock, None, None, [], early)
    return start, outcomes, clock


def test_a_search_out_of_time_borrows_the_resplits_reserve_for_a_solved_lp() -> None:
    # On Rockport's Christmas week (S, seeds 2 and 3, 1 s) a slow start left 0.02-0.09 s, and
    # the answer was the greedy roster split again (397.0-431.2, against 486-520 otherwise).
    start, outcomes, clock = _out_of_time_start(0.5)
    assert [o.name for o in outcomes][:1] == ["coverage-lp-neighbourhood"]
    assert outcomes[0].has_solution and start.assign
    assert clock.lendable == 0.0
    # Nothing to lend: no search, the roster as it came.
    start, outcomes, clock = _out_of_time_start(0.0)
    assert (outcomes, start.assign) == ([], [])


def test_a_neighbourhood_alone_short_of_time_borrows_the_resplits_reserve() -> None:
    # 0.12 s of search left is not out of time (0.1 s), but too little for CP-SAT to return
    # even its hint: on Rockport's week with a 4-hour continuous cap (S, seed 1, 1 s) about
    # one run in twenty searched 0.06 s, found nothing, and answered the greedy roster (623.8
    # covered, 708.0-757.8 in the others). It now borrows below BORROW_LEAST_SECONDS.
    ctx, ps, _, early, clock = _solved_early(0.12, 0.5)
    assert not lp_start.out_of_time(clock) and lp_start.short_of(clock, 0.15)
    start, outcomes, _ = lp_start.neighbourhood_alone(ctx, ps, early, Draft(), clock, None)
    assert clock.lendable == 0.0
    assert outcomes[0].has_solution and start.assign
    validated_draft(ctx, ps, start, check_locks(ctx, ps)[1])


def test_the_neighbourhood_is_alone_where_the_model_built_would_leave_no_stage_its_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 0.5 s left, 0.3 s of it to build the model: the neighbourhood's 0.6 of the 0.2 s after
    # leaves 0.08 s, too little to start a solve.
    _left(monkeypatch, 0.5)
    assert lp_start.LEAST_SOLVE_SECONDS == 0.1
    assert lp_start.alone(1_000, Clock(1.0), 0.3)
    # 1.2 s left, 0.2 s to build: 0.4 s after the neighbourhood, half of it for the coverage
    # stage: 0.2 s, short of the 0.3 s that 10,000 pairs take to load, enough for 6,000 (0.18).
    _left(monkeypatch, 1.2)
    assert lp_start.alone(10_000, Clock(2.0), 0.2)
    assert not lp_start.alone(6_000, Clock(2.0), 0.2)
    # Never in a deterministic run, whose stages spend a virtual budget.
    assert not lp_start.alone(10_000, Clock(2.0, deterministic=True), 0.2)


@pytest.mark.parametrize("seed", [0, 1])
def test_a_neighbourhood_alone_is_the_models_neighbourhood_written_from_the_lps_rows(
    seed: int,
) -> None:
    # The same LP, the same pairs kept, so the same proven optimum as the neighbourhood cut out
    # of the model of every pair (`_neighbourhood`), widened alike; the roster is valid.
    ctx, ps, m, cands = city_model_and_candidates(seed)
    _, locked = check_locks(ctx, ps)
    early = EarlyLp(ctx, ps, cands, Draft(), Clock(60.0), None)
    clock = Clock(60.0)
    draft, outcomes, bound = lp_start.neighbourhood_alone(ctx, ps, early, Draft(), clock, None)
    lp = Relaxing(m.cp).solve(10)
    assert lp is not None
    expected_draft, expected = _neighbourhood(ctx, ps, m, lp, Draft(), Clock(60.0), None, len(m.x))
    assert [(o.status, o.objective) for o in outcomes] == [
        (o.status, o.objective) for o in expected
    ]
    assert all(o.status == "optimal" for o in outcomes)
    assert bound == lp_start._integer_bound(lp)
    assert covered(ps, draft) == covered(ps, expected_draft) == outcomes[-1].objective
    assert covered(ps, draft) > 0
    validated_draft(ctx, ps, draft, locked)


def test_a_neighbourhood_alone_without_an_lp_keeps_the_roster() -> None:
    ctx, ps, _, cands = city_model_and_candidates(0)
    # GLOP proved nothing and had no last point (stopping a real one races its solve).
    early = SimpleNamespace(result=lambda: None, stop=lambda: None)
    start = Draft([next(iter((p, o) for p, os in cands.items() for o in os))])
    found = lp_start.neighbourhood_alone(ctx, ps, early, start, Clock(60.0), None)  # type: ignore[arg-type]
    assert found == (start, [], None)
