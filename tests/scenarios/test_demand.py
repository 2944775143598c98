"""Demand transformations: requests added with exact times and ids, scaled, duplicated."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from models.problem import Problem
from scenarios.changes import AddDemand, ScaleDemand
from scenarios.demand import add_demand, fresh_id, scale_demand
from scenarios.spec import load_scenario

FORCED = Path(__file__).parent / "data" / "forced.yaml"


@pytest.fixture(scope="module")
def baseline() -> Problem:
    return load_scenario(FORCED).baseline


def _shape(problem: Problem) -> list[tuple[str, str, str, int]]:
    return [
        (r.id, r.start.isoformat(), r.end.isoformat(), r.officers_needed) for r in problem.requests
    ]


def test_fresh_id_skips_taken_ids() -> None:
    taken = {"R1", "R1.2"}
    assert [fresh_id("R1", taken), fresh_id("R9", taken)] == ["R1.3", "R9"]
    assert taken == {"R1", "R1.2", "R1.3", "R9"}


def test_add_demand_on_each_date(baseline: Problem) -> None:
    before = baseline.model_dump_json()
    change = AddDemand(
        count=2, dates=[date(2026, 12, 9), date(2026, 12, 10)], start=time(18, 30), hours=5,
        officers_needed=3, job_type="traffic", priority=5,
    )
    after = add_demand(baseline, change)
    assert _shape(after)[2:] == [
        ("ADD-20261209-1", "2026-12-09T18:30:00-05:00", "2026-12-09T23:30:00-05:00", 3),
        ("ADD-20261209-2", "2026-12-09T18:30:00-05:00", "2026-12-09T23:30:00-05:00", 3),
        ("ADD-20261210-1", "2026-12-10T18:30:00-05:00", "2026-12-10T23:30:00-05:00", 3),
        ("ADD-20261210-2", "2026-12-10T18:30:00-05:00", "2026-12-10T23:30:00-05:00", 3),
    ]
    added = after.requests[2]
    assert (added.job_type, added.priority, added.employer.id) == ("traffic", 5, "WHAT-IF")
    assert added.received_at.isoformat() == "2026-11-25T18:30:00-05:00"  # 14 days before
    assert len(baseline.requests) == 2
    assert baseline.model_dump_json() == before


def test_added_demand_starts_and_lasts_whole_minutes() -> None:
    # 2.51 h from 18:00 would end at 20:30:36, a time of work the problem refuses.
    day = [date(2026, 12, 9)]
    assert AddDemand(dates=day, start=time(18, 0), hours=2.5).hours == 2.5
    third = AddDemand(dates=day, start=time(18, 0), hours=0.333333, id_prefix="T")
    added = add_demand(load_scenario(FORCED).baseline, third).requests[-1]
    assert added.end.isoformat() == "2026-12-09T18:20:00-05:00"
    with pytest.raises(ValueError, match=r"hours\n.*2\.51 h is not a whole number of minutes"):
        AddDemand(dates=day, start=time(18, 0), hours=2.51)
    with pytest.raises(ValueError, match=r"start\n.*18:00:30 is not on a whole minute"):
        AddDemand(dates=day, start=time(18, 0, 30), hours=2)


def test_added_night_across_dst_keeps_real_hours(baseline: Problem) -> None:
    change = AddDemand(dates=[date(2026, 10, 31)], start=time(22, 0), hours=8, id_prefix="N")
    added = add_demand(baseline, change).requests[-1]
    # 22:00 EDT + 8 real hours = 05:00 EST (the clock fell back at 02:00).
    assert (added.id, added.start.isoformat(), added.end.isoformat()) == (
        "N-20261031-1", "2026-10-31T22:00:00-04:00", "2026-11-01T05:00:00-05:00"
    )


def test_scale_officers_needed_rounds_half_up_and_keeps_at_least_one(baseline: Problem) -> None:
    requests = [r.model_copy(update={"officers_needed": 3}) for r in baseline.requests]
    three = baseline.model_copy(update={"requests": requests})

    def needed(factor: float) -> list[int]:
        return [r.officers_needed for r in scale_demand(three, ScaleDemand(factor=factor)).requests]

    assert (needed(1.5), needed(0.5), needed(0.1)) == ([5, 5], [2, 2], [1, 1])
    assert [r.officers_needed for r in three.requests] == [3, 3]


def test_scale_only_on_listed_dates(baseline: Problem) -> None:
    change = ScaleDemand(factor=2, dates=[date(2026, 12, 8)])
    assert [r.officers_needed for r in scale_demand(baseline, change).requests] == [1, 2]


def test_duplicate_whole_factor(baseline: Problem) -> None:
    before = baseline.model_dump_json()
    after = scale_demand(baseline, ScaleDemand(factor=3, mode="duplicate"))
    assert [r.id for r in after.requests] == [
        "R1", "R1-copy2", "R1-copy3", "R2", "R2-copy2", "R2-copy3"
    ]
    assert after.requests[1].start == baseline.requests[0].start
    assert baseline.model_dump_json() == before


def test_duplicate_fraction_is_seeded(baseline: Problem) -> None:
    change = ScaleDemand(factor=1.5, mode="duplicate", seed=3)
    # round_half_up(0.5 x 2) = 1 extra copy; random.Random(3).sample(["R1", "R2"], 1) = R1.
    assert [r.id for r in scale_demand(baseline, change).requests] == ["R1", "R1-copy2", "R2"]
    assert change.is_random
    assert not ScaleDemand(factor=2, mode="duplicate").is_random


def test_duplicate_cannot_shrink() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        ScaleDemand(factor=0.5, mode="duplicate")
