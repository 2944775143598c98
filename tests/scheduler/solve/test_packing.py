"""The packing checks (solve/packing.py): the stopped recursion against the whole one."""

from __future__ import annotations

import bisect

from hypothesis import given
from hypothesis import strategies as st

from scheduler.solve.packing import max_packing, packs_more

GAP = 30

items = st.lists(
    st.tuples(st.integers(0, 3000), st.integers(30, 960), st.integers(1, 600)).map(
        lambda t: (t[0], t[0] + t[1], t[2])
    ),
    max_size=40,
)


@given(items, st.integers(0, 3000))
def test_packs_more_says_whether_the_most_one_officer_works_passes_the_room(
    its: list[tuple[int, int, int]], most: int
) -> None:
    ordered = sorted(its, key=lambda it: it[1])
    ends = [e for _, e, _ in ordered]
    before = [bisect.bisect_right(ends, s - GAP, 0, i) for i, (s, _, _) in enumerate(ordered)]
    weights = [w for _, _, w in ordered]
    assert packs_more(before, weights, most) == (max_packing(its, GAP) > most)


def test_two_pieces_a_gap_apart_pack_together_and_overlapping_ones_do_not() -> None:
    # 90-150 (60) and 100-160 (70) overlap; each starts a travel gap or more after 0-60 (60)
    # ends: the most one officer works is 60 + 70 = 130.
    pieces = [(0, 60, 60), (90, 150, 60), (100, 160, 70)]
    assert max_packing(pieces, GAP) == 130
    ordered = sorted(pieces, key=lambda it: it[1])
    ends = [e for _, e, _ in ordered]
    before = [bisect.bisect_right(ends, s - GAP, 0, i) for i, (s, _, _) in enumerate(ordered)]
    weights = [w for _, _, w in ordered]
    assert packs_more(before, weights, 129)
    assert not packs_more(before, weights, 130)
