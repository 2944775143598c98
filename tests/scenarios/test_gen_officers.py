"""Generated officers: duty rotations and availability placed around them."""

from __future__ import annotations

import random
from datetime import date

from scenarios.gen_common import Horizon
from scenarios.gen_officers import (
    DutyPattern,
    availability,
    duty_pattern,
    generate_officers,
    officer_prefix,
    on_duty,
)
from scheduler.agencies import get_agency

WEEK = Horizon(agency=get_agency("kennesaw-ga"), start=date(2026, 12, 7), days=7)


def test_prefix_is_the_agency_ids_first_letter() -> None:
    assert (officer_prefix("kennesaw-ga"), officer_prefix("rockport-tx")) == ("K", "R")


def test_duty_patterns_are_consecutive_days_of_8_to_10_hours() -> None:
    rng = random.Random(2)
    for _ in range(200):
        pattern = duty_pattern(rng)
        assert 3 <= len(pattern.weekdays) <= 5 and pattern.hours in (8, 10)
        first = next(d for d in pattern.weekdays if (d - 1) % 7 not in pattern.weekdays)
        assert {(first + i) % 7 for i in range(len(pattern.weekdays))} == set(pattern.weekdays)


def test_on_duty_follows_the_rotation_in_local_time() -> None:
    pattern = DutyPattern(weekdays=(0, 1, 2, 3), start_hour=22, hours=10)
    blocks = on_duty(WEEK, pattern)
    assert [b.start.isoformat() for b in blocks] == [
        "2026-12-07T22:00:00-05:00", "2026-12-08T22:00:00-05:00",
        "2026-12-09T22:00:00-05:00", "2026-12-10T22:00:00-05:00",
    ]
    assert blocks[0].end.isoformat() == "2026-12-08T08:00:00-05:00"


def test_a_day_shift_officer_is_available_after_duty_on_duty_days() -> None:
    pattern = DutyPattern(weekdays=(0, 1, 2, 3, 4, 5, 6), start_hour=6, hours=8)
    windows = availability(random.Random(5), WEEK, pattern)
    assert 2 <= len(windows) <= 5
    assert all(w.start.hour in (14, 15) for w in windows)


def test_a_partial_week_only_gets_windows_inside_the_horizon() -> None:
    three_days = Horizon(agency=WEEK.agency, start=date(2026, 12, 7), days=3)
    pattern = DutyPattern(weekdays=(3, 4, 5), start_hour=7, hours=10)
    for seed in range(30):
        for window in availability(random.Random(seed), three_days, pattern):
            assert three_days.contains(window.start.date())


def test_conflicts_name_pool_employers_only() -> None:
    officers = generate_officers(random.Random(4), WEEK, 300, ["EMP-0001", "EMP-0002"])
    named = {e for o in officers for e in o.conflicts}
    assert named and named <= {"EMP-0001", "EMP-0002"}
