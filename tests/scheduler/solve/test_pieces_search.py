"""The searches behind a long request's pieces, by bisection, against their definitions.

A request of a year has 17,521 grid points: scanning every point for each even cut, and every
pair of points for the segments, took 16 s of a solve with a 3 s limit (docs/solver.md). The
bisections must give exactly what the scans gave, ties and order included.
"""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.context import piece_weight
from scheduler.solve.pieces import (
    arcs_over,
    count_arcs_over,
    even_bounds,
    reachable,
    span_weights,
)

GRID = 30


def _scanned_bounds(points: list[int], start: int, minutes: int, k: int) -> list[int]:
    targets = [start + i * minutes / k for i in range(1, k)]
    return [start, *(min(points, key=lambda p, t=t: abs(p - t)) for t in targets), start + minutes]


def _scanned_arcs(points: list[int], lo: int, hi: int) -> list[tuple[int, int]]:
    from_start = reachable(points, lo, hi, forward=True)
    if points[-1] not in from_start:
        return []
    to_end = reachable(points, lo, hi, forward=False)
    return [(a, b) for i, a in enumerate(points) if a in from_start for b in points[i + 1 :]
            if b in to_end and lo <= b - a <= hi]


# Sorted boundary points of a request: its start, some of its grid points, its end.
points_of = st.integers(2, 120).flatmap(
    lambda n: st.sets(st.integers(1, n - 1), max_size=n - 1).map(
        lambda inner: [0, *sorted(GRID * i for i in inner), GRID * n]
    )
)


@settings(max_examples=300, deadline=None)
@given(points_of, st.integers(1, 40))
def test_even_bounds_are_the_nearest_points_the_earlier_of_two(points: list[int], k: int) -> None:
    minutes = points[-1]
    assert even_bounds(points, 0, minutes, k) == _scanned_bounds(points, 0, minutes, k)


@settings(max_examples=300, deadline=None)
@given(points_of, st.integers(1, 8), st.integers(0, 16))
def test_segments_are_those_of_every_pair_of_points(points: list[int], lo: int, more: int) -> None:
    low, high = GRID * lo, GRID * (lo + more)
    assert arcs_over(points, low, high) == _scanned_arcs(points, low, high)


def test_a_tie_between_two_points_goes_to_the_earlier() -> None:
    assert even_bounds([0, 30, 90, 120], 0, 120, 2) == [0, 30, 120]


def _scanned_reach(points: list[int], lo: int, hi: int, forward: bool) -> set[int]:
    """Every point some chain of lo..hi segments reaches from the start (or the end)."""
    order = points if forward else points[::-1]
    reached = {order[0]}
    for p in order[1:]:
        if any(lo <= abs(p - q) <= hi for q in reached):
            reached.add(p)
    return reached


@settings(max_examples=300, deadline=None)
@given(points_of, st.integers(1, 8), st.integers(0, 16), st.integers(-3_000, 3_000))
def test_reached_points_and_counts_do_not_depend_on_where_the_points_start(
    points: list[int], lo: int, more: int, shift: int
) -> None:
    # Each shape of points is worked out once and kept (`pieces._offsets`): the same shape
    # elsewhere on the clock, asked second, must get its own points back, both ways.
    low, high = GRID * lo, GRID * (lo + more)
    moved = [p + shift for p in points]
    for pts in (points, moved):
        for forward in (True, False):
            assert reachable(pts, low, high, forward) == _scanned_reach(pts, low, high, forward)
        assert count_arcs_over(pts, low, high) == len(_scanned_arcs(pts, low, high))


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 5),
    st.integers(-10**6, 10**8),
    st.integers(1, 336 * 60),
    st.lists(st.tuples(st.integers(0, 20_160), st.integers(0, 20_160)), min_size=16, max_size=60),
)
def test_span_weights_in_array_steps_are_each_span_s_piece_weight(
    priority: int, start: int, minutes: int, cuts: list[tuple[int, int]]
) -> None:
    # A request of up to 336 hours anywhere on the clock, spans at any minutes inside it, in
    # at least the 16 worked out in array steps: the same integers as one span at a time.
    req = SimpleNamespace(
        start=start, end=start + minutes, minutes=minutes, model=SimpleNamespace(priority=priority)
    )
    spans = [(start + a % (minutes + 1), start + b % (minutes + 1)) for a, b in cuts]
    expected = [piece_weight(req, a, b) for a, b in spans]  # type: ignore[arg-type]
    assert span_weights(req, spans) == expected  # type: ignore[arg-type]
