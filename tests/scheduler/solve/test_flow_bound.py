"""The flow bound's per-officer reach over a request's pieces of one day (`flow_bound._reach`):
the array version against the union of each officer's pieces, counted directly; and the
cheaper bound over each long request's windows of the agency minimum (`flow_bound.windows`)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.context import coverage_scale, prepare
from scheduler.rules.eligibility import candidate_pools
from scheduler.solve import budget
from scheduler.solve.flow_bound import _reach, flow_bound, windows
from scheduler.solve.pieces import Piece, build_pieces
from tests.scheduler.builders import at, officer, problem, request, window

SPANS = st.lists(
    st.tuples(st.integers(0, 40), st.integers(1, 16), st.sets(st.integers(0, 5), max_size=6)),
    min_size=1,
    max_size=8,
)


def _union(spans: list[tuple[int, int]]) -> int:
    total, end = 0, -(2**62)
    for s, e in sorted(spans):
        total += max(0, e - max(s, end))
        end = max(end, e)
    return total


@settings(max_examples=300, deadline=None)
@given(SPANS)
def test_each_officer_gets_the_minutes_of_the_union_of_their_pieces(
    drawn: list[tuple[int, int, set[int]]],
) -> None:
    # Pieces on a 30-minute grid, each open to some of six officers.
    group = [Piece(i, 0, 30 * a, 30 * (a + n), 1, True) for i, (a, n, _) in enumerate(drawn)]
    pools = [np.asarray(sorted(officers), dtype=np.int64) for *_, officers in drawn]
    officers, reach = _reach(group, pools)
    expected = {
        o: _union([(p.start, p.end) for p, pool in zip(group, pools, strict=True) if o in pool])
        for pool in pools
        for o in pool.tolist()
    }
    assert dict(zip(officers.tolist(), reach.tolist(), strict=True)) == expected
    assert officers.tolist() == sorted(expected)


def test_touching_and_overlapping_pieces_merge_and_a_gap_does_not() -> None:
    # Officer 0: 0-60 and 60-120 touch (120 minutes), 150-180 after a gap (30 more): 150.
    # Officer 1: 30-90 inside 0-120's union of its own pieces 30-90 and 60-120: 90.
    group = [
        Piece(0, 0, 0, 60, 1, True),
        Piece(1, 0, 60, 120, 1, True),
        Piece(2, 0, 150, 180, 1, True),
        Piece(3, 0, 30, 90, 1, True),
    ]
    pools = [np.array([0]), np.array([0, 1]), np.array([0]), np.array([1])]
    officers, reach = _reach(group, pools)
    assert (officers.tolist(), reach.tolist()) == ([0, 1], [150, 90])


ROCKPORT = ZoneInfo("America/Chicago")


def _rockport(hour: int, minute: int = 0):
    return at(9, hour, minute, tz=ROCKPORT)


def test_a_long_request_gets_windows_of_the_minimum_from_and_to_each_grid_point() -> None:
    # 06:00-19:45 at Rockport's 2-hour minimum: windows from 06:00 to 17:30 every 30 minutes
    # (24), and the one ending at 19:45 (17:45-19:45). The 4-hour request keeps its one piece.
    prob = problem(
        [officer("O-1", tz=ROCKPORT)],
        [
            request("R-1", _rockport(6), _rockport(19, 45)),
            request("R-2", _rockport(10), _rockport(14)),
        ],
        agency="rockport-tx",
    )
    ctx = prepare(prob)
    spans = windows(ctx, build_pieces(ctx))
    start = ctx.requests[0].start
    long = [(p.start - start, p.end - start) for p in spans.pieces if p.request == 0]
    assert long == [(30 * i, 30 * i + 120) for i in range(24)] + [(705, 825)]
    assert [(p.start, p.end) for p in spans.pieces if p.request == 1] == [
        (ctx.requests[1].start, ctx.requests[1].end)
    ]


def test_the_bound_over_windows_is_the_flow_bound_at_a_tenth_of_the_pairs() -> None:
    # One officer, free 06:00-22:00, and two requests of priority 3: 06:00-22:00 (every split:
    # 273 segments) and 10:00-14:00. Each request alone could be filled (the trivial bound:
    # 6.0), but the officer has 16 hours: 10-14 (3.0) and 12 of the long request's 16 hours
    # (2.25), 5.25, over the 29 windows as over the 273 segments.
    prob = problem(
        [officer("O-1", [(_rockport(6), _rockport(22))], tz=ROCKPORT)],
        [
            request("R-1", _rockport(6), _rockport(22), priority=3),
            request("R-2", _rockport(10), _rockport(14), priority=3),
        ],
        agency="rockport-tx",
    )
    ctx = prepare(prob)
    ps = build_pieces(ctx)
    pools = candidate_pools(ctx, ps)
    spans = windows(ctx, ps)
    spans_pools = candidate_pools(ctx, spans)
    assert (sum(map(len, pools)), sum(map(len, spans_pools))) == (274, 30)
    assert flow_bound(ctx, ps, pools) / 1000 == flow_bound(ctx, spans, spans_pools) / 1000 == 5.25
    # 274 pairs at 2.5 us (0.69 ms) exceed a quarter of 1 ms; 30 windows' pairs at 1.5 us
    # (0.045 ms) do not, but they exceed a quarter of 0.15 ms.
    assert budget.bound_before_search(ctx, ps, pools, 0.001) == (
        5.25,
        "bound from the flow relaxation over windows of the agency minimum",
    )
    bound, note = budget.bound_before_search(ctx, ps, pools, 0.00015)
    assert bound == 6.0 and note.startswith("bound from each request's possible officers")


def _capped_week(prior: list[tuple[datetime, datetime]]) -> float:
    """The flow bound of one officer with a 12-hour weekly cap and `prior` shifts outside the
    problem, for three 4-hour requests of priority 1 on Tuesday to Thursday, December 8-10
    (Monday the 7th starts the week)."""
    prob = problem(
        [officer("O-1", prior_shifts=[window(s, e) for s, e in prior])],
        [request(f"R-{d}", at(d, 9), at(d, 13), priority=1) for d in (8, 9, 10)],
        max_hours_per_week=12,
    )
    ctx = prepare(prob)
    ps = build_pieces(ctx)
    return flow_bound(ctx, ps, candidate_pools(ctx, ps)) / coverage_scale()


def test_prior_shifts_take_their_minutes_from_the_flows_weekly_cap() -> None:
    # Within 0.001: each request's value a minute is rounded up (flow_bound.PRECISION).
    # No prior shift: 12 h of cap, the three requests (coverage 1 each).
    assert _capped_week([]) == pytest.approx(3.0, abs=1e-3)
    # Eight prior hours on Monday the 7th leave 4 h of the week: one request.
    assert _capped_week([(at(7, 8), at(7, 16))]) == pytest.approx(1.0, abs=1e-3)
    # Twelve prior hours (two shifts) leave none.
    twelve = [(at(7, 6), at(7, 12)), (at(7, 14), at(7, 20))]
    assert _capped_week(twelve) == pytest.approx(0.0, abs=1e-3)
    # Eight hours in the week before (Tuesday the 1st) do not count toward this one.
    assert _capped_week([(at(1, 8), at(1, 16))]) == pytest.approx(3.0, abs=1e-3)


def test_a_request_over_the_weeks_end_counts_in_the_week_it_starts_with_its_spill() -> None:
    # A 12-hour weekly cap, three 4-hour requests on Wednesday to Friday, December 9-11 (the
    # week of Monday the 7th), and a 4-hour one from Sunday the 13th 22:00 to Monday 02:00. The
    # flow gives a piece's minutes to the day it starts, so the Sunday request draws on the
    # first week, whose cap grows by the 2 hours past its end: 14 hours for 16 requested, the
    # three requests (3.0) and half the Sunday one (0.5).
    prob = problem(
        [officer("O-1")],
        [request(f"R-{d}", at(d, 9), at(d, 13), priority=1) for d in (9, 10, 11)]
        + [request("R-13", at(13, 22), at(14, 2), priority=1)],
        max_hours_per_week=12,
    )
    ctx = prepare(prob)
    ps = build_pieces(ctx)
    bound = flow_bound(ctx, ps, candidate_pools(ctx, ps)) / coverage_scale()
    assert bound == pytest.approx(3.5, abs=1e-3)
