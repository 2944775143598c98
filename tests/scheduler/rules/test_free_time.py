"""The fullest window over a set of blocks (`free_time.max_window_load`), against its
definition: every window start, minute by minute, on small ranges; and whether some window
holds more than a cap (`window_load_over`), against the fullest one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.rules.free_time import max_window_load, window_load_over

BLOCKS = st.lists(
    st.tuples(st.integers(0, 200), st.integers(1, 60)).map(lambda b: (b[0], b[0] + b[1])),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(BLOCKS, st.integers(1, 80))
def test_the_fullest_window_is_the_fullest_of_every_start(
    blocks: list[tuple[int, int]], width: int
) -> None:
    # Every start from one window before the first block to the last block's end.
    expected = max(
        (sum(max(0, min(e, t + width) - max(s, t)) for s, e in blocks) for t in range(-80, 261)),
        default=0,
    )
    assert max_window_load(blocks, width) == expected


def test_a_24_hour_window_over_two_shifts_and_an_early_one() -> None:
    # 10 h and 6 h an hour apart fit one window (16 h); the 4 h block 20 h earlier does not
    # join them: the window from its start reaches only the first 3 h of the 10-hour shift.
    blocks = [(0, 240), (1440, 2040), (2100, 2460)]
    assert max_window_load(blocks, 1440) == 960
    # Starts up to 100 only: the windows from 0 and from -1200 (ending at the first block's
    # end) hold the 4 h block alone.
    assert max_window_load(blocks, 1440, hi=100) == 240


@settings(max_examples=300, deadline=None)
@given(BLOCKS, st.integers(1, 80), st.integers(0, 120), st.integers(-80, 260), st.integers(0, 200))
def test_a_window_over_the_cap_is_found_where_the_fullest_is_over_it(
    blocks: list[tuple[int, int]], width: int, most: int, lo: int, more: int
) -> None:
    # The windows starting from lo to hi only, as the 24-hour rule asks around a new shift.
    hi = lo + more
    fullest = max_window_load(blocks, width, lo=lo, hi=hi)
    assert window_load_over(blocks, width, most, lo, hi) == (fullest > most)
