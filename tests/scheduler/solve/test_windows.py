"""The city-scale time-window search against the monolithic model on small instances.

`solve` switches to the window search above `splits.LARGE_MODEL` pairs; here both thresholds are
lowered so tiny problems take that path, one local day per window.
"""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest

from models.problem import Problem
from models.result import RosterResult
from scheduler.context import prepare
from scheduler.rules.eligibility import candidate_pools
from scheduler.solve import solver, splits, windows
from scheduler.solve.draft import Draft
from scheduler.solve.fair_window import hold_the_top
from scheduler.solve.locks import check_locks
from scheduler.solve.pieces import build_pieces
from scheduler.solve.rows import Horizon
from scheduler.solve.stages import Clock
from tests.scheduler.builders import (
    at,
    officer,
    problem,
    request,
    roster,
    rows_of,
    solve_checked,
    validated_draft,
)


def crossed_pair(day: int) -> list[dict[str, Any]]:
    """Greedy's trap: R-a (08-12, anyone) comes first and goes to the lighter officer, who is
    also the only one qualified for R-b (10-14, traffic); the optimum swaps them."""
    return [
        request(f"R-{day}a", at(day, 8), at(day, 12)),
        request(f"R-{day}b", at(day, 10), at(day, 14), job_type="traffic"),
    ]


def two_weeks() -> Problem:
    # Wednesday 2 and Wednesday 9 December: different weeks, so the windows do not interact.
    return problem(
        [officer("K-1", qualifications=["traffic"]), officer("K-2", hours_to_date=10)],
        crossed_pair(2) + crossed_pair(9),
    )


def by_windows(monkeypatch: pytest.MonkeyPatch, prob: Problem, rens_above: int) -> RosterResult:
    with monkeypatch.context() as patch:
        patch.setattr(splits, "LARGE_MODEL", 0)
        patch.setattr(windows, "WINDOW_VARIABLES", 1)
        patch.setattr(windows, "RENS_ABOVE", rens_above)
        result = solve_checked(prob)
    names = {stage.name for stage in result.solver.stages}
    assert "coverage-window" in names, names
    return result


def test_greedy_alone_falls_into_the_trap() -> None:
    ctx = prepare(two_weeks())
    ps = build_pieces(ctx)
    _, locked = check_locks(ctx, ps)
    pools = candidate_pools(ctx, ps)
    start, _ = solver._rotation_start(ctx, ps, pools, locked, None)
    assert sorted(ps.pieces[p].request for p, _ in start.assign) == [0, 2]  # each day's R-a


@pytest.mark.parametrize("rens_above", [10_000, 0], ids=["whole-windows", "lp-neighbourhood"])
def test_windows_reach_the_monolithic_optimum(
    monkeypatch: pytest.MonkeyPatch, rens_above: int
) -> None:
    prob = two_weeks()
    whole = solve_checked(prob)
    assert whole.status == "optimal"
    assert whole.metrics.coverage == 12  # four positions of priority 3
    split = by_windows(monkeypatch, prob, rens_above)
    assert split.metrics.coverage == whole.metrics.coverage
    assert (
        roster(split)
        == roster(whole)
        == [
            ("R-2a", "K-2", at(2, 8), at(2, 12)),
            ("R-2b", "K-1", at(2, 10), at(2, 14)),
            ("R-9a", "K-2", at(9, 8), at(9, 12)),
            ("R-9b", "K-1", at(9, 10), at(9, 14)),
        ]
    )


def test_a_deterministic_window_search_does_not_depend_on_the_machine_speed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 5 s deterministic: the virtual budget is 5 less the 0.25 s reserve, 70% of it for the
    # coverage sweep and 30% for the fairness one, over two daily windows: 4.75 x 0.7 / 2 =
    # 1.6625 s of deterministic time for each coverage window and 4.75 x 0.3 / 2 = 0.7125 s for
    # each fairness one, also when building each window's model is made 0.3 s slower.
    prob = problem(
        [officer("K-1", qualifications=["traffic"]), officer("K-2", hours_to_date=10)],
        crossed_pair(2) + crossed_pair(9),
        deterministic=True,
    )
    given: list[float] = []
    real_stage, real_cut = windows.run_stage, Horizon.cut

    def stage(m, name, options, seconds, *args, **kwargs):
        given.append(seconds)
        return real_stage(m, name, options, seconds, *args, **kwargs)

    def slow_cut(*args, **kwargs):
        time.sleep(0.3)
        return real_cut(*args, **kwargs)

    monkeypatch.setattr(windows, "run_stage", stage)
    first = by_windows(monkeypatch, prob, rens_above=10_000)
    budgets_first = list(given)
    given.clear()
    monkeypatch.setattr(Horizon, "cut", slow_cut)
    second = by_windows(monkeypatch, prob, rens_above=10_000)
    assert budgets_first == given
    assert given == pytest.approx([1.6625, 1.6625, 0.7125, 0.7125])
    assert roster(first) == roster(second)


def test_a_short_limit_searches_the_first_windows_whose_rows_fit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Half a second a pair: day 2's three pairs (1.5 s) fit in half of the ~4.5 s left before
    # the search's deadline, days 2 and 9 together (six pairs, 3 s) do not. Day 2 is searched
    # and swapped; day 9 keeps the greedy roster: R-2a, R-2b and R-9a, three positions of
    # priority 3.
    monkeypatch.setattr(windows, "ROWS_SECONDS_PER_PAIR", 0.5)
    result = by_windows(monkeypatch, two_weeks(), rens_above=10_000)
    assert result.metrics.coverage == 9
    assert roster(result) == [
        ("R-2a", "K-2", at(2, 8), at(2, 12)),
        ("R-2b", "K-1", at(2, 10), at(2, 14)),
        ("R-9a", "K-1", at(9, 8), at(9, 12)),
    ]


def test_the_windows_in_time_and_the_columns_their_rows_need() -> None:
    ps = SimpleNamespace(by_request={0: [0], 1: [1], 2: [2]}, pieces=[0, 1, 2])
    cands = {0: list(range(10_000)), 1: list(range(10_000)), 2: list(range(10_000))}
    # 1.5e-5 s a pair: 0.15 s, 0.30 s and 0.45 s for one, two and three windows' rows; half of
    # the 1.2 s left less 0.5 s is 0.35 s.
    windows_ = [[0], [1], [2]]
    assert windows._windows_in_time(ps, cands, windows_, 1.2) == [[0], [1]]
    assert windows._windows_in_time(ps, cands, windows_, 2.0) == windows_
    start = Draft([(1, 7), (2, 8)], {})
    assert windows._columns(ps, cands, [[0]], start) == {0: cands[0], 1: [7], 2: [8]}


def test_the_sweeps_take_the_windows_with_the_fewest_pairs_first() -> None:
    # Three windows in order of days: requests 2 and 3 (3 + 1 pairs), request 1 (its two pieces,
    # 1 + 2 pairs), request 0 (3 pairs). The fewest first; the two of 3 pairs keep their order.
    ps = SimpleNamespace(by_request={0: [0], 1: [1, 2], 2: [3], 3: [4]})
    cands = {0: [1, 2, 3], 1: [1], 2: [1, 2], 3: [5, 6, 7], 4: [1]}
    by_days = [[2, 3], [1], [0]]
    assert windows._smallest_first(ps, cands, by_days) == [[1], [0], [2, 3]]


def test_a_window_s_budget_is_its_share_of_the_sweep_s_pairs_left() -> None:
    # 60 s left, a 30,000-pair window among 300,000 pairs left to solve: 6 s (an even share
    # of 14 windows gave 4.3 s, and the largest days come last). A 1,000-pair window: 0.2 s,
    # raised to the 2 s floor. The last window: all 5 s left. Less left than the floor: all
    # of it.
    assert windows._budget(60.0, 30_000, 300_000) == pytest.approx(6.0)
    assert windows._budget(60.0, 1_000, 300_000) == 2.0
    assert windows._budget(5.0, 30_000, 30_000) == 5.0
    assert windows._budget(1.5, 30_000, 300_000) == 1.5


@pytest.mark.parametrize("loaded", [True, False])
def test_a_fairness_sweep_stops_at_a_window_that_found_no_roster(
    monkeypatch: pytest.MonkeyPatch, loaded: bool
) -> None:
    # Two windows, the smaller first. When the first finds no roster at all in its time, the
    # larger one is not tried; when it does (and changes nothing), both are, once.
    tried: list[list[int]] = []

    def improve(ctx, ps, horizon, draft, requests, *args, **kwargs):
        tried.append(requests)
        return draft, SimpleNamespace(has_solution=loaded)

    monkeypatch.setattr(windows, "_improve_window", improve)
    ctx = SimpleNamespace(problem=SimpleNamespace(options=SimpleNamespace(deterministic=False)))
    ps = SimpleNamespace(by_request={0: [0], 1: [1]}, pieces=[])
    clock = SimpleNamespace(search_left=lambda: 60.0)
    budget = windows._Budget(clock, 0.0)
    cands = {0: [1], 1: [1, 2]}
    lps = windows._Lookahead(ctx, ps, None)
    windows._sweep(
        ctx, ps, cands, None, Draft([], {}), [[0], [1]], budget, None, fair=True, lps=lps
    )
    assert tried == ([[0], [1]] if loaded else [[0]])


@pytest.mark.parametrize(("limit", "sweeps"), [
    (60.0, [False, True, False]), (1.5, [False, True]),
])
def test_what_the_fairness_sweeps_leave_goes_back_to_coverage_from_2_s(
    monkeypatch: pytest.MonkeyPatch, limit: float, sweeps: list[bool]
) -> None:
    # Coverage, then fairness; where the fairness sweeps end with 2 s or more of search left
    # (nothing more to even out), a coverage sweep again. At 1.5 s (1.43 s left) there is none.
    fair: list[bool] = []

    def sweep(ctx, ps, cands, horizon, draft, windows_, budget, stop_event, **kwargs):
        fair.append(kwargs["fair"])
        return draft, []

    monkeypatch.setattr(windows, "_sweep", sweep)
    ctx = prepare(two_weeks())
    ps = build_pieces(ctx)
    pools = candidate_pools(ctx, ps)
    cands = {p.index: [int(o) for o in pools[p.index]] for p in ps.pieces}
    windows.window_search(ctx, ps, cands, Draft([], {}), Clock(limit), None)
    assert fair == sweeps


def test_an_officer_window_moves_hours_between_days_where_day_windows_cannot() -> None:
    # Kennesaw. K-1's weekly cap is 8 h: Monday 7 Dec 08:00-14:00 (6 h) and Wednesday 9 Dec
    # 10:00-14:00 (4 h) do not both fit. K-2 is free on Monday only. The roster gives K-1
    # Monday and leaves Wednesday open. Monday's window may swap K-1 for K-2, but that covers
    # no more; Wednesday's cannot use K-1, who still works Monday, nor K-2. The window of both
    # officers over the fortnight gives Monday to K-2 and Wednesday to K-1: both covered.
    prob = problem(
        [officer("K-1", max_hours_per_week=8), officer("K-2", [(at(7, 0), at(8, 0))])],
        [request("R-MON", at(7, 8), at(7, 14)), request("R-WED", at(9, 10), at(9, 14))],
    )
    ctx, ps, _, horizon = rows_of(prob)
    [mon, wed] = [ps.by_request[r.index][0] for r in ctx.requests]
    k1, k2 = (o.index for o in ctx.officers)
    start = Draft([(mon, k1)], {})
    options = prob.options
    for r in (ps.pieces[mon].request, ps.pieces[wed].request):
        day, _ = windows._improve_window(ctx, ps, horizon, start, [r], options, 5.0, None)
        assert day is start  # no day's window covers more
    both, outcome = windows._improve_window(
        ctx, ps, horizon, start, [], options, 5.0, None, officers={k1, k2}
    )
    assert outcome.name == "officer-window"
    assert sorted(both.assign) == sorted([(mon, k2), (wed, k1)])
    # One officer's window cannot do it: K-2's alone keeps Wednesday open.
    alone, _ = windows._improve_window(
        ctx, ps, horizon, start, [], options, 5.0, None, officers={k2}
    )
    assert alone is start


def test_an_officer_window_never_raises_the_largest_total() -> None:
    # K-1 works Monday 08:00-14:00 (6 h), the largest total. Wednesday 10:00-14:00 is open and
    # only K-1 may work it. Wednesday's day window gives it to K-1 (10 h: coverage first); K-1's
    # officers' window may not, as K-1 would end above the roster's largest total.
    prob = problem(
        [officer("K-1"), officer("K-2", [(at(7, 0), at(8, 0))])],
        [request("R-MON", at(7, 8), at(7, 14)), request("R-WED", at(9, 10), at(9, 14))],
    )
    ctx, ps, _, horizon = rows_of(prob)
    [mon, wed] = [ps.by_request[r.index][0] for r in ctx.requests]
    k1, _ = (o.index for o in ctx.officers)
    start = Draft([(mon, k1)], {})
    held, _ = windows._improve_window(
        ctx, ps, horizon, start, [], prob.options, 5.0, None, officers={k1}
    )
    assert held is start
    day, _ = windows._improve_window(
        ctx, ps, horizon, start, [ps.pieces[wed].request], prob.options, 5.0, None
    )
    assert sorted(day.assign) == sorted([(mon, k1), (wed, k1)])


def test_the_largest_total_rows_keep_each_officer_under_the_roster_s_top() -> None:
    # K-3, outside the window, has the largest total: 20 h to date. K-1 has 10 h to date and
    # works Monday (6 h), 16 h in all; K-2 has none. In the window of K-1 and K-2, K-1's pairs
    # may take 20 - 10 = 10 h (600 min) and K-2's 20 h (1,200 min).
    prob = problem(
        [officer("K-1", hours_to_date=10), officer("K-2"), officer("K-3", hours_to_date=20)],
        [request("R-MON", at(7, 8), at(7, 14)), request("R-WED", at(9, 10), at(9, 14))],
    )
    ctx, ps, _, horizon = rows_of(prob)
    [mon, _] = [ps.by_request[r.index][0] for r in ctx.requests]
    k1, k2, _ = (o.index for o in ctx.officers)
    roster = Draft([(mon, k1)], {})
    win = horizon.cut_officers({k1, k2}, [])
    hold_the_top(ctx, ps, win, roster)
    columns = win.pair_columns()
    rows = {
        ctx.officers[win.keys[cols[0]][1]].id: (sorted(cols), list(coefs), hi)
        for cols, coefs, _, hi in win._extra_rows
    }
    by = {o: sorted(c for (p, oo), c in columns.items() if oo == o) for o in (k1, k2)}
    assert rows == {"K-1": (by[k1], [360, 240], 600), "K-2": (by[k2], [360, 240], 1200)}


def capped_week() -> Problem:
    # Kennesaw. K-1's weekly cap is 8 h: Monday 7 Dec 08:00-14:00 (6 h) and Wednesday 9 Dec
    # 10:00-14:00 (4 h) do not both fit. K-2 is free on Monday only.
    return problem(
        [officer("K-1", max_hours_per_week=8), officer("K-2", [(at(7, 0), at(8, 0))])],
        [request("R-MON", at(7, 8), at(7, 14)), request("R-WED", at(9, 10), at(9, 14))],
    )


def wednesday_rows() -> tuple[Problem, Any, Any, Horizon, int]:
    """`capped_week`'s problem, context, pieces and rows, and Wednesday's request number."""
    prob = capped_week()
    ctx, ps, _, horizon = rows_of(prob)
    return prob, ctx, ps, horizon, ps.pieces[ps.by_request[ctx.requests[1].index][0]].request


def test_a_window_s_lp_started_ahead_is_cut_again_where_the_roster_changed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Wednesday's LP is started for the empty roster, where K-1 may work Wednesday. The window
    # before then gives K-1 Monday (6 h): Wednesday's window is cut again from that roster and
    # keeps Wednesday open (6 + 4 h is over K-1's 8 h). Searched in the old cut, it would have
    # given Wednesday to K-1. GLOP is not run again for it.
    monkeypatch.setattr(windows, "RENS_ABOVE", 0)
    prob = capped_week()
    ctx, ps, _, horizon = rows_of(prob)
    [mon, wed] = [ps.by_request[r.index][0] for r in ctx.requests]
    k1, _ = (o.index for o in ctx.officers)
    wed_r = ps.pieces[wed].request
    lps = windows._Lookahead(ctx, ps, horizon)
    lps.start(Draft([], {}), [wed_r], None, 0.0, 5.0)
    ahead = lps.take([wed_r])
    assert ahead is not None
    assert ahead.result(None) is not None
    changed = Draft([(mon, k1)], {})
    with monkeypatch.context() as patch:
        patch.setattr(windows.Window, "relax", lambda *_: pytest.fail("GLOP run again"))
        kept, outcome = windows._improve_window(
            ctx, ps, horizon, changed, [wed_r], prob.options, 5.0, None, ahead=ahead
        )
    assert outcome.name == "coverage-window" and outcome.has_solution
    assert kept is changed
    validated_draft(ctx, ps, kept, check_locks(ctx, ps)[1])
    # Where the roster did not change, the cut the LP was solved in is searched: Wednesday to
    # K-1.
    lps.start(Draft([], {}), [wed_r], None, 0.0, 5.0)
    empty = lps.take([wed_r])
    assert empty is not None
    assert empty.result(None) is not None
    monkeypatch.setattr(windows, "_cut", lambda *_: pytest.fail("cut again"))
    found, _ = windows._improve_window(
        ctx, ps, horizon, empty.draft, [wed_r], prob.options, 5.0, None, ahead=empty
    )
    assert found.assign == [(wed, k1)]
    validated_draft(ctx, ps, found, check_locks(ctx, ps)[1])


def test_only_the_window_an_lp_was_started_for_takes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # The LP started for Wednesday's window is stopped, not handed to Monday's; a window of no
    # more than RENS_ABOVE pairs is cut ahead with no LP, and a deterministic run starts none.
    prob = capped_week()
    ctx, ps, _, horizon = rows_of(prob)
    [mon, wed] = [ps.pieces[ps.by_request[r.index][0]].request for r in ctx.requests]
    lps = windows._Lookahead(ctx, ps, horizon)
    lps.start(Draft([], {}), [wed], None, 0.0, 5.0)
    small = lps.take([wed])  # one pair (K-1): cut, and searched whole, with no LP
    assert small is not None and small.result(None) is None
    assert small.cut is not None and small.cut.win.pairs == 1
    monkeypatch.setattr(windows, "RENS_ABOVE", 0)
    lps.start(Draft([], {}), [wed], None, 0.0, 5.0)
    started = lps._pending
    assert started is not None
    assert lps.take([mon]) is None
    assert not started.thread.is_alive() and lps._pending is None
    assert lps.take([wed]) is None  # taken once
    determined = prob.model_copy(
        update={"options": prob.options.model_copy(update={"deterministic": True})}
    )
    steady = windows._Lookahead(prepare(determined), ps, horizon)
    steady.start(Draft([], {}), [wed], None, 0.0, 5.0)
    assert steady.take([wed]) is None


def test_an_lp_started_for_a_window_no_sweep_reaches_is_stopped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two day windows with LPs: while the first is searched, the second's cut and LP are
    # started. The solve is then stopped, so no sweep reaches the second window: its LP is
    # stopped (GLOP interrupted and its thread joined) before the window search returns.
    monkeypatch.setattr(windows, "RENS_ABOVE", 0)
    monkeypatch.setattr(windows, "WINDOW_VARIABLES", 1)
    stop = threading.Event()
    real_stage = windows.run_stage

    def stage(*args, **kwargs):
        outcome = real_stage(*args, **kwargs)
        stop.set()
        return outcome

    started: list[Any] = []
    stopped: list[Any] = []
    real_init, real_stop = windows._Ahead.__init__, windows._Ahead.stop

    def init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        started.append(self)

    def stopping(self):
        real_stop(self)
        stopped.append(self)

    monkeypatch.setattr(windows, "run_stage", stage)
    monkeypatch.setattr(windows._Ahead, "__init__", init)
    monkeypatch.setattr(windows._Ahead, "stop", stopping)
    ctx = prepare(two_weeks())
    ps = build_pieces(ctx)
    pools = candidate_pools(ctx, ps)
    cands = {p.index: [int(o) for o in pools[p.index]] for p in ps.pieces}
    windows.window_search(ctx, ps, cands, Draft([], {}), Clock(10.0), stop)
    assert len(started) == 1 and stopped == started
    assert not started[0].thread.is_alive()


def test_an_lp_s_values_read_in_a_cut_with_other_added_columns() -> None:
    # The pairs come first in every cut of a window, so an LP solved in one cut chooses the
    # pairs of another whose added columns (`add_column`) are more or fewer; the added columns
    # are always kept.
    prob, ctx, ps, horizon, wed = wednesday_rows()
    solved = horizon.cut({wed}, [])
    values = solved.relax(5.0)
    assert values is not None
    other = horizon.cut({wed}, [])
    other.add_column(1.0)
    keep = other.support(values, set())
    assert len(keep) == len(other.keys) == len(values) + 1
    assert keep[-1] and keep[: len(values)].tolist() == solved.support(values, set()).tolist()


def test_an_lp_started_ahead_is_waited_for_at_most_its_own_share(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GLOP's limit is the lead (the window before's budget, 30 s here) and the LP's share
    # (0.2 s); once the window is reached, the LP is waited for at most its share and then
    # interrupted: no optimum, so the window is searched whole.
    monkeypatch.setattr(windows, "RENS_ABOVE", 0)
    given: list[float] = []

    def slow_relax(self, seconds):
        given.append(seconds)
        ends = time.perf_counter() + seconds
        while not self._interrupted and time.perf_counter() < ends:
            time.sleep(0.01)
        return None

    monkeypatch.setattr(windows.Window, "relax", slow_relax)
    prob, ctx, ps, horizon, wed = wednesday_rows()
    lps = windows._Lookahead(ctx, ps, horizon)
    lps.start(Draft([], {}), [wed], None, 30.0, 0.2)
    ahead = lps.take([wed])
    assert ahead is not None
    waited = time.perf_counter()
    assert ahead.result(None) is None
    assert given == [30.2]
    assert 0.2 <= time.perf_counter() - waited < 1.0


def test_a_window_cut_ahead_waits_its_turn_and_a_window_needing_it_first_makes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # While the search's thread writes models, the lookahead's thread does not cut (both are
    # Python, and would share one lock); a window that needs the cut then makes it itself, and
    # the thread, given its turn, solves the LP in that cut.
    monkeypatch.setattr(windows, "RENS_ABOVE", 0)
    prob, ctx, ps, horizon, wed = wednesday_rows()
    clock = Clock(10.0)
    clock.turns.written.set()
    cutters: list[str] = []
    real_cut = windows._cut

    def cut(*args):
        cutters.append(threading.current_thread().name)
        return real_cut(*args)

    monkeypatch.setattr(windows, "_cut", cut)
    lps = windows._Lookahead(ctx, ps, horizon, clock)
    draft = Draft([], {})
    with clock.phase("model"):
        lps.start(draft, [wed], None, 0.0, 5.0)
        ahead = lps.take([wed])
        assert ahead is not None
        time.sleep(0.1)
        assert ahead.cut is None and cutters == []
        made = ahead.cut_for(draft)
    assert ahead.result(None) is not None
    assert ahead.cut is made
    assert cutters == [threading.current_thread().name]
