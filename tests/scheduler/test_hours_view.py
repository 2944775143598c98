"""Hours per local week and day against the caps: minutes counted where they fall, over-cap
rows flagged."""

from __future__ import annotations

from datetime import date

from scheduler.hours_view import HOURS_HEADER, day_minutes, load_line, week_loads
from tests.scheduler.builders import KENNESAW, at


def test_a_night_shift_counts_on_both_days() -> None:
    # 19:30-07:30: 4.5 h on Wednesday 9 Dec, 7.5 h on Thursday.
    assert day_minutes([(at(9, 19, 30), at(10, 7, 30))], KENNESAW) == {
        date(2026, 12, 9): 270, date(2026, 12, 10): 450,
    }


def test_a_shift_across_sunday_midnight_counts_in_both_weeks() -> None:
    # Sunday 13 Dec 20:00 - Monday 14 Dec 04:00: 4 h in the week of the 7th, 4 h in the 14th's.
    rows = week_loads("K-1", [(at(13, 20), at(14, 4))], KENNESAW, 24, 12)
    assert [(r.week, r.hours, r.busiest_day, r.day_hours) for r in rows] == [
        (date(2026, 12, 7), 4.0, date(2026, 12, 13), 4.0),
        (date(2026, 12, 14), 4.0, date(2026, 12, 14), 4.0),
    ]


def test_a_week_over_a_12_hour_cap_is_flagged() -> None:
    spans = [(at(8, 8), at(8, 16)), (at(9, 19, 30), at(10, 7, 30))]  # 8 h + 12 h = 20 h
    (row,) = week_loads("K-0001", spans, KENNESAW, 12, 12)
    assert (row.hours, row.busiest_day, row.day_hours) == (20.0, date(2026, 12, 8), 8.0)
    assert (row.over_week, row.over_day, row.flag) == (True, False, "OVER week")
    assert HOURS_HEADER == "officer    week of     hours / cap    busiest day  hours / cap"
    assert load_line(row) == (
        "K-0001     Mon 07 Dec     20 / 12 h   Tue 08 Dec       8 / 12 h   OVER week")


def test_a_day_over_its_cap_and_a_week_within_it() -> None:
    (row,) = week_loads("K-2", [(at(8, 6), at(8, 19))], KENNESAW, 24, 12)
    assert (row.hours, row.day_hours, row.flag) == (13.0, 13.0, "OVER day")
    (fine,) = week_loads("K-2", [(at(8, 6), at(8, 18))], KENNESAW, 24, 12)
    assert fine.flag == ""  # exactly at both caps
    assert load_line(fine) == "K-2        Mon 07 Dec     12 / 24 h   Tue 08 Dec      12 / 12 h"
