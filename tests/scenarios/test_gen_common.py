"""Local clock arithmetic and weighted draws of the generator."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from scenarios.gen_common import Horizon, after, at_local, half_hour_steps, pick, weighted_sample
from scheduler.agencies import get_agency

NEW_YORK = ZoneInfo("America/New_York")


def test_at_local_counts_wall_clock_half_hours() -> None:
    assert at_local(date(2026, 12, 7), 37, NEW_YORK).isoformat() == "2026-12-07T18:30:00-05:00"


def test_at_local_moves_a_time_that_does_not_exist_to_a_real_instant() -> None:
    # 02:30 on 8 March 2026 falls in the spring-forward gap in New York.
    assert at_local(date(2026, 3, 8), 5, NEW_YORK).isoformat() == "2026-03-08T03:30:00-04:00"


def test_after_adds_real_elapsed_time_across_the_autumn_change() -> None:
    start = datetime(2026, 11, 1, 0, 0, tzinfo=NEW_YORK)
    assert after(start, 6, NEW_YORK).isoformat() == "2026-11-01T05:00:00-05:00"


def test_weighted_sample_gives_k_distinct_items_in_their_original_order() -> None:
    items = [(name, 1.0) for name in "abcdefg"]
    drawn = weighted_sample(random.Random(1), items, 4)
    assert len(set(drawn)) == 4 and drawn == sorted(drawn)


def test_weighted_sample_never_draws_beyond_the_items() -> None:
    assert weighted_sample(random.Random(1), [("a", 1.0), ("b", 2.0)], 5) == ["a", "b"]


def test_pick_respects_a_zero_weight() -> None:
    rng = random.Random(3)
    assert {pick(rng, [("never", 0), ("always", 1)]) for _ in range(50)} == {"always"}


def test_half_hour_steps_include_both_ends() -> None:
    assert half_hour_steps(1.0, 3.0) == [1.0, 1.5, 2.0, 2.5, 3.0]


def test_horizon_dates_and_membership() -> None:
    horizon = Horizon(agency=get_agency("rockport-tx"), start=date(2026, 12, 30), days=3)
    assert horizon.dates() == [date(2026, 12, 30), date(2026, 12, 31), date(2027, 1, 1)]
    assert horizon.contains(date(2027, 1, 1))
    assert not horizon.contains(date(2026, 12, 30) + timedelta(days=3))
