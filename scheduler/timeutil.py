"""Time in one place: aware datetimes at the edges, integer UTC minutes inside the model.

Elapsed time is real time (a shift across the autumn DST change at 00:00-06:00 local is 7 hours),
so everything is measured in minutes since the Unix epoch, and local calendar dates (holidays,
daily and weekly caps) are found by converting back with the agency's zone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from models.common import EPOCH


def to_minute(moment: datetime) -> int:
    """Whole minutes since the epoch of an aware datetime (seconds are dropped)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: a UTC offset is required")
    return int((moment - EPOCH).total_seconds() // 60)


def from_minute(minute: int, tz: ZoneInfo) -> datetime:
    """The aware local datetime of an epoch minute."""
    return (EPOCH + timedelta(minutes=minute)).astimezone(tz)


def local_midnight(day: date, tz: ZoneInfo) -> int:
    """Epoch minute of 00:00 local on `day`."""
    return to_minute(datetime.combine(day, time(0), tzinfo=tz))


def local_date(minute: int, tz: ZoneInfo) -> date:
    return from_minute(minute, tz).date()


@lru_cache(maxsize=1 << 16)
def split_by_local_day(start: int, end: int, tz: ZoneInfo) -> tuple[tuple[date, int], ...]:
    """The minutes of [start, end) that fall on each local calendar date, in order.

    Cached: the same shift is split again and again by eligibility, the model and the validator.
    """
    pieces: list[tuple[date, int]] = []
    cursor = start
    while cursor < end:
        day = local_date(cursor, tz)
        next_midnight = local_midnight(day + timedelta(days=1), tz)
        piece_end = min(end, next_midnight)
        pieces.append((day, piece_end - cursor))
        cursor = piece_end
    return tuple(pieces)


def week_monday(day: date) -> date:
    """The Monday that starts `day`'s week (weeks run Monday 00:00 to Monday 00:00 local)."""
    return day - timedelta(days=day.weekday())


@lru_cache(maxsize=1 << 16)
def split_by_local_week(start: int, end: int, tz: ZoneInfo) -> tuple[tuple[date, int], ...]:
    """The minutes of [start, end) that fall in each local week, keyed by the week's Monday."""
    weeks: dict[date, int] = {}
    for day, minutes in split_by_local_day(start, end, tz):
        monday = week_monday(day)
        weeks[monday] = weeks.get(monday, 0) + minutes
    return tuple(weeks.items())


def hours(minutes: int) -> float:
    """Minutes as hours for reports (never for money: money uses Decimal minutes / 60)."""
    return round(minutes / 60, 4)


def local_day_edges(lo: int, hi: int, tz: ZoneInfo, weeks: bool = False) -> np.ndarray:
    """Epoch minutes of the local midnights that bound every day (or Monday-to-Monday week)
    meeting [lo, hi]: the first at or before `lo`, the last after `hi`."""
    first, last = local_date(lo, tz), local_date(hi, tz) + timedelta(days=1)
    if weeks:
        first, last = week_monday(first), week_monday(last) + timedelta(days=7)
    step = 7 if weeks else 1
    days = [first + timedelta(days=k) for k in range(0, (last - first).days + 1, step)]
    return np.asarray([local_midnight(day, tz) for day in days], dtype=np.int64)


def minutes_by_span(
    starts: np.ndarray, ends: np.ndarray, edges: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every interval [start, end) cut at the `edges` (from `local_day_edges`), in array form:
    per part, its interval, its span (the number of the edge it starts after) and its minutes,
    interval by interval and in time order: what `split_by_local_day` (or week) gives each one."""
    first = np.searchsorted(edges, starts, side="right") - 1  # the span holding the start
    last = np.searchsorted(edges, ends, side="left") - 1  # the span holding the last minute
    count = last - first + 1
    interval = np.repeat(np.arange(len(starts)), count)
    step = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    span = first[interval] + step
    minutes = np.minimum(ends[interval], edges[span + 1]) - np.maximum(
        starts[interval], edges[span]
    )
    return interval, span, minutes


def most_in_one_span(starts: np.ndarray, ends: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Per interval, its most minutes in one span (`minutes_by_span`): the largest value
    `split_by_local_day` (or week) gives it."""
    if len(starts) == 0:
        return np.zeros(0, dtype=np.int64)
    interval, _, minutes = minutes_by_span(starts, ends, edges)
    return np.maximum.reduceat(minutes, np.flatnonzero(np.diff(interval, prepend=-1)))
