"""The solver-independent validator: each hard rule broken, and kept exactly at its boundary."""

from __future__ import annotations

import sys
from datetime import UTC, timedelta
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from models.problem import Problem
from models.result import Assignment
from scheduler.rules.codes import OFFICER_RULES, ROSTER_RULES
from scheduler.validate.validator import validate
from tests.conftest import covered_codes
from tests.scheduler.rosters import at, officer, problem, request, result, shift


def codes(prob: Problem, assignments: list[Assignment]) -> list[str]:
    return [v.code for v in validate(prob, result(assignments)).violations]


def one(officer_changes: dict[str, Any] | None = None, **request_changes: Any) -> Problem:
    """One officer, one 4-hour request on Tuesday 1 December 12:00-16:00."""
    return problem(
        [officer("K-1", **(officer_changes or {}))],
        [request("R-1", at(1, 12), at(1, 16), **request_changes)],
    )


R1 = shift("R-1", "K-1", at(1, 12), at(1, 16))


def test_a_plain_roster_is_valid() -> None:
    report = validate(one(), result([R1]))
    assert report.ok and report.violations == []


@pytest.mark.covers("UNKNOWN_REFERENCE")
def test_unknown_reference() -> None:
    stray = shift("R-1", "K-404", at(1, 12), at(1, 16))
    report = validate(one(), result([stray, shift("R-9", "K-1", at(1, 12), at(1, 16))]))
    assert [v.code for v in report.violations] == ["UNKNOWN_REFERENCE", "UNKNOWN_REFERENCE"]
    assert "unknown officer K-404" in report.violations[0].message
    assert "unknown request R-9" in report.violations[1].message


@pytest.mark.covers("REQUEST_REFUSED_STAFFED")
def test_request_refused_staffed() -> None:
    inside = one(venue={"alcohol_served": True, "post": "inside"})
    assert codes(inside, [R1]) == ["REQUEST_REFUSED_STAFFED"]
    approved = one(
        venue={"alcohol_served": True, "post": "outside"},
        approvals=[{"kind": "chief_alcohol_outside", "reference": "CP-1"}],
    )
    assert codes(approved, [R1]) == []


@pytest.mark.covers("OUTSIDE_REQUEST")
def test_outside_request() -> None:
    late = shift("R-1", "K-1", at(1, 12, 30), at(1, 16, 30))
    # A short request is worked whole, so the moved shift is also a bad segment.
    assert codes(one(), [late]) == ["OUTSIDE_REQUEST", "INVALID_SEGMENT"]


@pytest.mark.covers("STATUS_BARRED")
def test_status_barred() -> None:
    assert codes(one({"status": "probationary"}), [R1]) == ["STATUS_BARRED"]
    assert codes(one({"status": "light_duty"}), [R1]) == ["STATUS_BARRED"]
    assert codes(one({"status": "active"}), [R1]) == []


@pytest.mark.covers("MISSING_QUALIFICATION")
def test_missing_qualification() -> None:
    assert codes(one(job_type="traffic"), [R1]) == ["MISSING_QUALIFICATION"]
    assert codes(one({"qualifications": ["traffic"]}, job_type="traffic"), [R1]) == []
    assert codes(one(vehicle={"kind": "static"}), [R1]) == ["MISSING_QUALIFICATION"]
    assert codes(one({"qualifications": ["vehicle"]}, vehicle={"kind": "static"}), [R1]) == []


def test_liquor_training_only_when_the_agency_requires_it() -> None:
    bar = {
        "venue": {"alcohol_served": True, "post": "outside"},
        "approvals": [{"kind": "chief_alcohol_outside", "reference": "CP-1"}],
    }
    plain = problem([officer("K-1")], [request("R-1", at(1, 12), at(1, 16), **bar)])
    assert codes(plain, [R1]) == []
    strict = problem([officer("K-1")], [request("R-1", at(1, 12), at(1, 16), **bar)],
                     liquor_training_required=True)
    report = validate(strict, result([R1]))
    assert [v.code for v in report.violations] == ["MISSING_QUALIFICATION"]
    assert "liquor_venue" in report.violations[0].message


@pytest.mark.covers("EMPLOYER_CONFLICT")
def test_employer_conflict() -> None:
    assert codes(one({"conflicts": ["EMP-R-1"]}), [R1]) == ["EMPLOYER_CONFLICT"]
    assert codes(one({"conflicts": ["EMP-R-2"]}), [R1]) == []


@pytest.mark.covers("NOT_AVAILABLE")
def test_not_available() -> None:
    touching = [{"start": at(1, 10).isoformat(), "end": at(1, 14).isoformat()},
                {"start": at(1, 14).isoformat(), "end": at(1, 20).isoformat()}]
    assert codes(one({"availability": touching}), [R1]) == []
    gap = [{"start": at(1, 10).isoformat(), "end": at(1, 14).isoformat()},
           {"start": at(1, 14, 1).isoformat(), "end": at(1, 20).isoformat()}]
    assert codes(one({"availability": gap}), [R1]) == ["NOT_AVAILABLE"]
    exact = [{"start": at(1, 12).isoformat(), "end": at(1, 16).isoformat()}]
    assert codes(one({"availability": exact}), [R1]) == []
    assert codes(one({"availability": []}), [R1]) == ["NOT_AVAILABLE"]


@pytest.mark.covers("ON_DUTY")
@pytest.mark.parametrize(
    ("duty", "expected"),
    [
        ((at(1, 7), at(1, 11, 30)), []),  # ends exactly the travel gap before the shift
        ((at(1, 7), at(1, 11, 31)), ["ON_DUTY"]),
        ((at(1, 16, 30), at(1, 23)), []),  # starts exactly the travel gap after
        ((at(1, 16, 29), at(1, 23)), ["ON_DUTY"]),
        ((at(1, 13), at(1, 14)), ["ON_DUTY"]),
    ],
)
def test_on_duty_gap_in_either_order(duty: tuple[Any, Any], expected: list[str]) -> None:
    block = {"start": duty[0].isoformat(), "end": duty[1].isoformat()}
    assert codes(one({"on_duty": [block]}), [R1]) == expected


def two_requests(second_start: Any, second_end: Any, **policy: Any) -> Problem:
    return problem(
        [officer("K-1")],
        [request("R-1", at(1, 12), at(1, 16)), request("R-2", second_start, second_end)],
        **policy,
    )


@pytest.mark.covers("OVERLAP")
def test_overlap_respects_travel_gap() -> None:
    fine = two_requests(at(1, 16, 30), at(1, 20, 30))
    assert codes(fine, [R1, shift("R-2", "K-1", at(1, 16, 30), at(1, 20, 30))]) == []
    close = two_requests(at(1, 16, 29), at(1, 20, 29))
    assert codes(close, [R1, shift("R-2", "K-1", at(1, 16, 29), at(1, 20, 29))]) == ["OVERLAP"]
    # Earlier in the list but later in time: order of assignments does not matter.
    before = two_requests(at(1, 7, 31), at(1, 11, 31))
    assert codes(before, [R1, shift("R-2", "K-1", at(1, 7, 31), at(1, 11, 31))]) == ["OVERLAP"]


def evening_then_duty(duty_end: Any) -> Problem:
    """6 h off duty on the evening of the 1st, then on duty from 07:00 the next day."""
    duty = [{"start": at(2, 7).isoformat(), "end": duty_end.isoformat()}]
    return problem([officer("K-1", on_duty=duty)], [request("R-1", at(1, 18), at(2, 0))])


@pytest.mark.covers("REST_24H")
def test_rest_rolling_window_across_midnight() -> None:
    night = shift("R-1", "K-1", at(1, 18), at(2, 0))
    assert codes(evening_then_duty(at(2, 17)), [night]) == []  # 6 + 10 = 16 h exactly
    report = validate(evening_then_duty(at(2, 17, 1)), result([night]))
    # The calendar days hold 6 h and 0 h off duty: only the rolling window sees the problem.
    assert [v.code for v in report.violations] == ["REST_24H"]
    message = report.violations[0].message
    assert "works 16.0167 h" in message
    assert "24 h from 2026-12-01T18:00-05:00, above the 16 h allowed" in message


def test_rest_counts_two_shifts_and_duty_in_one_window() -> None:
    duty = [{"start": at(1, 6).isoformat(), "end": at(1, 10).isoformat()}]
    prob = problem(
        [officer("K-1", on_duty=duty)],
        [request("R-1", at(1, 10, 30), at(1, 16, 30)), request("R-2", at(1, 17), at(1, 23))],
    )
    both = [shift("R-1", "K-1", at(1, 10, 30), at(1, 16, 30)),
            shift("R-2", "K-1", at(1, 17), at(1, 23))]
    assert codes(prob, both) == []  # 4 + 6 + 6 = 16 h exactly
    prob2 = problem(
        [officer("K-1", on_duty=duty)],
        [request("R-1", at(1, 10, 30), at(1, 16, 30)), request("R-2", at(1, 17), at(1, 23, 1))],
    )
    both[1] = shift("R-2", "K-1", at(1, 17), at(1, 23, 1))
    assert codes(prob2, both) == ["REST_24H", "DAILY_CAP"]


@pytest.mark.covers("DAILY_CAP")
def test_daily_cap() -> None:
    second = shift("R-2", "K-1", at(1, 12, 30), at(1, 18, 30))
    first = shift("R-1", "K-1", at(1, 6), at(1, 12))
    prob = problem(
        [officer("K-1")],
        [request("R-1", at(1, 6), at(1, 12)), request("R-2", at(1, 12, 30), at(1, 18, 30))],
        max_hours_per_day=12,
    )
    assert codes(prob, [first, second]) == []  # exactly 12 h
    tight = problem(
        [officer("K-1")],
        [request("R-1", at(1, 6), at(1, 12)), request("R-2", at(1, 12, 30), at(1, 18, 30))],
        max_hours_per_day=11.5,
    )
    report = validate(tight, result([first, second]))
    assert [v.code for v in report.violations] == ["DAILY_CAP"]
    assert "12 off-duty h on 2026-12-01" in report.violations[0].message


def test_daily_cap_splits_a_night_shift_at_local_midnight() -> None:
    prob = problem([officer("K-1")], [request("R-1", at(1, 20), at(2, 4))], max_hours_per_day=4)
    assert codes(prob, [shift("R-1", "K-1", at(1, 20), at(2, 4))]) == []  # 4 h + 4 h


def test_dst_autumn_night_is_seven_hours_for_caps() -> None:
    # 1 November 2026, 00:00-06:00 local, clocks go back at 02:00: 7 real hours.
    start, end = at(1, 0, month=11), at(1, 6, month=11)
    at_cap = problem([officer("K-1")], [request("R-1", start, end)], max_hours_per_day=7)
    night = shift("R-1", "K-1", start, end)
    report = validate(at_cap, result([night]))
    assert report.ok and report.metrics.hours_filled == 7.0
    below = problem([officer("K-1")], [request("R-1", start, end)], max_hours_per_day=6.5)
    assert codes(below, [night]) == ["DAILY_CAP"]


@pytest.mark.covers("WEEKLY_CAP")
def test_weekly_cap_policy_and_officer() -> None:
    days = [request(f"R-{d}", at(d, 8), at(d, 16)) for d in (7, 8, 9)]
    shifts = [shift(f"R-{d}", "K-1", at(d, 8), at(d, 16)) for d in (7, 8, 9)]
    assert codes(problem([officer("K-1")], days), shifts) == []  # 24 h exactly
    own_cap = problem([officer("K-1", max_hours_per_week=16)], days)
    assert codes(own_cap, shifts) == ["WEEKLY_CAP"]
    policy_cap = problem([officer("K-1")], days, max_hours_per_week=20)
    assert codes(policy_cap, shifts) == ["WEEKLY_CAP"]


def test_week_runs_monday_to_monday() -> None:
    # Sunday 6 Dec 20:00 to Monday 04:00 puts 4 h in each week.
    reqs = [request("R-A", at(6, 20), at(7, 4)), request("R-B", at(1, 8), at(1, 12)),
            request("R-C", at(8, 8), at(8, 12))]
    worked = [shift("R-A", "K-1", at(6, 20), at(7, 4)), shift("R-B", "K-1", at(1, 8), at(1, 12)),
              shift("R-C", "K-1", at(8, 8), at(8, 12))]
    assert codes(problem([officer("K-1")], reqs, max_hours_per_week=8), worked) == []
    report = validate(problem([officer("K-1")], reqs, max_hours_per_week=7.5), result(worked))
    assert [(v.code, v.request_id) for v in report.violations] == [
        ("WEEKLY_CAP", "R-A"), ("WEEKLY_CAP", "R-C")]


def crew(ranks: list[str], needed: int, **policy: Any) -> tuple[Problem, list[Assignment]]:
    officers = [officer(f"K-{i}", rank=rank) for i, rank in enumerate(ranks)]
    prob = problem(officers, [request("R-1", at(1, 12), at(1, 16), officers_needed=needed)],
                   **policy)
    return prob, [shift("R-1", f"K-{i}", at(1, 12), at(1, 16)) for i in range(len(ranks))]


@pytest.mark.covers("SUPERVISOR_REQUIRED")
def test_supervisor_required() -> None:
    assert codes(*crew(["officer", "corporal"], 2, supervisor_at=2)) == ["SUPERVISOR_REQUIRED"]
    assert codes(*crew(["officer", "sergeant"], 2, supervisor_at=2)) == []
    # Filling only some positions does not lift the rule.
    assert codes(*crew(["officer"], 2, supervisor_at=2)) == ["SUPERVISOR_REQUIRED"]
    # One below the threshold: no supervisor needed (Kennesaw's own threshold is 5).
    assert codes(*crew(["officer"] * 4, 4)) == []
    assert codes(*crew(["officer"] * 5, 5)) == ["SUPERVISOR_REQUIRED"]


def test_supervisor_must_cover_every_staffed_moment_of_a_split_request() -> None:
    officers = [officer("K-0", rank="lieutenant"), officer("K-1"), officer("K-2")]
    prob = problem(officers, [request("R-1", at(1, 6), at(1, 22), officers_needed=2)],
                   supervisor_at=2)
    morning = [shift("R-1", "K-0", at(1, 6), at(1, 14)), shift("R-1", "K-1", at(1, 6), at(1, 14))]
    late = shift("R-1", "K-2", at(1, 14), at(1, 22))
    report = validate(prob, result([*morning, late]))
    assert [v.code for v in report.violations] == ["SUPERVISOR_REQUIRED"]
    assert "2026-12-01T14:00-05:00 to 2026-12-01T22:00-05:00" in report.violations[0].message


@pytest.mark.covers("OVERSTAFFED")
def test_overstaffed() -> None:
    prob = problem([officer("K-1"), officer("K-2")], [request("R-1", at(1, 12), at(1, 16))])
    both = [R1, shift("R-1", "K-2", at(1, 12), at(1, 16))]
    assert codes(prob, both) == ["OVERSTAFFED"]
    assert codes(prob, [R1]) == []


LONG = (at(1, 6), at(1, 22))  # 16 h: split into pieces of 4..12 h on the half hour


@pytest.mark.covers("INVALID_SEGMENT")
@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [
        (at(1, 6), at(1, 14), True),
        (at(1, 6), at(1, 18), True),  # 12 h, leaves exactly the 4 h minimum
        (at(1, 10), at(1, 22), True),
        (at(1, 10), at(1, 18), True),  # 4 h on each side
        (at(1, 6), at(1, 9, 30), False),  # below the minimum
        (at(1, 6), at(1, 19), False),  # above 12 h
        (at(1, 6), at(1, 14, 15), False),  # off the grid
        (at(1, 8), at(1, 14), False),  # leaves 2 h before it that no piece can fill
        (at(1, 6), at(1, 20), False),
    ],
)
def test_segments_of_a_long_request(start: Any, end: Any, ok: bool) -> None:
    prob = problem([officer("K-1")], [request("R-1", *LONG)], max_hours_per_day=24)
    found = codes(prob, [shift("R-1", "K-1", start, end)])
    assert found == ([] if ok else ["INVALID_SEGMENT"])


def test_short_request_is_worked_whole_and_end_off_grid_counts_as_boundary() -> None:
    assert codes(one(), [shift("R-1", "K-1", at(1, 12), at(1, 15))]) == ["INVALID_SEGMENT"]
    prob = problem([officer("K-1")], [request("R-1", at(1, 6), at(1, 22, 15))])
    assert codes(prob, [shift("R-1", "K-1", at(1, 14), at(1, 22, 15))]) == []


@pytest.mark.covers("LOCKED_CHANGED")
def test_locked_changed() -> None:
    lock = {"request_id": "R-1", "officer_id": "K-1",
            "start": at(1, 12).astimezone(UTC).isoformat(), "end": at(1, 16).isoformat()}
    prob = problem([officer("K-1"), officer("K-2")], [request("R-1", at(1, 12), at(1, 16))],
                   locked=[lock])
    assert codes(prob, [R1]) == []  # same moment written in another offset
    moved = shift("R-1", "K-2", at(1, 12), at(1, 16))
    assert codes(prob, [moved]) == ["LOCKED_CHANGED"]
    assert codes(prob, []) == ["LOCKED_CHANGED"]


def test_violation_names_officer_request_and_times() -> None:
    report = validate(one({"conflicts": ["EMP-R-1"]}), result([R1]))
    violation = report.violations[0]
    assert (violation.officer_id, violation.request_id) == ("K-1", "R-1")
    assert "EMP-R-1" in violation.message


@pytest.mark.parametrize("code", [*OFFICER_RULES, *ROSTER_RULES])
def test_every_rule_code_has_a_test(code: str) -> None:
    tested = covered_codes(sys.modules[__name__])
    assert code in tested, f"{code} has no test in test_validation.py"


def pieces_of_some_split(length: int, low: int, high: int) -> set[tuple[int, int]]:
    """Every piece of every partition of [0, length) into grid pieces of low..high minutes."""
    points = [*range(0, length, 30), length]

    def splits(at_: int) -> list[list[tuple[int, int]]]:
        if at_ == length:
            return [[]]
        found = []
        for nxt in points:
            if nxt > at_ and low <= nxt - at_ <= high:
                found += [[(at_, nxt), *rest] for rest in splits(nxt)]
        return found

    return {piece for split in splits(0) for piece in split}


@settings(max_examples=60, deadline=None)
@given(quarters=st.integers(49, 84), a=st.integers(0, 42), b=st.integers(1, 42))
def test_long_request_segments_are_pieces_of_some_valid_split(
    quarters: int, a: int, b: int
) -> None:
    """A segment passes exactly when some partition of the request into valid pieces holds it."""
    # Boundaries on the half hour; a request end off the grid (odd quarters) is a boundary too.
    length = quarters * 15
    a, b = min(a * 30, length), min(b * 30, length)
    assume(a < b)
    start = at(1, 4)
    prob = problem([officer("K-1")], [request("R-1", start, start + timedelta(minutes=length))],
                   max_hours_per_day=24, max_hours_per_24h=24)
    worked = shift("R-1", "K-1", start + timedelta(minutes=a), start + timedelta(minutes=b))
    valid = (a, b) in pieces_of_some_split(length, 4 * 60, 12 * 60)
    assert codes(prob, [worked]) == ([] if valid else ["INVALID_SEGMENT"])


@settings(max_examples=60, deadline=None)
@given(
    needed=st.integers(1, 3),
    spans=st.lists(
        st.tuples(st.integers(0, 31), st.integers(1, 32), st.booleans()), min_size=1, max_size=5
    ),
)
def test_staffing_rules_agree_with_a_minute_by_minute_count(
    needed: int, spans: list[tuple[int, int, bool]]
) -> None:
    """OVERSTAFFED and SUPERVISOR_REQUIRED against a count of who is on at every minute."""
    start = at(1, 4)
    ranks = ["sergeant" if sup else "officer" for _, _, sup in spans]
    prob = problem([officer(f"K-{i}", rank=r) for i, r in enumerate(ranks)],
                   [request("R-1", start, start + timedelta(hours=16), officers_needed=needed)],
                   supervisor_at=2, max_hours_per_day=24, max_hours_per_24h=24)
    held = [(min(a, b - 1) * 30, b * 30, sup) for a, b, sup in spans]
    roster = [shift("R-1", f"K-{i}", start + timedelta(minutes=a), start + timedelta(minutes=b))
              for i, (a, b, _) in enumerate(held)]
    on = [[sup for a, b, sup in held if a <= m < b] for m in range(16 * 60)]
    expected = set()
    if any(len(who) > needed for who in on):
        expected.add("OVERSTAFFED")
    if needed >= 2 and any(who and not any(who) for who in on):
        expected.add("SUPERVISOR_REQUIRED")
    found = set(codes(prob, roster)) & {"OVERSTAFFED", "SUPERVISOR_REQUIRED"}
    assert found == expected
