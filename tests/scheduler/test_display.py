"""Shift times as people read them: local clock times, "+1" past midnight, DST nights, short
unfilled lines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scheduler.display import (
    clip,
    elapsed_hours,
    fractional_note,
    hours_text,
    local_span,
    local_when,
    packed,
    unfilled_line,
)
from tests.scheduler.builders import KENNESAW, ROCKPORT, at


def test_a_shift_past_midnight_carries_plus_one() -> None:
    assert local_span(at(9, 19, 30), at(10, 7, 30), KENNESAW) == "19:30-07:30+1"


def test_a_shift_within_one_day_has_no_mark() -> None:
    assert local_span(at(9, 8), at(9, 12), KENNESAW) == "08:00-12:00"


def test_ending_at_midnight_is_the_next_day() -> None:
    assert local_span(at(9, 18), at(10, 0), KENNESAW) == "18:00-00:00+1"


def test_a_shift_of_two_nights_carries_plus_two() -> None:
    assert local_span(at(9, 20), at(11, 6), KENNESAW) == "20:00-06:00+2"


def test_times_are_the_agency_s_whatever_zone_they_came_in() -> None:
    # 01:30-13:30 UTC on 10 Dec is 19:30-07:30 in Chicago (UTC-6), starting on the 9th.
    start = datetime(2026, 12, 10, 1, 30, tzinfo=UTC)
    end = datetime(2026, 12, 10, 13, 30, tzinfo=UTC)
    assert local_when(start, end, ROCKPORT) == "Wed 09 Dec 19:30-07:30+1"


def test_the_fall_back_night_shows_the_clock_and_counts_seven_hours() -> None:
    # 1 November 2026, New York: 02:00 EDT becomes 01:00 EST; 00:00-06:00 is 7 real hours.
    start, end = at(1, 0, month=11), at(1, 6, month=11)
    assert local_span(start, end, KENNESAW) == "00:00-06:00"
    assert elapsed_hours(start, end) == 7.0


def test_the_spring_forward_night_across_midnight() -> None:
    # 7-8 March 2026, New York: 22:00-06:00 is 7 real hours and ends the next day.
    start, end = at(7, 22, month=3), at(8, 6, month=3)
    assert local_span(start, end, KENNESAW) == "22:00-06:00+1"
    assert elapsed_hours(start, end) == 7.0


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="^end: naive datetime 2026-12-10T07:30:00; a UTC"):
        local_span(at(9, 19), datetime(2026, 12, 10, 7, 30), KENNESAW)


def test_hours_and_clipping() -> None:
    assert [hours_text(h) for h in (12, 7.5, 0.25, 10 / 3)] == ["12 h", "7.5 h", "0.25 h",
                                                               "3.33 h"]
    assert clip("Westview Elementary #12", 22) == "Westview Elementary #…"
    assert clip("Aldi #122", 22) == "Aldi #122"


def test_pieces_are_packed_into_lines_of_at_most_100_characters() -> None:
    pieces = [f"K-000{i} Officer Number{i} 19:30-07:30+1" for i in range(5)]  # 35 characters
    # 4 + 35 + 2 + 35 = 76; a third piece would make 113.
    assert packed(pieces, "    ") == [
        f"    {pieces[0]}; {pieces[1]}", f"    {pieces[2]}; {pieces[3]}", f"    {pieces[4]}",
    ]
    assert packed(["1 A", "2 B"], "unfilled  ", sep=", ") == ["unfilled  1 A, 2 B"]


def test_an_unfilled_line_is_short_and_names_the_employer() -> None:
    line = unfilled_line("REQ-00145", "Lowe's #253", at(7, 16), at(8, 3, 30), 2,
                         ["NO_ELIGIBLE_OFFICER"], KENNESAW)
    assert line == ("REQ-00145  Lowe's #253            Mon 07 Dec 16:00-03:30+1 2 open "
                    "NO_ELIGIBLE_OFFICER")


def test_codes_that_do_not_fit_are_counted() -> None:
    codes = ["ALL_ELIGIBLE_BUSY", "SUPERVISOR_REQUIRED", "NO_ELIGIBLE_OFFICER"]
    line = unfilled_line("REQ-00099", "Westview Elementary #12 and Annex", at(7, 11), at(7, 17),
                         3, codes, KENNESAW)
    assert line == ("REQ-00099  Westview Elementary #… Mon 07 Dec 11:00-17:00   3 open "
                    "ALL_ELIGIBLE_BUSY +2")
    assert len(line) <= 100


def test_fractional_positions_are_explained_only_when_there_are_some() -> None:
    assert fractional_note([3.0, 2]) == []
    assert fractional_note([3.0, 5.7143]) == [
        "positions: a split position counts the share of its hours that is covered"
    ]
