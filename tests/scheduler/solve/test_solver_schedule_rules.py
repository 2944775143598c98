"""The solver keeps the officer rules that depend on other work (rules.md section 5): overlap with
the travel gap, rest in any 24 hours, daily and weekly caps, and the supervisor rule.

Exact rosters on 1-3 officers at each boundary; when one officer cannot take both shifts, the
first request has priority 5 so the roster is unique. Kennesaw (minimum 4 h, gap 30 min, 12 h a
day, 24 h a week, 16 h in any 24, supervisor from 5 officers) unless a test overrides the policy.
"""

from __future__ import annotations

from typing import Any

import pytest

from models.result import RosterResult
from tests.scheduler.builders import (
    ZONES,
    alone,
    at,
    busy_holds,
    no_eligible,
    officer,
    on_duty,
    problem,
    request,
    roster,
    solve_checked,
    unfilled_codes,
    window,
)

# --- overlap --------------------------------------------------------------------------------


def two_shifts(second_start: Any, second_end: Any, **policy: Any) -> RosterResult:
    """K-1 alone; R-1 12:00-16:00 (priority 5, so it wins a clash) and R-2 as given."""
    return solve_checked(problem(
        [officer("K-1")],
        [request("R-1", at(1, 12), at(1, 16), priority=5),
         request("R-2", second_start, second_end)],
        **policy,
    ))


@pytest.mark.covers("OVERLAP")
def test_exactly_the_travel_gap_between_shifts_is_fine() -> None:
    after = two_shifts(at(1, 16, 30), at(1, 20, 30))
    assert roster(after) == [
        ("R-1", "K-1", at(1, 12), at(1, 16)),
        ("R-2", "K-1", at(1, 16, 30), at(1, 20, 30)),
    ]
    before = two_shifts(at(1, 7, 30), at(1, 11, 30))
    assert roster(before) == [
        ("R-2", "K-1", at(1, 7, 30), at(1, 11, 30)),
        ("R-1", "K-1", at(1, 12), at(1, 16)),
    ]


@pytest.mark.covers("OVERLAP", "ALL_ELIGIBLE_BUSY")
@pytest.mark.parametrize(
    ("start", "end"),
    [
        (at(1, 16, 29), at(1, 20, 29)),  # a minute inside the gap after
        (at(1, 7, 31), at(1, 11, 31)),  # a minute inside the gap before
        (at(1, 13), at(1, 17)),  # plain overlap
    ],
)
def test_a_shift_inside_the_travel_gap_is_left_unfilled(start: Any, end: Any) -> None:
    result = two_shifts(start, end)
    assert roster(result) == [("R-1", "K-1", at(1, 12), at(1, 16))]
    assert busy_holds(result, "R-2") == {"K-1": ["OVERLAP"]}


@pytest.mark.covers("OVERLAP")
def test_a_second_officer_takes_the_clashing_shift() -> None:
    result = solve_checked(problem(
        [officer("K-1"), officer("K-2", hours_to_date=10)],
        [request("R-1", at(1, 12), at(1, 16)), request("R-2", at(1, 16), at(1, 21))],
    ))
    # Back to back leaves no travel gap, so K-1 takes one: the longer, so K-2 ends at 14 h.
    assert roster(result) == [
        ("R-1", "K-2", at(1, 12), at(1, 16)),
        ("R-2", "K-1", at(1, 16), at(1, 21)),
    ]
    assert result.unfilled == []


# --- rest: any 24 hours ---------------------------------------------------------------------


@pytest.mark.covers("REST_24H")
def test_sixteen_hours_in_a_rolling_day_is_the_limit() -> None:
    # 16:00-24:00 Tuesday and 00:30-08:30 Wednesday: 16 h inside one 24-hour window.
    result = solve_checked(problem(
        [officer("K-1")],
        [request("R-1", at(1, 16), at(2, 0), priority=5),
         request("R-2", at(2, 0, 30), at(2, 8, 30))],
    ))
    assert roster(result) == [
        ("R-1", "K-1", at(1, 16), at(2, 0)),
        ("R-2", "K-1", at(2, 0, 30), at(2, 8, 30)),
    ]


@pytest.mark.covers("REST_24H", "ALL_ELIGIBLE_BUSY")
def test_the_rolling_window_spans_midnight() -> None:
    # 8 h on Tuesday and 8.5 h on Wednesday: no calendar day holds more than 8.5 h, but the
    # 24 hours from Tuesday 16:00 hold 16.5.
    result = solve_checked(problem(
        [officer("K-1")],
        [request("R-1", at(1, 16), at(2, 0), priority=5), request("R-2", at(2, 0, 30), at(2, 9))],
    ))
    assert roster(result) == [("R-1", "K-1", at(1, 16), at(2, 0))]
    assert busy_holds(result, "R-2") == {"K-1": ["REST_24H"]}


@pytest.mark.covers("REST_24H")
def test_on_duty_hours_count_toward_the_rolling_window() -> None:
    duty = on_duty((at(1, 20), at(2, 6)))  # 10 h overnight
    fits = alone({"on_duty": duty}, at(2, 6, 30), at(2, 12, 30))  # 6 h: 16 in the window
    assert roster(fits) == [("R-1", "K-1", at(2, 6, 30), at(2, 12, 30))]
    over = alone({"on_duty": duty}, at(2, 6, 30), at(2, 13))  # 6.5 h: 16.5
    assert over.assignments == []
    assert [u.request_id for u in over.unfilled] == ["R-1"]


@pytest.mark.covers("REST_24H")
@pytest.mark.parametrize(
    "blocks",
    [
        [(at(1, 0), at(1, 8)), (at(1, 0), at(1, 8))],  # the same block declared twice
        [(at(1, 0), at(1, 7, 30)), (at(1, 0), at(1, 8))],  # one block inside another
    ],
)
def test_overlapping_on_duty_blocks_count_once(blocks: list[tuple[Any, Any]]) -> None:
    # On duty 00:00-08:00 is 8 h however it is declared: 8 + 4 = 12 h, within 16.
    result = alone({"on_duty": on_duty(*blocks)}, at(1, 8, 30), at(1, 12, 30))
    assert roster(result) == [("R-1", "K-1", at(1, 8, 30), at(1, 12, 30))]


@pytest.mark.covers("REST_24H", "NO_ELIGIBLE_OFFICER")
def test_a_shift_too_long_after_duty_is_no_eligible_officer() -> None:
    # K-1 could never take it, whatever else the roster holds: nobody is eligible, and the
    # reason counts the rule (not ALL_ELIGIBLE_BUSY with K-1 "held" by REST_24H).
    over = alone({"on_duty": on_duty((at(1, 20), at(2, 6)))}, at(2, 6, 30), at(2, 13))
    assert no_eligible(over) == {"REST_24H": 1}


# --- daily cap ------------------------------------------------------------------------------


@pytest.mark.covers("DAILY_CAP")
def test_daily_cap_counts_the_minutes_on_each_local_date() -> None:
    # 6 h Tuesday morning, then 18:00-02:00: 6 of its 8 hours fall on Tuesday, 12 h in all.
    result = solve_checked(problem(
        [officer("K-1")],
        [request("R-1", at(1, 6), at(1, 12), priority=5), request("R-2", at(1, 18), at(2, 2))],
    ))
    assert roster(result) == [
        ("R-1", "K-1", at(1, 6), at(1, 12)),
        ("R-2", "K-1", at(1, 18), at(2, 2)),
    ]


@pytest.mark.covers("DAILY_CAP", "ALL_ELIGIBLE_BUSY")
def test_half_an_hour_more_on_the_date_breaks_the_daily_cap() -> None:
    # Same 8 hours, half an hour earlier: 6.5 fall on Tuesday, 12.5 h that day.
    result = solve_checked(problem(
        [officer("K-1")],
        [request("R-1", at(1, 6), at(1, 12), priority=5),
         request("R-2", at(1, 17, 30), at(2, 1, 30))],
    ))
    assert roster(result) == [("R-1", "K-1", at(1, 6), at(1, 12))]
    assert busy_holds(result, "R-2") == {"K-1": ["DAILY_CAP"]}


@pytest.mark.covers("DAILY_CAP")
def test_a_shift_longer_than_the_daily_cap_on_one_date_has_no_officer() -> None:
    result = solve_checked(problem(
        [officer("K-1")], [request("R-1", at(1, 6), at(1, 17))], max_hours_per_day=10
    ))
    assert result.assignments == []
    assert [(u.request_id, u.positions) for u in result.unfilled] == [("R-1", 1)]


@pytest.mark.covers("DAILY_CAP", "NO_ELIGIBLE_OFFICER")
def test_a_shift_longer_than_the_daily_cap_is_no_eligible_officer() -> None:
    result = solve_checked(problem(
        [officer("K-1")], [request("R-1", at(1, 6), at(1, 17))], max_hours_per_day=10
    ))
    assert no_eligible(result) == {"DAILY_CAP": 1}


@pytest.mark.covers("DAILY_CAP")
@pytest.mark.parametrize(("end", "fits"), [((11, 30), True), ((12, 0), False)])
def test_daily_cap_counts_real_minutes_on_the_long_dst_day(
    end: tuple[int, int], fits: bool
) -> None:
    # Sunday 1 November 2026 has 25 hours: 00:00-06:00 local is 7 real hours, so a second shift
    # from 06:30 fills the 12 h cap at 11:30.
    result = solve_checked(problem(
        [officer("K-1")],
        [request("R-1", at(1, 0, month=11), at(1, 6, month=11), priority=5),
         request("R-2", at(1, 6, 30, month=11), at(1, *end, month=11))],
    ))
    assert [(a.request_id, a.hours) for a in result.assignments] == (
        [("R-1", 7.0), ("R-2", 5.0)] if fits else [("R-1", 7.0)]
    )
    if not fits:
        assert busy_holds(result, "R-2") == {"K-1": ["DAILY_CAP"]}


# --- weekly cap -----------------------------------------------------------------------------


@pytest.mark.covers("WEEKLY_CAP")
def test_the_week_turns_at_monday_midnight_local() -> None:
    # Own cap 8 h: Sunday 16:00-24:00 is last week, Monday 10:00-18:00 this week.
    result = solve_checked(problem(
        [officer("K-1", max_hours_per_week=8)],
        [request("R-1", at(6, 16), at(7, 0), priority=5), request("R-2", at(7, 10), at(7, 18))],
    ))
    assert roster(result) == [
        ("R-1", "K-1", at(6, 16), at(7, 0)),
        ("R-2", "K-1", at(7, 10), at(7, 18)),
    ]


@pytest.mark.covers("WEEKLY_CAP", "ALL_ELIGIBLE_BUSY")
def test_half_an_hour_past_monday_midnight_counts_in_the_new_week() -> None:
    result = solve_checked(problem(
        [officer("K-1", max_hours_per_week=8)],
        [request("R-1", at(6, 16, 30), at(7, 0, 30), priority=5),
         request("R-2", at(7, 10), at(7, 18))],
    ))
    assert roster(result) == [("R-1", "K-1", at(6, 16, 30), at(7, 0, 30))]
    assert busy_holds(result, "R-2") == {"K-1": ["WEEKLY_CAP"]}


@pytest.mark.covers("WEEKLY_CAP")
def test_the_officers_own_lower_cap_sends_work_to_a_heavier_officer() -> None:
    requests = [request("R-1", at(7, 8), at(7, 12)), request("R-2", at(8, 8), at(8, 13))]
    free = solve_checked(problem([officer("K-1"), officer("K-2", hours_to_date=20)], requests))
    assert roster(free) == [
        ("R-1", "K-1", at(7, 8), at(7, 12)),
        ("R-2", "K-1", at(8, 8), at(8, 13)),
    ]
    capped = solve_checked(problem(
        [officer("K-1", max_hours_per_week=4.5), officer("K-2", hours_to_date=20)], requests
    ))
    assert roster(capped) == [
        ("R-1", "K-1", at(7, 8), at(7, 12)),
        ("R-2", "K-2", at(8, 8), at(8, 13)),
    ]


@pytest.mark.covers("WEEKLY_CAP")
def test_an_own_cap_above_the_agency_cap_does_not_raise_it() -> None:
    # Agency cap 8 h by policy; the officer's own 30 h does not lift it.
    result = solve_checked(problem(
        [officer("K-1", max_hours_per_week=30)],
        [request("R-1", at(7, 8), at(7, 14), priority=5), request("R-2", at(8, 8), at(8, 12))],
        max_hours_per_week=8,
    ))
    assert roster(result) == [("R-1", "K-1", at(7, 8), at(7, 14))]
    assert unfilled_codes(result) == {"R-2": ["ALL_ELIGIBLE_BUSY"]}


# --- supervisor -----------------------------------------------------------------------------


def crew(*officers: dict[str, Any], needed: int = 2) -> RosterResult:
    """One 12:00-16:00 request for `needed` officers, supervisor from 2 (policy override)."""
    return solve_checked(problem(
        list(officers), [request("R-1", at(1, 12), at(1, 16), officers_needed=needed)],
        supervisor_at=2,
    ))


@pytest.mark.covers("SUPERVISOR_REQUIRED")
def test_a_supervised_request_gets_its_sergeant() -> None:
    result = crew(officer("K-1"), officer("K-2", hours_to_date=10),
                  officer("K-3", rank="sergeant", hours_to_date=20))
    assert roster(result) == [
        ("R-1", "K-1", at(1, 12), at(1, 16)),
        ("R-1", "K-3", at(1, 12), at(1, 16)),
    ]


@pytest.mark.covers("SUPERVISOR_REQUIRED")
def test_without_a_supervisor_nobody_staffs_it_not_even_partly() -> None:
    result = crew(officer("K-1"), officer("K-2"), officer("K-3", rank="corporal"))
    assert result.assignments == []
    [unfilled] = result.unfilled
    assert unfilled.positions == 2
    assert [r.code for r in unfilled.reasons] == ["SUPERVISOR_REQUIRED"]
    short = crew(officer("K-1"), officer("K-2"), needed=3)
    assert short.assignments == []
    assert [u.positions for u in short.unfilled] == [3]


@pytest.mark.covers("SUPERVISOR_REQUIRED")
def test_partial_staffing_keeps_the_supervisor() -> None:
    result = crew(officer("K-1"), officer("K-2", rank="lieutenant", hours_to_date=30), needed=3)
    assert roster(result) == [
        ("R-1", "K-1", at(1, 12), at(1, 16)),
        ("R-1", "K-2", at(1, 12), at(1, 16)),
    ]
    assert [u.positions for u in result.unfilled] == [1]


@pytest.mark.covers("SUPERVISOR_REQUIRED")
def test_below_supervisor_at_no_supervisor_is_needed() -> None:
    result = crew(officer("K-1"), needed=1)
    assert roster(result) == [("R-1", "K-1", at(1, 12), at(1, 16))]


@pytest.mark.covers("SUPERVISOR_REQUIRED")
@pytest.mark.parametrize(
    ("agency", "supervisor_at"), [("kennesaw-ga", 5), ("rockport-tx", 4)]
)
def test_the_agency_setting_decides_when_a_supervisor_is_needed(
    agency: str, supervisor_at: int
) -> None:
    tz = ZONES[agency]
    crew_of = [officer(f"P-{i}", tz=tz) for i in range(1, 6)]  # five officers, no sergeant
    for needed, staffed_count in ((supervisor_at - 1, supervisor_at - 1), (supervisor_at, 0)):
        result = solve_checked(problem(
            crew_of, [request("R-1", at(1, 12, tz=tz), at(1, 16, tz=tz), officers_needed=needed)],
            agency=agency,
        ))
        assert len(result.assignments) == staffed_count


# --- shifts worked outside the problem ------------------------------------------------------


def after_prior(
    prior: list[tuple[Any, Any]], start: Any, end: Any, **changes: Any
) -> RosterResult:
    """K-1 with `prior` off-duty shifts from outside the problem, and one request."""
    return alone({"prior_shifts": [window(s, e) for s, e in prior], **changes}, start, end)


@pytest.mark.covers("WEEKLY_CAP")
def test_prior_shifts_count_toward_the_weekly_cap() -> None:
    # Own cap 8 h; Monday's 4 h worked earlier leave 4 h for Tuesday.
    prior = [(at(7, 8), at(7, 12))]
    fits = after_prior(prior, at(8, 8), at(8, 12), max_hours_per_week=8)
    assert roster(fits) == [("R-1", "K-1", at(8, 8), at(8, 12))]
    over = after_prior(prior, at(8, 8), at(8, 12, 30), max_hours_per_week=8)
    assert no_eligible(over) == {"WEEKLY_CAP": 1}


@pytest.mark.covers("OVERLAP")
def test_a_prior_shift_keeps_the_travel_gap() -> None:
    prior = [(at(8, 8), at(8, 12))]
    assert roster(after_prior(prior, at(8, 12, 30), at(8, 16, 30))) == [
        ("R-1", "K-1", at(8, 12, 30), at(8, 16, 30))
    ]
    assert no_eligible(after_prior(prior, at(8, 12, 29), at(8, 16, 29))) == {"OVERLAP": 1}


@pytest.mark.covers("WEEKLY_CAP", "DAILY_CAP", "REST_24H")
@pytest.mark.parametrize(
    ("code", "changes", "policy"),
    [
        ("WEEKLY_CAP", {"max_hours_per_week": 6}, {"max_hours_per_day": 16}),
        ("DAILY_CAP", {}, {"max_hours_per_day": 12}),
        ("REST_24H", {}, {"max_hours_per_24h": 12, "max_hours_per_day": 16}),
    ],
)
def test_prior_shifts_already_over_a_cap_leave_the_officer_out(
    code: str, changes: dict[str, Any], policy: dict[str, Any]
) -> None:
    # 7 h and 5.5 h worked on Tuesday before the run: 12.5 h, over the cap each case sets; the
    # other caps are raised so only that one bars the 3 h shift (with it: 15.5 h in the day and
    # in the 24 h from midnight, under 16).
    prior = [window(at(8, 0), at(8, 7)), window(at(8, 7, 30), at(8, 13))]
    result = solve_checked(problem(
        [officer("K-1", prior_shifts=prior, **changes)],
        [request("R-1", at(8, 18), at(8, 21))],
        **policy,
    ))
    assert no_eligible(result) == {code: 1}
