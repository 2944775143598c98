"""Coverage first, then fair hours (rules.md section 7): known optima on tiny instances and the
bundled Kennesaw week.

The lexicographic order is checked both ways: fairness never costs a position, and among rosters
of equal coverage the solver reaches the smallest possible largest total and leaves no improvable
pair (no shift that could move to a lighter, free, eligible officer).
"""

from __future__ import annotations

import pytest

from models.problem import Problem
from models.result import RosterResult
from scheduler.context import prepare
from scheduler.rules.eligibility import candidate_pools
from scheduler.solve import fill, solver
from scheduler.solve.draft import Draft
from scheduler.solve.locks import check_locks
from scheduler.solve.pieces import build_pieces
from scheduler.solve.polish import polish
from tests.scheduler.builders import (
    at,
    example,
    lock,
    officer,
    problem,
    request,
    roster,
    solve_checked,
    staffed,
    unfilled_codes,
    window,
)


def totals(result: RosterResult) -> dict[str, float]:
    return {row.officer_id: row.total_hours for row in result.officer_hours}


def test_the_two_lightest_officers_get_two_simultaneous_requests() -> None:
    result = solve_checked(problem(
        [officer("K-1", hours_to_date=10), officer("K-2", hours_to_date=20),
         officer("K-3", hours_to_date=30)],
        [request("R-1", at(1, 12), at(1, 16)), request("R-2", at(1, 12), at(1, 16))],
    ))
    assert sorted(a.officer_id for a in result.assignments) == ["K-1", "K-2"]
    assert totals(result) == {"K-1": 14, "K-2": 24, "K-3": 30}
    assert result.metrics.max_total_hours == 30
    assert result.metrics.spread_hours == 16
    assert result.metrics.improvable_pairs == 0


def test_hours_are_spread_to_the_smallest_largest_total() -> None:
    # Three 4 h shifts on three days, officers at 0 h and 6 h: the best largest total is 10 h
    # (K-1 two shifts, K-2 one); 12 h if K-1 took all three.
    result = solve_checked(problem(
        [officer("K-1"), officer("K-2", hours_to_date=6)],
        [request(f"R-{d}", at(d, 12), at(d, 16)) for d in (1, 2, 3)],
    ))
    assert totals(result) == {"K-1": 8, "K-2": 10}
    assert result.metrics.max_total_hours == 10
    assert result.metrics.max_total_lower_bound == 10
    assert result.solver.stages[1].objective == 600  # minutes
    assert result.metrics.improvable_pairs == 0


def test_the_heavy_officer_is_used_when_coverage_needs_them() -> None:
    result = solve_checked(problem(
        [officer("K-1"), officer("K-2", hours_to_date=40)],
        [request("R-1", at(1, 12), at(1, 16)), request("R-2", at(1, 12), at(1, 17))],
    ))
    # Both filled whatever it costs K-2; the longer shift goes to the light K-1 (K-2 ends at 44).
    assert roster(result) == [
        ("R-1", "K-2", at(1, 12), at(1, 16)),
        ("R-2", "K-1", at(1, 12), at(1, 17)),
    ]
    assert result.metrics.coverage == 6
    assert result.metrics.max_total_hours == 44


@pytest.mark.covers("ALL_ELIGIBLE_BUSY")
def test_higher_priority_is_filled_first() -> None:
    # One officer, two overlapping requests: priority 4 (4 h) beats priority 2 (8 h).
    result = solve_checked(problem(
        [officer("K-1")],
        [request("R-1", at(1, 8), at(1, 16), priority=2),
         request("R-2", at(1, 12), at(1, 16), priority=4)],
    ))
    assert roster(result) == [("R-2", "K-1", at(1, 12), at(1, 16))]
    assert unfilled_codes(result) == {"R-1": ["ALL_ELIGIBLE_BUSY"]}
    assert result.metrics.coverage == 4
    assert result.metrics.coverage_upper_bound == 4


def test_preferred_officer_is_honoured_only_among_equally_fair_rosters() -> None:
    # K-1 and K-2 both at 0 h, one request each at the same time; R-1's customer asks for K-2.
    result = solve_checked(problem(
        [officer("K-1"), officer("K-2")],
        [request("R-1", at(1, 12), at(1, 16), preferred_officers=["K-2"]),
         request("R-2", at(1, 12), at(1, 16))],
    ))
    assert staffed(result) == {"R-1": ["K-2"], "R-2": ["K-1"]}
    # A preference never outweighs fairness: K-2 at 30 h stays off the request.
    heavy = solve_checked(problem(
        [officer("K-1"), officer("K-2", hours_to_date=30)],
        [request("R-1", at(1, 12), at(1, 16), preferred_officers=["K-2"])],
    ))
    assert staffed(heavy) == {"R-1": ["K-1"]}


def test_a_previous_roster_is_kept_among_equally_fair_rosters() -> None:
    officers = [officer("K-1"), officer("K-2")]
    requests = [request("R-1", at(1, 12), at(1, 16)), request("R-2", at(1, 12), at(1, 16))]
    for first, second in (("K-1", "K-2"), ("K-2", "K-1")):
        prob = problem(officers, requests, hint=[
            lock("R-1", first, at(1, 12), at(1, 16)), lock("R-2", second, at(1, 12), at(1, 16))
        ])
        assert staffed(solve_checked(prob)) == {"R-1": [first], "R-2": [second]}


def test_prior_shifts_do_not_count_toward_fairness_totals() -> None:
    # K-1 worked 08:00-12:00 outside this run: it counts toward K-1's caps and gap, but the
    # fairness totals are hours to date plus this roster's hours (rules.md section 7).
    result = solve_checked(problem(
        [officer("K-1", prior_shifts=[window(at(8, 8), at(8, 12))]),
         officer("K-2", hours_to_date=2)],
        [request("R-1", at(8, 13), at(8, 17))],
    ))
    assert roster(result) == [("R-1", "K-1", at(8, 13), at(8, 17))]
    assert totals(result) == {"K-1": 4, "K-2": 2}
    assert result.metrics.max_total_hours == 4
    assert result.metrics.improvable_pairs == 0


def test_no_improvable_pair_after_the_polish() -> None:
    # Four 4 h shifts on four days, officers at 0/4/8 h: several rosters reach the best largest
    # total, 12 h, but 4/12/12 leaves K-1 (4 h) able to take a shift from a 12 h officer; only
    # 8/8/12 has no improvable pair.
    result = solve_checked(problem(
        [officer("K-1"), officer("K-2", hours_to_date=4), officer("K-3", hours_to_date=8)],
        [request(f"R-{d}", at(d, 12), at(d, 16)) for d in (1, 2, 3, 4)],
    ))
    assert sorted(totals(result).values()) == [8, 8, 12]
    assert result.metrics.max_total_hours == 12
    assert result.metrics.improvable_pairs == 0


@pytest.mark.slow
def test_the_bundled_kennesaw_week_is_valid_and_fair() -> None:
    data = example("kennesaw-week.json", time_limit_s=10, num_workers=2, seed=0)
    result = solve_checked(Problem.model_validate(data))
    assert result.status in ("optimal", "feasible")
    assert result.metrics.improvable_pairs == 0
    coverage = next(s for s in result.solver.stages if s.name == "coverage")
    if coverage.status == "optimal":
        assert result.metrics.coverage == result.metrics.coverage_upper_bound
    assert result.metrics.coverage <= result.metrics.coverage_upper_bound


def test_the_polish_passes_over_a_lighter_officer_whose_week_is_full() -> None:
    # R-1 (Wednesday 9 Dec, 4 h) held by K-3 (20 h to date). K-1 is the lightest (0 h) but its
    # own 4 h week already holds a 4 h prior shift on Monday; K-2 (2 h) has room: it takes R-1.
    prior = [{"start": at(7, 8).isoformat(), "end": at(7, 12).isoformat()}]
    prob = problem(
        [officer("K-1", max_hours_per_week=4, prior_shifts=prior),
         officer("K-2", hours_to_date=2), officer("K-3", hours_to_date=20)],
        [request("R-1", at(9, 10), at(9, 14))],
    )
    ctx = prepare(prob)
    ps = build_pieces(ctx)
    _, locked = check_locks(ctx, ps)
    pools = candidate_pools(ctx, ps)
    assert sorted(pools[0].tolist()) == [0, 1, 2]  # the week is a load rule: pools keep K-1
    draft, moved = polish(ctx, ps, pools, Draft([(0, 2)], {}), locked)
    assert (draft.assign, moved) == ([(0, 1)], 1)




@pytest.mark.parametrize(
    ("k2_from", "k3_until", "taker"),
    [((14, 20), (9, 30), "K-3"), ((14, 30), (9, 40), "K-2")],
)
def test_the_polish_passes_over_lighter_officers_within_the_travel_gap(
    k2_from: tuple[int, int], k3_until: tuple[int, int], taker: str
) -> None:
    # Wednesday. R-1 10:00-14:00 held by K-4 (20 h to date). K-1 (0 h) holds R-2 until 09:45 in
    # the roster: within the 30-minute travel gap. K-2 (1 h) has a locked shift from `k2_from`
    # until 16:00, K-3 (3 h) one from 07:00 until `k3_until`. A shift exactly 30 minutes away
    # is free: the lighter of K-2 and K-3 that is free takes R-1, and nothing else moves.
    prob = problem(
        [officer("K-1"), officer("K-2", hours_to_date=1), officer("K-3", hours_to_date=3),
         officer("K-4", hours_to_date=20)],
        [request("R-1", at(9, 10), at(9, 14)), request("R-2", at(9, 7), at(9, 9, 45)),
         request("R-3", at(9, *k2_from), at(9, 16)), request("R-4", at(9, 7), at(9, *k3_until))],
        locked=[lock("R-3", "K-2", at(9, *k2_from), at(9, 16)),
                lock("R-4", "K-3", at(9, 7), at(9, *k3_until))],
    )
    ctx = prepare(prob)
    ps = build_pieces(ctx)
    piece = {ctx.requests[p.request].id: p.index for p in ps.pieces}
    who = {o.id: o.index for o in ctx.officers}
    _, locked = check_locks(ctx, ps)
    pools = candidate_pools(ctx, ps)
    start = [(piece["R-1"], who["K-4"]), (piece["R-2"], who["K-1"])]
    draft, moved = polish(ctx, ps, pools, Draft(start, {}), locked)
    shifts = {(ctx.requests[ps.pieces[p].request].id, ctx.officers[o].id) for p, o in draft.assign}
    assert (shifts, moved) == ({("R-1", taker), ("R-2", "K-1")}, 1)


def test_a_polish_stopped_at_its_deadline_says_what_it_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The polish's deadline has passed before it starts, and its roster puts all four 4 h
    # shifts on K-3 (8 h to date, 24 h in all): K-1 (0 h) and K-2 (4 h) may each take any of
    # them, 8 improvable pairs, and the notes say so.
    monkeypatch.setattr(solver.budget, "polish_deadline", lambda clock, after: 0.0)
    monkeypatch.setattr(
        fill, "polish", lambda ctx, ps, pools, draft, locked, deadline: (
            Draft([(p.index, 2) for p in ps.pieces], {}), 0
        )
    )
    result = solve_checked(problem(
        [officer("K-1"), officer("K-2", hours_to_date=4), officer("K-3", hours_to_date=8)],
        [request(f"R-{d}", at(d, 12), at(d, 16)) for d in (1, 2, 3, 4)],
    ))
    assert totals(result) == {"K-1": 0, "K-2": 4, "K-3": 24}
    assert result.metrics.improvable_pairs == 8
    assert result.solver.notes[-1] == (
        "the fairness polish stopped at its deadline with 8 improvable pair(s) left: "
        "a longer time limit leaves time to remove them"
    )
