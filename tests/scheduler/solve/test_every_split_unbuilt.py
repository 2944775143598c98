"""Every split left unbuilt where nothing could use it (`offer.offered_pieces`): its size
counted and estimated from the even splits, the bound over windows of the agency minimum, and the
tiers of fewer splits screened from scratch (`splits.fewer_splits` without every split's pools).

The problem is test_pieces_sparse's: Rockport (2-12 h segments), one 16-hour request
06:00-22:00 for 2 officers, three officers free all day: 273 segments, 819 pool pairs."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.context import prepare
from scheduler.rules.eligibility import candidate_pools
from scheduler.solve import budget, solver, splits
from scheduler.solve.flow_bound import flow_bound
from scheduler.solve.pieces import GRID, build_pieces, count_arcs, split_arcs
from tests.scheduler.builders import solve_checked
from tests.scheduler.solve.test_pieces_sparse import _long


@settings(max_examples=150, deadline=None)
@given(
    slots=st.integers(min_value=1, max_value=80),
    lo_slots=st.integers(min_value=1, max_value=8),
    extra=st.integers(min_value=0, max_value=30),
)
def test_counting_the_segments_agrees_with_listing_them(
    slots: int, lo_slots: int, extra: int
) -> None:
    # A request of `slots` half-hours, segments of lo..hi half-hours; the last slot may be
    # short (an end off the grid), so the count must follow the grid as split_arcs does.
    req = SimpleNamespace(start=0, end=slots * GRID - (7 if slots > 1 else 0))
    lo, hi = lo_slots * GRID, (lo_slots + extra) * GRID
    assert count_arcs(req, lo, hi) == len(split_arcs(req, lo, hi))  # type: ignore[arg-type]


def test_the_size_of_every_split_is_counted_and_estimated_from_the_even_splits() -> None:
    ctx = prepare(_long())
    assert splits.every_split_pieces(ctx) == 273
    even = splits.even_splits(ctx)
    pools = candidate_pools(ctx, even)
    # 18 even-split segments, each open to the 3 officers: 3 a segment, times 273 segments.
    assert [len(pool) for pool in pools] == [3] * 18
    assert splits.every_split_pairs(ctx, even, pools) == 819


def test_without_every_split_the_bound_comes_from_windows() -> None:
    ctx = prepare(_long())
    even = splits.even_splits(ctx)
    full = build_pieces(ctx)
    flow = flow_bound(ctx, full, candidate_pools(ctx, full)) / 1000
    # The 29 windows of the 2-hour minimum (87 pairs at 1.5 us) fit a quarter of 1 ms: the
    # same 6.0 as the flow over every split (test_pieces_sparse).
    bound, note = budget.bound_over_windows(ctx, even, 0.001, 819)
    assert (bound, note) == (
        pytest.approx(flow),
        "bound from the flow relaxation over windows of the agency minimum",
    )
    # Within a quarter of 0.4 ms not even those (87 pairs at 1.5 us, 130 us), but screening
    # them fits (at most the 819 pairs at 0.1 us, 82 us): the windows' officers, at most the 2
    # positions of priority 3.
    bound, note = budget.bound_over_windows(ctx, even, 0.0004, 819)
    assert bound == 6.0
    assert note.startswith("bound from each request's possible officers: the flow relaxation")
    # Within a quarter of 0.1 ms not even the screening: every position filled.
    bound, note = budget.bound_over_windows(ctx, even, 0.0001, 819)
    assert bound == 6.0
    assert note == (
        "bound from each request's positions, all filled: screening the windows' officers "
        "(up to 819 pairs) would take more than 25% of the time limit"
    )


def test_when_the_even_splits_are_too_many_for_one_model_no_other_tier_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(splits, "LARGE_MODEL", 50)  # the even splits' 54 pairs are above it
    built: list[tuple] = []
    real = splits.build_pieces

    def counted(ctx, sparse=False, step=None, duty_edges=True):  # type: ignore[no-untyped-def]
        built.append((sparse, step, duty_edges))
        return real(ctx, sparse=sparse, step=step, duty_edges=duty_edges)

    monkeypatch.setattr(splits, "build_pieces", counted)
    ctx = prepare(_long())
    ps, pools, offered, climb = splits.climbing_splits(ctx, None, None, 600)
    assert (len(ps.pieces), offered, climb) == (18, "only their even splits", None)
    assert [len(pool) for pool in pools] == [3] * 18  # screened, not taken from every split
    assert built == [(True, None, False)]


def test_a_solve_too_short_for_every_split_never_builds_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The flow's cost per pair raised so that every split's 819 pairs would not fit a quarter
    # of 3 s; the windows' 87 still do at their own cost.
    monkeypatch.setattr(budget, "FLOW_SECONDS_PER_PAIR", 1e-2)

    def never(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("every split was built")

    monkeypatch.setattr(solver, "build_pieces", never)
    result = solve_checked(_long(time_limit_s=3))
    assert result.metrics.coverage == 6.0
    assert result.metrics.coverage_upper_bound == 6.0
    assert "bound from the flow relaxation over windows of the agency minimum" in result.notes
    # At 3 s the 2-hour points' 48 segments (144 pairs) fit one model.
    assert any(
        "splits at 2-hour points, even splits and the duty edges (48 pieces)" in note
        for note in result.notes
    )
    assert result.status == "feasible"
