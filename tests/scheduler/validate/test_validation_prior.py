"""The validator counts shifts worked outside the roster (Officer.prior_shifts) like the solver."""

from __future__ import annotations

from scheduler.validate.validator import validate
from tests.scheduler.rosters import at, officer, problem, request, result, shift

PRIOR = [{"start": at(7, 8).isoformat(), "end": at(7, 14).isoformat()}]  # Monday 6 h worked


def codes(prob_officer: dict[str, object], start_hour: int, start_minute: int = 0) -> list[str]:
    prob = problem([prob_officer], [request("R-1", at(9, start_hour, start_minute),
                                            at(9, start_hour + 4, start_minute))])
    roster = result([shift("R-1", "K-1", at(9, start_hour, start_minute),
                           at(9, start_hour + 4, start_minute))])
    return [v.code for v in validate(prob, roster).violations]


def test_a_prior_shift_counts_toward_the_weekly_cap() -> None:
    # Own cap 8 h: 6 h worked Monday + 4 h Wednesday = 10 h; 12 h cap: fine.
    assert codes(officer("K-1", max_hours_per_week=8, prior_shifts=PRIOR), 10) == ["WEEKLY_CAP"]
    assert codes(officer("K-1", max_hours_per_week=12, prior_shifts=PRIOR), 10) == []


def test_a_prior_shift_keeps_the_travel_gap() -> None:
    # Worked 08:00-14:00 on the 9th (6 h; with the 4 h shift 10 h that day, under 12).
    same_day = [{"start": at(9, 8).isoformat(), "end": at(9, 14).isoformat()}]
    assert codes(officer("K-1", prior_shifts=same_day), 14, 15) == ["OVERLAP"]  # 15 min gap
    assert codes(officer("K-1", prior_shifts=same_day), 14, 30) == []  # exactly the 30 min gap


def test_a_prior_shift_counts_in_the_rolling_24_hours() -> None:
    # 17:00 on the 8th to 06:00 on the 9th is 13 h; with 06:30-10:30 that is 17 h in the 24 h
    # from 17:00 (over 16). From 18:00 it is 12 + 4 = 16 h: exactly the cap. The 9th itself has
    # 6 + 4 = 10 h, under the daily 12.
    long = [{"start": at(8, 17).isoformat(), "end": at(9, 6).isoformat()}]
    short = [{"start": at(8, 18).isoformat(), "end": at(9, 6).isoformat()}]
    assert codes(officer("K-1", prior_shifts=long), 6, 30) == ["REST_24H"]
    assert codes(officer("K-1", prior_shifts=short), 6, 30) == []
