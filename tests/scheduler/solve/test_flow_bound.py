"""The flow bound's per-officer reach over a request's pieces of one day (`flow_bound._reach`):
the array version against the union of each officer's pieces, counted directly."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.solve.flow_bound import _reach
from scheduler.solve.pieces import Piece

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
