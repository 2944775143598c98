"""Properties of the solver on random small Rockport days (hypothesis).

Whatever the instance: the roster validates clean, every position of every request is accounted
for exactly once (assigned, unfilled or refused), the solver never covers less than the greedy
rotation-list roster it starts from, no improvable pair is left, and a deterministic solve gives
the same roster twice.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from models.problem import Problem
from models.result import Assignment, Metrics, RosterResult
from scheduler.context import prepare
from scheduler.rules.eligibility import candidates
from scheduler.rules.load import OfficerLoad
from scheduler.solve.greedy import greedy
from scheduler.solve.locks import check_locks
from scheduler.solve.pieces import build_pieces, find_piece
from scheduler.timeutil import to_minute
from scheduler.validate.validator import validate
from tests.scheduler.builders import ROCKPORT, officer, problem, request, solve_checked, window

# A Wednesday, and the two Sundays of 2026 when the clocks change (the day after is a Monday,
# so shifts past midnight also cross a week boundary).
DAYS = [
    datetime(2026, 12, 2, tzinfo=ROCKPORT),
    datetime(2026, 11, 1, tzinfo=ROCKPORT),
    datetime(2026, 3, 8, tzinfo=ROCKPORT),
]


def _at(day: datetime, half_hours: int) -> datetime:
    """Real elapsed half hours after local midnight of `day` (so DST days are 23 or 25 h)."""
    return (day.astimezone(UTC) + timedelta(minutes=30 * half_hours)).astimezone(ROCKPORT)


@st.composite
def officers(draw: st.DrawFn, index: int, day: datetime) -> dict[str, Any]:
    start = draw(st.integers(0, 24))
    length = draw(st.integers(12, 60))
    duty: list[dict[str, str]] = []
    if not draw(st.integers(0, 2)):
        d0 = draw(st.integers(0, 44))
        duty = [window(_at(day, d0), _at(day, d0 + draw(st.integers(2, 20))))]
    return {
        "id": f"O-{index + 1}",
        "rank": draw(st.sampled_from(["officer", "officer", "sergeant"])),
        "status": draw(st.sampled_from(["active"] * 5 + ["light_duty"])),
        "qualifications": draw(st.sampled_from([["traffic", "vehicle"], ["traffic"], []])),
        "availability": [window(_at(day, start), _at(day, start + length))],
        "on_duty": duty,
        "hours_to_date": draw(st.sampled_from([0, 2.5, 6, 11])),
        "max_hours_per_week": draw(st.sampled_from([None, None, 6.0])),
        "conflicts": draw(st.lists(st.sampled_from(["EMP-1", "EMP-2"]), unique=True, max_size=1)),
    }


@st.composite
def requests(draw: st.DrawFn, index: int, day: datetime) -> dict[str, Any]:
    start = draw(st.integers(0, 40))
    length = draw(st.integers(2, 34))  # 1 h to 17 h: short ones padded, long ones split
    return {
        "id": f"Q-{index + 1}",
        "employer": {"id": draw(st.sampled_from(["EMP-1", "EMP-2", "EMP-3"]))},
        "venue": {"alcohol_served": draw(st.booleans()), "post": "outside"},
        # Mostly approved; now and then refused (ALCOHOL_OUTSIDE_UNAPPROVED).
        "approvals": [{"kind": "chief_alcohol_outside", "reference": "CP-1"}]
        if draw(st.integers(0, 5))
        else [],
        "job_type": draw(st.sampled_from(["regular"] * 3 + ["traffic"])),
        "vehicle": {"kind": draw(st.sampled_from(["none"] * 4 + ["static"])), "miles": 0},
        "start": _at(day, start).isoformat(),
        "end": _at(day, start + length).isoformat(),
        "received_at": "2026-01-02T09:00:00-06:00",
        "officers_needed": draw(st.integers(1, 4)),
        "priority": draw(st.integers(1, 5)),
    }


@st.composite
def problems(draw: st.DrawFn, deterministic: bool = False) -> Problem:
    day = draw(st.sampled_from(DAYS))
    n_off = draw(st.integers(1, 4))
    n_req = draw(st.integers(1, 5))
    return problem(
        [draw(officers(i, day)) for i in range(n_off)],
        [draw(requests(i, day)) for i in range(n_req)],
        agency="rockport-tx",
        time_limit_s=2,
        num_workers=1,
        deterministic=deterministic,
    )


def greedy_and_solver_coverage(prob: Problem, result: RosterResult) -> tuple[int, int]:
    """Coverage units of the greedy roster and of the solver's roster, on the same pieces."""
    ctx = prepare(prob)
    ps = build_pieces(ctx)
    _, locked_loads = check_locks(ctx, ps)
    loads = {
        o.index: (locked_loads[o.index].copy() if o.index in locked_loads else OfficerLoad(ctx, o))
        for o in ctx.officers
    }
    draft = greedy(ctx, ps, candidates(ctx, ps, locked_loads), loads)
    greedy_units = sum(ps.pieces[p].weight for p, _ in draft.assign)
    solver_units = 0
    for a in result.assignments:
        piece = find_piece(
            ps, ctx.request_index[a.request_id], to_minute(a.start), to_minute(a.end)
        )
        assert piece is not None, f"{a.request_id} {a.start}-{a.end} is not a piece"
        solver_units += piece.weight
    return greedy_units, solver_units


@settings(max_examples=20, deadline=None)
@given(problems())
def test_random_days_validate_and_account_for_every_position(prob: Problem) -> None:
    result = solve_checked(prob)  # also checks that every position is accounted for once
    assert result.status in ("optimal", "feasible")
    refused = {r.request_id for r in result.rejected}
    assert len(refused) == len(result.rejected)
    greedy_units, solver_units = greedy_and_solver_coverage(prob, result)
    assert solver_units >= greedy_units
    assert result.metrics.coverage <= result.metrics.coverage_upper_bound + 1e-4
    coverage = [s for s in result.solver.stages if s.name == "coverage"]
    if coverage and coverage[0].status == "optimal":
        assert result.metrics.coverage == result.metrics.coverage_upper_bound
    assert result.metrics.improvable_pairs == 0


def test_a_deterministic_solve_of_a_split_week_repeats_exactly() -> None:
    kennesaw = ZoneInfo("America/New_York")

    def at(day: int, hour: int) -> datetime:
        return datetime(2026, 12, day, hour, tzinfo=kennesaw)

    prob = problem(
        [officer("K-1", rank="sergeant"), officer("K-2", hours_to_date=3),
         officer("K-3", hours_to_date=3), officer("K-4", hours_to_date=8)],
        [request("R-1", at(1, 6), at(1, 22), officers_needed=2),
         request("R-2", at(2, 8), at(2, 14), officers_needed=2),
         request("R-3", at(2, 10), at(2, 16)),
         request("R-4", at(3, 18), at(4, 2), officers_needed=3)],
        deterministic=True,
        supervisor_at=3,
    )
    first, second = solve_checked(prob), solve_checked(prob)
    assert len(first.assignments) >= 4
    assert [a.model_dump(mode="json") for a in first.assignments] == [
        a.model_dump(mode="json") for a in second.assignments
    ]


@settings(max_examples=4, deadline=None)
@given(problems(deterministic=True))
def test_a_deterministic_solve_gives_the_same_roster_twice(prob: Problem) -> None:
    first = solve_checked(prob)
    second = solve_checked(prob)
    assert [a.model_dump(mode="json") for a in first.assignments] == [
        a.model_dump(mode="json") for a in second.assignments
    ]


@st.composite
def whole_request_problems(draw: st.DrawFn) -> Problem:
    """1-3 officers and 1-3 requests of at most 12 h (worked whole) for 1-2 officers each."""
    day = draw(st.sampled_from(DAYS))
    reqs = []
    for i in range(draw(st.integers(1, 3))):
        req = draw(requests(i, day))
        start = draw(st.integers(0, 40))
        req["start"] = _at(day, start).isoformat()
        req["end"] = _at(day, start + draw(st.integers(2, 24))).isoformat()
        req["officers_needed"] = draw(st.integers(1, 2))
        reqs.append(req)
    return problem(
        [draw(officers(i, day)) for i in range(draw(st.integers(1, 3)))],
        reqs,
        agency="rockport-tx",
        time_limit_s=5,
        num_workers=1,
        supervisor_at=draw(st.sampled_from([2, 4])),
    )


NO_METRICS = Metrics(
    positions_requested=0, positions_filled=0, coverage=0, coverage_upper_bound=0,
    hours_filled=0, max_total_hours=0, spread_hours=0, gini=0, improvable_pairs=0,
)


def best_by_brute_force(prob: Problem) -> tuple[float, float]:
    """The best (coverage, -largest total) over every valid roster, found by enumeration."""
    choices = []
    for req in prob.requests:
        crews = [
            crew
            for k in range(req.officers_needed + 1)
            for crew in itertools.combinations([o.id for o in prob.officers], k)
        ]
        choices.append([(req, crew) for crew in crews])
    best = (0.0, -1e9)
    for pick in itertools.product(*choices):
        roster = [
            Assignment(request_id=req.id, officer_id=oid, start=req.start, end=req.end,
                       hours=0, billable_hours=0, amount=0)
            for req, crew in pick
            for oid in crew
        ]
        report = validate(prob, RosterResult(status="feasible", assignments=roster,
                                             metrics=NO_METRICS))
        if report.ok:
            best = max(best, (round(report.metrics.coverage, 4), -report.metrics.max_total_hours))
    return best


@settings(max_examples=15, deadline=None)
@given(whole_request_problems())
def test_the_roster_is_the_lexicographic_optimum_of_all_rosters(prob: Problem) -> None:
    result = solve_checked(prob)
    if result.status != "optimal":
        return  # only a proven roster must match the enumeration
    coverage, negative_max = best_by_brute_force(prob)
    assert round(result.metrics.coverage, 4) == coverage
    assert result.metrics.max_total_hours == -negative_max
