"""A limit too short for the whole first roster (solve/solver.py, solve/budget.py): the greedy
roster picks from the pools before any screening, stops where its report would no longer fit,
and a screening that would not end in time leaves the search out; the answer says each."""

from __future__ import annotations

import time
from datetime import date

import pytest

from models.agency import PolicyOverrides
from models.problem import Problem
from scenarios.generator import generate
from scheduler.context import prepare
from scheduler.rules.eligibility import candidate_pools, candidates, candidates_until
from scheduler.rules.load import OfficerLoad
from scheduler.solve import budget, solver
from scheduler.solve.greedy import greedy, greedy_until
from scheduler.solve.locks import check_locks
from scheduler.solve.pieces import build_pieces
from scheduler.solve.stages import Clock
from tests.scheduler.builders import at, lock, officer, problem, request, solve_checked

# Generated weeks of both agencies with what the candidates screen beyond the pools: locked and
# prior shifts, tight caps, supervisors and long requests split into pieces.
WEEKS = {
    "kennesaw autumn DST, locks, prior shifts, 12 h week": lambda: generate(
        40, 100, 7, 3, "kennesaw-ga", date(2026, 10, 29),
        policy=PolicyOverrides(max_hours_per_week=12), prior_share=0.25, locked_share=0.05,
    ),
    "rockport Christmas, long requests": lambda: generate(
        30, 80, 7, 1, "rockport-tx", date(2026, 12, 21), long_share=0.25
    ),
    "rockport spring DST, supervisors": lambda: generate(
        30, 80, 7, 2, "rockport-tx", date(2026, 3, 2),
        supervisor_share=0.3, supervisor_rank_share=0.05,
    ),
}  # fmt: skip


def _loads(ctx, locked):  # type: ignore[no-untyped-def]
    return {
        o.index: locked[o.index].copy() if o.index in locked else OfficerLoad(ctx, o)
        for o in ctx.officers
    }


@pytest.mark.parametrize("name", list(WEEKS))
def test_the_greedy_from_the_pools_is_the_greedy_from_the_candidates(name: str) -> None:
    # The candidates are the pools less the officers the greedy's own checks refuse, so the
    # roster the solver now builds before screening is the one it built after.
    ctx = prepare(WEEKS[name]())
    ps = build_pieces(ctx)
    _, locked = check_locks(ctx, ps)
    pools = candidate_pools(ctx, ps)
    before = greedy(ctx, ps, candidates(ctx, ps, locked, pools), _loads(ctx, locked))
    after, unreached = solver._rotation_start(ctx, ps, pools, locked, None)
    assert len(before.assign) > 40
    assert (after.assign, after.flow, unreached) == (before.assign, before.flow, 0)
    # The pools are wider than the candidates: the equality is not that of equal inputs.
    assert sum(map(len, pools)) > sum(map(len, candidates(ctx, ps, locked, pools).values()))


def _three() -> Problem:
    return problem(
        [officer(f"K-{i}") for i in range(3)],
        [
            request("R-1", at(9, 8), at(9, 12), officers_needed=2),
            request("R-2", at(10, 8), at(10, 12), officers_needed=2),
            request("R-3", at(11, 8), at(11, 12)),
        ],
    )


def test_a_greedy_told_to_stop_leaves_the_requests_it_did_not_reach_open() -> None:
    ctx = prepare(_three())
    ps = build_pieces(ctx)
    pools = candidate_pools(ctx, ps)
    asked: list[int] = []

    def stop(shifts: int) -> bool:
        asked.append(shifts)
        return shifts >= 2

    draft, unreached = greedy_until(ctx, ps, dict(enumerate(pools)), _loads(ctx, {}), stop)
    # Asked before each request, with the shifts given so far: R-1's two, then it stops.
    assert asked == [0, 2]
    assert [ctx.requests[ps.pieces[p].request].id for p, _ in draft.assign] == ["R-1", "R-1"]
    assert unreached == 2
    whole, none = greedy_until(ctx, ps, dict(enumerate(pools)), _loads(ctx, {}), None)
    assert (len(whole.assign), none) == (5, 0)


def test_a_screening_past_its_deadline_gives_up() -> None:
    ctx = prepare(_three())
    ps = build_pieces(ctx)
    assert candidates_until(ctx, ps, {}, until=time.perf_counter() - 1) is None
    assert candidates_until(ctx, ps, {}, until=time.perf_counter() + 60) == candidates(ctx, ps, {})


def test_a_deterministic_run_never_cuts_its_greedy_or_screening() -> None:
    ctx = prepare(_three())
    assert budget.greedy_stop(ctx, Clock(0.001, deterministic=True)) is None
    assert budget.screening_until(Clock(0.001, deterministic=True), 10**6) is None
    stop = budget.greedy_stop(ctx, Clock(0.001))
    assert stop is not None and stop(0)  # 1 ms holds no report
    assert budget.greedy_stop(ctx, Clock(60.0))(0) is False  # type: ignore[misc]


def test_a_screening_that_would_not_fit_gives_up_before_it_begins() -> None:
    clock = Clock(10.0)  # 9.5 s left for the search before any reserve: 4.75 s to screen
    left = clock.search_left()
    now = time.perf_counter()
    until = budget.screening_until(clock, 40_000)  # 4 s at 0.1 ms a piece: it may begin
    assert until is not None and now + 0.5 * left - 0.01 <= until <= now + 0.5 * left + 0.01
    until = budget.screening_until(clock, 50_000)  # 5 s: over its half
    assert until is not None and until <= time.perf_counter()


def test_without_time_to_screen_the_greedy_roster_is_the_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(budget, "SCREEN_MOST", 0.0)  # the screening must end as it starts
    prob = WEEKS["kennesaw autumn DST, locks, prior shifts, 12 h week"]()
    result = solve_checked(prob.model_copy(update={"options": prob.options.model_copy(
        update={"time_limit_s": 5.0}
    )}))  # fmt: skip
    assert (
        "time limit too short to screen the candidates for a search: greedy rotation-list roster"
        in result.solver.notes
    )
    assert "search" not in result.solver.phases and "model" not in result.solver.phases
    # Hours are listed for every officer who might have worked, as with the candidates.
    ctx = prepare(prob)
    pools = candidate_pools(ctx, build_pieces(ctx))
    pooled = {ctx.officers[int(o)].id for pool in pools for o in pool}
    assert {row.officer_id for row in result.officer_hours} == pooled
    # The bound counts the pools, so it holds the roster.
    assert result.metrics.coverage_upper_bound is not None
    assert result.metrics.coverage_upper_bound >= result.metrics.coverage > 0


def test_a_greedy_cut_by_the_limit_says_how_many_requests_it_did_not_reach(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A margin of ten limits: no report fits, so the greedy stops before its first request.
    monkeypatch.setattr(budget, "GREEDY_MARGIN", 10.0)
    result = solve_checked(_three())
    assert (
        "time limit: the first roster stopped with 3 of 3 requests not reached (their open "
        "positions say TIME_LIMIT); a longer limit staffs them"
    ) in result.solver.notes


def test_capped_candidates_prove_nothing_the_pools_do_not(monkeypatch: pytest.MonkeyPatch) -> None:
    # K-1 alone may direct traffic and has the fewest hours; K-2 may take only the grocery
    # shift at the same time. Capped to its positions, each piece keeps K-1: K-1 on the grocery
    # (priority 5) is optimal over the capped candidates, and no free officer may fill the
    # traffic post (priority 1) after it. K-2 on the grocery and K-1 on the traffic covers 6, so
    # the result may not say optimal, and its bound comes from the pools: 6.
    monkeypatch.setattr(solver, "CAP_ABOVE", 0)
    monkeypatch.setattr(solver, "MOST_CANDIDATES", 0)
    monkeypatch.setattr(solver, "FEWEST_CANDIDATES", 0)
    prob = problem(
        [officer("K-1", qualifications=["traffic"]), officer("K-2", hours_to_date=100)],
        [
            request("R-1", at(9, 8), at(9, 12), priority=5),
            request("R-2", at(9, 8), at(9, 12), job_type="traffic", priority=1),
        ],
    )
    result = solve_checked(prob)
    assert (result.status, result.metrics.coverage) == ("feasible", 5.0)
    assert result.metrics.coverage_upper_bound == pytest.approx(6.0, abs=0.001)
    assert "bound from the flow relaxation" in result.solver.notes


@pytest.mark.parametrize("sergeant", [True, False])
def test_without_screening_a_locked_officer_still_needs_a_supervisor_who_could_come(
    monkeypatch: pytest.MonkeyPatch, sergeant: bool
) -> None:
    # No screening and no greedy pick: the candidates of the locked request alone say whether
    # a supervisor could be on it with K-1 (K-3, a sergeant), else the locks are infeasible.
    monkeypatch.setattr(budget, "SCREEN_MOST", 0.0)
    monkeypatch.setattr(budget, "GREEDY_MARGIN", 10.0)
    third = officer("K-3", rank="sergeant") if sergeant else officer("K-3")
    result = solve_checked(problem(
        [officer("K-1"), officer("K-2"), third],
        [request("R-1", at(1, 12), at(1, 16), officers_needed=2)],
        locked=[lock("R-1", "K-1", at(1, 12), at(1, 16))],
        supervisor_at=2,
    ))  # fmt: skip
    if sergeant:
        assert result.status == "feasible"
        assert sorted(a.officer_id for a in result.assignments) == ["K-1", "K-3"]
    else:
        assert result.status == "infeasible"
        assert [v.code for v in result.violations] == ["SUPERVISOR_REQUIRED"]
