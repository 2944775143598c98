"""Long requests (rules.md section 6): split per position on the 30-minute grid, priced as if whole.

Kennesaw: minimum 4 h, at most 12 h continuous. A 16-hour request is cut into segments of 4-12 h
whose boundaries lie on the grid counted from the request's start; the segments partition the
request, so the invoice equals one 16-hour assignment's to the cent. A request that admits no such
split is left unfilled with NO_VALID_SPLIT.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from models.request import Request
from models.result import RosterResult
from scheduler.agencies import get_agency
from scheduler.pricing.rates import quote_request
from tests.scheduler.builders import (
    at,
    officer,
    problem,
    request,
    roster,
    solve_checked,
)


def whole_price(req: dict[str, object]) -> Decimal:
    """The rate engine's price of the request worked whole by the officers it asks for."""
    agency = get_agency("kennesaw-ga")
    return quote_request(Request.model_validate(req), agency, agency.policy).total


def assert_partition(result: RosterResult, start: datetime, end: datetime, positions: int) -> None:
    """Each position's segments: 4-12 h, on the grid from `start`, covering start..end exactly."""
    segments = sorted((a.start, a.end) for a in result.assignments)
    for s, e in segments:
        assert timedelta(hours=4) <= e - s <= timedelta(hours=12)
        for t in (s, e):
            assert (t - start) % timedelta(minutes=30) == timedelta(0)
    covered = sum(((e - s) for s, e in segments), timedelta(0))
    assert covered == (end - start) * positions


def test_a_16_hour_request_is_split_on_the_grid_and_priced_as_one_shift() -> None:
    # K-1 is free only until 16:00, so it takes the first segment; K-2 (1 h to date) the second.
    # The fairest cut gives each 8.5 h in total: 06:00-14:30 and 14:30-22:00.
    req = request("R-1", at(1, 6), at(1, 22))
    result = solve_checked(problem(
        [officer("K-1", available=[(at(1, 6), at(1, 16))]), officer("K-2", hours_to_date=1)],
        [req],
    ))
    assert roster(result) == [
        ("R-1", "K-1", at(1, 6), at(1, 14, 30)),
        ("R-1", "K-2", at(1, 14, 30), at(1, 22)),
    ]
    assert_partition(result, at(1, 6), at(1, 22), 1)
    assert result.unfilled == []
    assert result.pricing.total == whole_price(req) == Decimal("1216.80")  # 16 h x $76.05


def test_two_positions_over_christmas_eve_midnight_price_like_two_whole_shifts() -> None:
    # 20:00 on the 23rd to 12:00 on the 24th: 4 regular and 12 holiday hours per position.
    req = request("R-1", at(23, 20), at(24, 12), officers_needed=2)
    result = solve_checked(problem([officer(f"K-{i}") for i in range(1, 5)], [req]))
    assert len(result.assignments) == 4
    assert_partition(result, at(23, 20), at(24, 12), 2)
    assert result.unfilled == []
    # 2 x (4 h x $76.05 + 12 h x $99.45) = 608.40 + 2386.80
    assert result.pricing.total == whole_price(req) == Decimal("2995.20")


@pytest.mark.covers("NO_ELIGIBLE_OFFICER")
def test_an_unstaffable_segment_is_left_unfilled_as_a_valid_piece() -> None:
    # K-1 is free 06:00-20:00. The only split with a 12 h segment inside that is 06:00-18:00 +
    # 18:00-22:00, so K-1 works 12 h and the last 4 h stay open as a piece that can be staffed.
    result = solve_checked(problem(
        [officer("K-1", available=[(at(1, 6), at(1, 20))])],
        [request("R-1", at(1, 6), at(1, 22))],
    ))
    assert roster(result) == [("R-1", "K-1", at(1, 6), at(1, 18))]
    [unfilled] = result.unfilled
    assert (unfilled.start, unfilled.end, unfilled.positions) == (at(1, 18), at(1, 22), 1)
    assert [(r.code, r.counts) for r in unfilled.reasons] == [
        ("NO_ELIGIBLE_OFFICER", {"NOT_AVAILABLE": 1})
    ]
    assert result.metrics.positions_filled == 0.75


@pytest.mark.covers("NO_VALID_SPLIT")
def test_a_request_that_admits_no_split_is_unfilled() -> None:
    # Segments of 7-12 h: 13 h is too long for one and too short for two.
    result = solve_checked(problem(
        [officer("K-1"), officer("K-2")],
        [request("R-1", at(1, 6), at(1, 19), officers_needed=2)],
        min_hours=7,
    ))
    assert result.assignments == []
    [unfilled] = result.unfilled
    assert (unfilled.request_id, unfilled.start, unfilled.end, unfilled.positions) == (
        "R-1", at(1, 6), at(1, 19), 2,
    )
    assert [r.code for r in unfilled.reasons] == ["NO_VALID_SPLIT"]
    assert result.pricing.total == Decimal("0")


@pytest.mark.covers("NO_VALID_SPLIT")
def test_exactly_two_minimum_segments_is_a_valid_split() -> None:
    req = request("R-1", at(1, 6), at(1, 20))
    result = solve_checked(problem(
        [officer("K-1"), officer("K-2", hours_to_date=1)], [req], min_hours=7
    ))
    assert sorted((a.start, a.end) for a in result.assignments) == [
        (at(1, 6), at(1, 13)),
        (at(1, 13), at(1, 20)),
    ]
    assert result.unfilled == []


def test_a_request_of_exactly_the_maximum_is_worked_whole() -> None:
    req = request("R-1", at(1, 6), at(1, 18))
    result = solve_checked(problem([officer("K-1"), officer("K-2", hours_to_date=1)], [req]))
    assert roster(result) == [("R-1", "K-1", at(1, 6), at(1, 18))]
    assert result.pricing.total == whole_price(req) == Decimal("912.60")  # 12 h x $76.05


@pytest.mark.covers("SUPERVISOR_REQUIRED")
def test_a_split_request_is_staffed_only_while_its_supervisor_is_on() -> None:
    # Two positions, supervisor from 2: the sergeant is free 06:00-18:00, so only those 12 h are
    # staffed (with K-1, whose total stays at the sergeant's 12 h); 18:00-22:00 stays open.
    result = solve_checked(problem(
        [officer("S-1", rank="sergeant", available=[(at(1, 6), at(1, 18))]),
         officer("K-1"), officer("K-2", hours_to_date=5)],
        [request("R-1", at(1, 6), at(1, 22), officers_needed=2)],
        supervisor_at=2,
    ))
    assert roster(result) == [
        ("R-1", "K-1", at(1, 6), at(1, 18)),
        ("R-1", "S-1", at(1, 6), at(1, 18)),
    ]
    assert [(u.start, u.end, u.positions) for u in result.unfilled] == [(at(1, 18), at(1, 22), 2)]
    assert result.metrics.coverage == 4.5  # priority 3 x 2 positions x 12/16


@pytest.mark.parametrize(("other_priority", "taken"), [(3, "R-2"), (2, "R-1")])
def test_a_split_piece_counts_its_share_of_the_position(other_priority: int, taken: str) -> None:
    # K-1 is free 06:00-14:00 only: half of priority-5 R-1 (16 h) counts 2.5, all of R-2 (8 h)
    # counts its priority; the solver takes whichever covers more.
    result = solve_checked(problem(
        [officer("K-1", available=[(at(1, 6), at(1, 14))])],
        [request("R-1", at(1, 6), at(1, 22), priority=5),
         request("R-2", at(1, 6), at(1, 14), priority=other_priority)],
    ))
    assert roster(result) == [(taken, "K-1", at(1, 6), at(1, 14))]
    assert result.metrics.coverage == max(2.5, other_priority)
