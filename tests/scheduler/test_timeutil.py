"""Local days and weeks in array form agree with the one-shift splits (scheduler/timeutil.py)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.timeutil import (
    local_day_edges,
    most_in_one_span,
    split_by_local_day,
    split_by_local_week,
    to_minute,
)

CHICAGO = ZoneInfo("America/Chicago")
NEW_YORK = ZoneInfo("America/New_York")


def test_the_most_minutes_in_a_day_across_the_spring_change() -> None:
    # Chicago, Sunday 8 March 2026 lasts 23 hours. 20:00 Saturday to 20:00 Sunday local is 23
    # elapsed hours: 4 h on Saturday, 19 h on Sunday. 00:00-24:00 Sunday holds the whole day.
    sat = to_minute(datetime(2026, 3, 7, 20, tzinfo=CHICAGO))
    sun = to_minute(datetime(2026, 3, 8, 0, tzinfo=CHICAGO))
    mon = to_minute(datetime(2026, 3, 9, 0, tzinfo=CHICAGO))
    sun_night = to_minute(datetime(2026, 3, 8, 20, tzinfo=CHICAGO))
    starts, ends = np.array([sat, sun]), np.array([sun_night, mon])
    edges = local_day_edges(sat, mon, CHICAGO)
    assert most_in_one_span(starts, ends, edges).tolist() == [19 * 60, 23 * 60]
    # Both in the week of Monday 2 March, except Monday 9 March 00:00, which ends it.
    weeks = local_day_edges(sat, mon, CHICAGO, weeks=True)
    assert most_in_one_span(starts, ends, weeks).tolist() == [23 * 60, 23 * 60]


@settings(max_examples=300, deadline=None)
@given(
    zone=st.sampled_from([CHICAGO, NEW_YORK]),
    # Around both 2026 changes: 8 March and 1 November.
    month=st.sampled_from([3, 11]),
    offsets=st.lists(
        st.tuples(st.integers(0, 20 * 24 * 60), st.integers(1, 40 * 60)), min_size=1, max_size=30
    ),
)
def test_array_maxima_equal_the_splits(
    zone: ZoneInfo, month: int, offsets: list[tuple[int, int]]
) -> None:
    base = to_minute(datetime(2026, month, 1, tzinfo=zone))
    starts = np.array([base + s for s, _ in offsets], dtype=np.int64)
    ends = starts + np.array([n for _, n in offsets], dtype=np.int64)
    lo, hi = int(starts.min()), int(ends.max())
    days = most_in_one_span(starts, ends, local_day_edges(lo, hi, zone))
    weeks = most_in_one_span(starts, ends, local_day_edges(lo, hi, zone, weeks=True))
    for s, e, day, week in zip(starts.tolist(), ends.tolist(), days, weeks, strict=True):
        assert day == max(m for _, m in split_by_local_day(s, e, zone))
        assert week == max(m for _, m in split_by_local_week(s, e, zone))
