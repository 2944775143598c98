"""Officer, policy and rate transformations: exact effects, and the baseline left as it was."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from models.agency import Agency
from models.common import InputError, TimeWindow
from models.problem import AssignmentRef, Problem
from scenarios.changes import ChangePolicy, ChangeRates, MarkUnavailable, RemoveOfficers
from scenarios.spec import load_scenario
from scenarios.transforms import (
    change_policy,
    change_rates,
    cut_windows,
    day_window,
    mark_unavailable,
    remove_officers,
    round_half_up,
    select_officers,
)

FORCED = Path(__file__).parent / "data" / "forced.yaml"
NY = ZoneInfo("America/New_York")


@pytest.fixture(scope="module")
def baseline() -> Problem:
    return load_scenario(FORCED).baseline


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _windows(problem: Problem, officer: str) -> list[tuple[str, str]]:
    found = next(o for o in problem.officers if o.id == officer)
    return [(w.start.isoformat(), w.end.isoformat()) for w in found.availability]


def test_round_half_up_never_rounds_to_even() -> None:
    assert [round_half_up(v) for v in (0.5, 1.5, 2.5, 2.4999, 4.5)] == [1, 2, 3, 2, 5]


def test_remove_by_id_drops_exactly_those(baseline: Problem) -> None:
    before = baseline.model_dump_json()
    after = remove_officers(baseline, RemoveOfficers(ids=["B"]))
    assert [o.id for o in after.officers] == ["A", "C"]
    assert baseline.model_dump_json() == before


def test_remove_by_rank(baseline: Problem) -> None:
    after = remove_officers(baseline, RemoveOfficers.model_validate({"rank": "sergeant"}))
    assert [o.id for o in after.officers] == ["B", "C"]


def test_remove_fraction_is_seeded_and_rounds_half_up(baseline: Problem) -> None:
    change = RemoveOfficers(fraction=0.5, seed=7)
    # round_half_up(0.5 x 3) = 2 officers; random.Random(7).sample(["A", "B", "C"], 2) = B, A.
    assert select_officers(baseline, change) == ["A", "B"]
    assert [o.id for o in remove_officers(baseline, change).officers] == ["C"]
    # A sweep's draw seed replaces the file's: Random(1) draws A and C.
    assert [o.id for o in remove_officers(baseline, change, seed=1).officers] == ["B"]


def test_remove_unknown_id_is_an_input_error(baseline: Problem) -> None:
    with pytest.raises(InputError, match="ids: unknown officer Z"):
        remove_officers(baseline, RemoveOfficers(ids=["Z"]))


def test_remove_needs_a_criterion() -> None:
    with pytest.raises(ValueError, match="ids, rank or fraction"):
        RemoveOfficers()


def test_removed_officer_loses_locked_and_hinted_shifts(baseline: Problem) -> None:
    lock = AssignmentRef(request_id="R1", officer_id="A", start=_t("2026-12-07T08:00:00-05:00"),
                         end=_t("2026-12-07T12:00:00-05:00"))
    locked = baseline.model_copy(update={"locked": [lock], "hint": [lock]})
    after = remove_officers(locked, RemoveOfficers(ids=["A"]))
    assert (after.locked, after.hint) == ([], [])
    assert locked.locked == [lock]


def test_unavailable_cuts_exactly_local_midnight_to_midnight(baseline: Problem) -> None:
    week = TimeWindow(start=_t("2026-12-06T06:00:00-05:00"), end=_t("2026-12-09T22:00:00-05:00"))
    officers = [o.model_copy(update={"availability": [week]}) for o in baseline.officers]
    problem = baseline.model_copy(update={"officers": officers})
    before = problem.model_dump_json()
    after = mark_unavailable(problem, MarkUnavailable(ids=["B"], dates=[date(2026, 12, 7)]))
    assert _windows(after, "B") == [
        ("2026-12-06T06:00:00-05:00", "2026-12-07T00:00:00-05:00"),
        ("2026-12-08T00:00:00-05:00", "2026-12-09T22:00:00-05:00"),
    ]
    assert _windows(after, "A") == [("2026-12-06T06:00:00-05:00", "2026-12-09T22:00:00-05:00")]
    assert problem.model_dump_json() == before


def test_unavailable_all_officers_by_default(baseline: Problem) -> None:
    change = MarkUnavailable(dates=[date(2026, 12, 7), date(2026, 12, 8)])
    after = mark_unavailable(baseline, change)
    assert [_windows(after, o) for o in "ABC"] == [
        [], [], [("2026-12-10T00:00:00-05:00", "2026-12-11T00:00:00-05:00")]
    ]


def test_unavailable_fraction_uses_the_draw_seed(baseline: Problem) -> None:
    change = MarkUnavailable(dates=[date(2026, 12, 7)], fraction=0.5, seed=1)
    # Random(1) picks A and C; A loses Monday, C had nothing on Monday.
    after = mark_unavailable(baseline, change)
    assert _windows(after, "A") == []
    assert _windows(after, "B") == _windows(baseline, "B")


def test_unavailable_on_the_dst_day_cuts_25_hours() -> None:
    start, end = day_window(date(2026, 11, 1), NY)
    assert (start.isoformat(), end.isoformat()) == (
        "2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00"
    )
    assert (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() == 25 * 3600
    window = TimeWindow(start=_t("2026-10-31T12:00:00-04:00"), end=_t("2026-11-02T12:00:00-05:00"))
    kept = cut_windows([window], (start, end))
    assert [(w.start.isoformat(), w.end.isoformat()) for w in kept] == [
        ("2026-10-31T12:00:00-04:00", "2026-11-01T00:00:00-04:00"),
        ("2026-11-02T00:00:00-05:00", "2026-11-02T12:00:00-05:00"),
    ]


def test_unavailable_drops_locks_on_the_cut_dates_only(baseline: Problem) -> None:
    monday = AssignmentRef(request_id="R1", officer_id="A", start=_t("2026-12-07T08:00:00-05:00"),
                           end=_t("2026-12-07T12:00:00-05:00"))
    locked = baseline.model_copy(update={"locked": [monday]})
    assert mark_unavailable(locked, MarkUnavailable(dates=[date(2026, 12, 7)])).locked == []
    assert mark_unavailable(locked, MarkUnavailable(dates=[date(2026, 12, 8)])).locked == [monday]


def test_policy_change_merges_over_the_problem_overrides(baseline: Problem) -> None:
    first = change_policy(baseline, ChangePolicy(min_hours=2))
    second = change_policy(first, ChangePolicy(supervisor_at=3))
    assert second.policy.model_dump(exclude_none=True) == {"min_hours": 2, "supervisor_at": 3}
    assert baseline.policy.model_dump(exclude_none=True) == {}


def test_rates_change_makes_an_agency_object_with_the_new_card(baseline: Problem) -> None:
    before = baseline.model_dump_json()
    after = change_rates(baseline, ChangeRates(regular=Decimal("80.00")))
    assert isinstance(after.agency, Agency)
    assert after.agency.id == "kennesaw-ga"
    assert (after.agency.rates.regular, after.agency.rates.holiday) == (
        Decimal("80.00"), Decimal("99.45")
    )
    assert baseline.agency == "kennesaw-ga"
    assert baseline.model_dump_json() == before


def test_a_cut_in_the_repeated_hour_is_compared_in_real_time() -> None:
    # A window ending 01:30 EDT lies before a cut from 01:00 EST (one zone object for both). On
    # the wall clock they overlapped, and the window was cut to end at 01:00 EST: half an hour
    # of availability the officer never gave.
    window = TimeWindow(start=datetime(2026, 11, 1, tzinfo=NY),
                        end=datetime(2026, 11, 1, 1, 30, tzinfo=NY))
    cut = (datetime(2026, 11, 1, 1, tzinfo=NY, fold=1), datetime(2026, 11, 1, 3, tzinfo=NY))
    assert cut_windows([window], cut) == [window]
    later = TimeWindow(start=datetime(2026, 11, 1, tzinfo=NY),
                       end=datetime(2026, 11, 1, 1, 30, tzinfo=NY, fold=1))
    assert [(w.start.isoformat(), w.end.isoformat()) for w in cut_windows([later], cut)] == [
        ("2026-11-01T00:00:00-04:00", "2026-11-01T01:00:00-05:00")]
