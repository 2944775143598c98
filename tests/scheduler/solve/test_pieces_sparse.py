"""Sparse pieces: what a large problem offers a long request (`build_pieces(sparse=True)`).

Rockport: minimum 2 h, continuous maximum 12 h. A 16-hour request 06:00-22:00 has 33 grid
points; a segment lies on a valid split when it starts at 06:00 or from 08:00 on and ends at
22:00 or by 20:00, so the full set offers 273 segments of 2-12 h.
The sparse set keeps the points every 2 h from either end (06, 08, ..., 22: 9 points), the even
splits into 2, 3 and 4 segments (14:00; 11:30 and 16:30 for thirds, 16/3 h = 5 h 20 min rounded
to the grid; quarters fall on 2-hour points), the duty edges (the grid points where most officers'
free time begins or ends inside the request), and the ends of locked and hinted shifts."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from scheduler.context import prepare
from scheduler.rules.eligibility import candidate_pools
from scheduler.solve import budget, splits
from scheduler.solve.flow_bound import flow_bound
from scheduler.solve.greedy import even_split
from scheduler.solve.pieces import (
    DUTY_EDGES,
    DutyEdges,
    anchors,
    build_pieces,
    longest_workable,
    split_arcs,
)
from scheduler.timeutil import to_minute
from tests.scheduler.builders import (
    at,
    lock,
    officer,
    on_duty,
    problem,
    request,
    solve_checked,
)

ROCKPORT = ZoneInfo("America/Chicago")


def _at(hour: int, minute: int = 0):
    return at(9, hour, minute, tz=ROCKPORT)


def _long(**kw):
    officers = [officer(f"O-{i}", tz=ROCKPORT) for i in range(1, 4)]
    return problem(
        officers, [request("R-1", _at(6), _at(22), officers_needed=2)], agency="rockport-tx", **kw
    )


def _clock(ctx, minute: int) -> str:
    hours, rest = divmod(minute - ctx.requests[0].start, 60)
    return f"{6 + hours:02d}:{rest:02d}"


def test_a_sixteen_hour_request_offers_two_hour_points_and_even_splits() -> None:
    ctx = prepare(_long())
    req = ctx.requests[0]
    offered = sorted(_clock(ctx, p) for p in anchors(ctx, req))
    assert offered == [
        "06:00",
        "08:00",
        "10:00",
        "11:30",
        "12:00",
        "14:00",
        "16:00",
        "16:30",
        "18:00",
        "20:00",
        "22:00",
    ]
    lim = ctx.limits
    assert len(split_arcs(req, lim.min_minutes, lim.max_continuous)) == 273
    sparse = build_pieces(ctx, sparse=True)
    full = {(p.start, p.end) for p in build_pieces(ctx).pieces}
    spans = {(p.start, p.end) for p in sparse.pieces}
    assert spans <= full
    # 11 points, all reachable from either end; the pairs 2-12 h apart: 48.
    assert len(spans) == 48


def test_a_daily_cap_below_the_maximum_adds_the_even_splits_an_officer_can_work() -> None:
    # A 6-hour daily cap: the halves (8 h) fit the 12-hour maximum but nobody may work them.
    # Also offered: the splits into 3, 4 and 5 segments of at most 6 h; fifths are 3 h 12 min,
    # cut at 09:12, 12:24, 15:36 and 18:48, nearest on the grid 09:00, 12:30, 15:30, 19:00.
    ctx = prepare(_long(max_hours_per_day=6))
    assert longest_workable(ctx) == 360
    offered = sorted(_clock(ctx, p) for p in anchors(ctx, ctx.requests[0]))
    assert offered == [
        "06:00",
        "08:00",
        "09:00",
        "10:00",
        "11:30",
        "12:00",
        "12:30",
        "14:00",
        "15:30",
        "16:00",
        "16:30",
        "18:00",
        "19:00",
        "20:00",
        "22:00",
    ]
    # The greedy roster's split: thirds of 5 h 30 min, 5 h and 5 h 30 min, not the halves.
    ps = build_pieces(ctx, sparse=True)
    thirds = [(_clock(ctx, p.start), _clock(ctx, p.end)) for p in even_split(ctx, ps, 0)]
    assert thirds == [("06:00", "11:30"), ("11:30", "16:30"), ("16:30", "22:00")]


def test_where_workable_segments_are_below_the_minimum_the_greedy_splits_at_the_maximum() -> None:
    # An 8-hour minimum under a 6-hour daily cap: no segment of at most 6 h is a piece, so the
    # greedy roster takes the halves of 22:00-14:00; 22:00-06:00 is 2 h and 6 h by day.
    officers = [officer(f"O-{i}", tz=ROCKPORT) for i in range(1, 4)]
    long = request("R-1", _at(22), at(10, 14, tz=ROCKPORT))
    ctx = prepare(problem(officers, [long], agency="rockport-tx", min_hours=8, max_hours_per_day=6))
    halves = [(p.start, p.end) for p in even_split(ctx, build_pieces(ctx, sparse=True), 0)]
    middle = to_minute(at(10, 6, tz=ROCKPORT))
    assert halves == [(ctx.requests[0].start, middle), (middle, ctx.requests[0].end)]


def test_the_longest_workable_segment_is_the_lowest_cap() -> None:
    assert longest_workable(prepare(_long())) == 720  # Rockport: every cap at least 12 h
    assert longest_workable(prepare(_long(max_hours_per_24h=10))) == 600
    assert longest_workable(prepare(_long(max_hours_per_week=8))) == 480


def test_locked_and_hinted_shifts_stay_pieces() -> None:
    prob = _long(
        locked=[lock("R-1", "O-1", _at(6), _at(13, 30))],
        hint=[lock("R-1", "O-2", _at(9, 30), _at(15))],
    )
    ctx = prepare(prob)
    offered = {_clock(ctx, p) for p in anchors(ctx, ctx.requests[0])}
    assert {"13:30", "09:30", "15:00"} <= offered
    spans = {(p.start, p.end) for p in build_pieces(ctx, sparse=True).pieces}
    assert (to_minute(_at(6)), to_minute(_at(13, 30))) in spans
    assert (to_minute(_at(9, 30)), to_minute(_at(15))) in spans


def test_a_large_solve_reports_the_bound_over_every_split(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The size threshold lowered so that this small problem takes the large path.
    monkeypatch.setattr(splits, "LARGE_MODEL", 5)
    prob = _long(time_limit_s=3)
    result = solve_checked(prob)
    ctx = prepare(prob)
    ps = build_pieces(ctx)
    full = flow_bound(ctx, ps, candidate_pools(ctx, ps)) / 1000
    assert result.metrics.coverage_upper_bound == pytest.approx(max(full, 2.0), abs=1e-4)
    # Three officers for 2 x 16 h at 12 h a day each: both positions of priority 3 filled.
    assert result.metrics.coverage == 6.0
    assert any("bound covers every split" in note for note in result.notes)
    assert result.status == "feasible"


def test_the_fewer_pieces_take_their_pools_from_the_full_set() -> None:
    # Officers with different availability, so that the pools differ from piece to piece.
    officers = [
        officer("O-1", tz=ROCKPORT),
        officer("O-2", [(_at(6), _at(14))], tz=ROCKPORT),
        officer("O-3", [(_at(12), _at(22))], tz=ROCKPORT),
    ]
    prob = problem(
        officers, [request("R-1", _at(6), _at(22), officers_needed=2)], agency="rockport-tx"
    )
    ctx = prepare(prob)
    full = build_pieces(ctx)
    fewer = build_pieces(ctx, sparse=True)
    taken = splits.same_pools(full, candidate_pools(ctx, full), fewer)
    screened = candidate_pools(ctx, fewer)
    assert [p.tolist() for p in taken] == [p.tolist() for p in screened]
    # 06:00-14:00 is open to O-1 and O-2; 12:00-22:00 to O-1 and O-3 (indices 0, 1, 2).
    by_span = {(_clock(ctx, p.start), _clock(ctx, p.end)): p.index for p in fewer.pieces}
    assert taken[by_span["06:00", "14:00"]].tolist() == [0, 1]
    assert taken[by_span["12:00", "22:00"]].tolist() == [0, 2]


def test_a_short_limit_offers_only_the_even_splits() -> None:
    # The 2-hour points make 48 segments (3 officers: 144 pairs, about 0.06 s to build, relax
    # and search at 0.4 ms a pair); at 0.01 s only the even splits into 2, 3 and 4 are offered:
    # points 06:00, 10:00, 11:30, 14:00, 16:30, 18:00 and 22:00, and the 18 segments of 2-12 h
    # between them (5 from 06:00, 4 from 10:00, 4 from 11:30, 3 from 14:00, 1 from 16:30 and
    # 1 from 18:00).
    ctx = prepare(_long())
    full = build_pieces(ctx)
    pools = candidate_pools(ctx, full)
    ps, fewer, offered = splits.fewer_splits(ctx, full, pools, limit=0.01)
    # 54 pairs with the even splits (0.022 s at 0.4 ms a pair): too many for 0.01 s, so the
    # duty edges (none here: every officer is free all day) are left out too.
    assert offered == "only their even splits"
    assert len(ps.pieces) == 18
    assert {_clock(ctx, p.start) for p in ps.pieces} == {
        "06:00",
        "10:00",
        "11:30",
        "14:00",
        "16:30",
        "18:00",
    }
    assert [len(pool) for pool in fewer] == [3] * 18
    ps, _, offered = splits.fewer_splits(ctx, full, pools, limit=0.03)
    assert (len(ps.pieces), offered) == (18, "only their even splits and the duty edges")
    ps, _, offered = splits.fewer_splits(ctx, full, pools, limit=60)
    assert (len(ps.pieces), offered) == (
        48,
        "splits at 2-hour points, even splits and the duty edges",
    )


def test_a_model_too_large_for_one_search_gets_the_even_splits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Above LARGE_MODEL pairs the window search solves it, whatever the limit: the even splits.
    # With the duty edges they make 54 pairs (none here, as above), over the lowered threshold.
    monkeypatch.setattr(splits, "LARGE_MODEL", 50)
    ctx = prepare(_long())
    full = build_pieces(ctx)
    ps, _, offered = splits.fewer_splits(ctx, full, candidate_pools(ctx, full), 600)
    assert (len(ps.pieces), offered) == (18, "only their even splits")


def _duty_ends() -> dict:
    """Two officers come off patrol at 09:40 (free from 10:10 after the 30-minute travel gap,
    the grid point 10:30), one is available until 15:10 (the grid point 15:00), and one is on
    duty from 19:00 (free until 18:30, on the grid)."""
    officers = [
        officer("O-1", tz=ROCKPORT, on_duty=on_duty((_at(5), _at(9, 40)))),
        officer("O-2", tz=ROCKPORT, on_duty=on_duty((_at(5), _at(9, 40)))),
        officer("O-3", [(_at(6), _at(15, 10))], tz=ROCKPORT),
        officer("O-4", tz=ROCKPORT, on_duty=on_duty((_at(19), _at(23)))),
    ]
    return problem(
        officers, [request("R-1", _at(6), _at(22), officers_needed=2)], agency="rockport-tx"
    )


def test_the_duty_edges_are_the_grid_points_where_most_officers_become_free_or_stop() -> None:
    ctx = prepare(_duty_ends())
    edges = DutyEdges.of(ctx)
    req = ctx.requests[0]
    assert {_clock(ctx, p) for p in edges.busiest(req, 1)} == {"10:30"}
    # Ties (one officer each) go to the earlier point.
    assert sorted(_clock(ctx, p) for p in edges.busiest(req, 3)) == ["10:30", "15:00", "18:30"]
    # The edges outside the request (on duty from 05:00, until 23:00) are not points of it.
    assert len(edges.busiest(req, 10)) == 3
    assert DUTY_EDGES == 4
    offered = {_clock(ctx, p) for p in anchors(ctx, req, edges=edges)}
    assert {"10:30", "15:00", "18:30"} <= offered
    spans = {
        (_clock(ctx, p.start), _clock(ctx, p.end)) for p in build_pieces(ctx, sparse=True).pieces
    }
    # O-1 and O-2 can take a piece from the moment they are free to the end of the request.
    assert ("10:30", "22:00") in spans
    no_edges = build_pieces(ctx, sparse=True, duty_edges=False).pieces
    assert ("10:30", "22:00") not in {(_clock(ctx, p.start), _clock(ctx, p.end)) for p in no_edges}


def test_the_flow_bound_is_left_out_where_it_would_take_a_quarter_of_the_limit() -> None:
    ctx = prepare(_long())
    ps = build_pieces(ctx)
    pools = candidate_pools(ctx, ps)
    pairs = sum(len(pool) for pool in pools)
    assert pairs == 273 * 3  # every segment open to the three officers
    flow = flow_bound(ctx, ps, pools) / 1000
    # 819 pairs at 2.5 us: about 2 ms, within a quarter of 60 s.
    assert budget.bound_before_search(ctx, ps, pools, 60) == (
        pytest.approx(flow),
        "bound from the flow relaxation",
    )
    # Not within a quarter of 1 ms, but the 29 windows of the 2-hour minimum (87 pairs at
    # 1.5 us, 0.13 ms) are: the same 6.0 (flow_bound.windows).
    assert budget.bound_before_search(ctx, ps, pools, 0.001) == (
        pytest.approx(flow),
        "bound from the flow relaxation over windows of the agency minimum",
    )
    # Not even those within a quarter of 0.5 ms: each request filled by its possible
    # officers, at most its 2 positions of priority 3.
    bound, note = budget.bound_before_search(ctx, ps, pools, 0.0005)
    assert bound == 6.0
    assert note == (
        "bound from each request's possible officers: the flow relaxation (819 pairs, about "
        "0.0 s) would take more than 25% of the time limit"
    )
    assert flow <= bound


def test_the_flow_bound_gives_an_officer_no_more_of_a_request_than_its_span() -> None:
    # One officer, both positions of the 16-hour request: every split's pieces are open to them,
    # and together they overlap many times over. One position at a time: the union of the
    # pieces, 16 h of the 32 (priority 3 over 16 h: 3.0), under the 24 h weekly cap that alone
    # would allow 24 h (4.5). The officer can really work 12 h of it (2.25).
    prob = problem(
        [officer("O-1", tz=ROCKPORT)],
        [request("R-1", _at(6), _at(22), officers_needed=2)],
        agency="rockport-tx",
    )
    ctx = prepare(prob)
    ps = build_pieces(ctx)
    assert flow_bound(ctx, ps, candidate_pools(ctx, ps)) / 1000 == pytest.approx(3.0)
    assert solve_checked(prob).metrics.coverage == 2.25


def test_the_lp_over_every_split_bounds_an_officer_by_the_daily_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One officer, a 20-hour request (04:00-24:00) for two, on the large path (fewer splits
    # offered). Priority 3 over 1,200 minutes is 2.5 coverage units a minute, so every piece on
    # the 30-minute grid weighs exactly its minutes: no rounding. The flow bound gives the
    # officer the union of the pieces, one position's 20 h (3.0); the LP relaxation over every
    # split keeps them within Rockport's 12 h a day: 720 x 2.5 = 1,800 units, 1.8, which the
    # roster reaches.
    monkeypatch.setattr(splits, "LARGE_MODEL", 5)
    prob = problem(
        [officer("O-1", tz=ROCKPORT)],
        [request("R-1", _at(4), at(10, 0, tz=ROCKPORT), officers_needed=2)],
        agency="rockport-tx",
        time_limit_s=3,
    )
    ctx = prepare(prob)
    ps = build_pieces(ctx)
    assert flow_bound(ctx, ps, candidate_pools(ctx, ps)) / 1000 == pytest.approx(3.0)
    result = solve_checked(prob)
    assert result.metrics.coverage == 1.8
    # The report rounds a bound up to 4 decimals, never below: 1.8 may show as 1.8001.
    assert result.metrics.coverage_upper_bound == pytest.approx(1.8, abs=1e-4)
    pairs = len(ps.pieces)  # one officer: a pair per piece
    assert f"bound from the LP relaxation over every split ({pairs:,} pairs)" in result.notes
    assert not any(note.startswith("bound from the flow") for note in result.notes)
