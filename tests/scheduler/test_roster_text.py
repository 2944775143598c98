"""The roster as `offduty solve` prints it, on a problem whose roster is forced: B. Baker alone
can work the night of Wednesday 9 December (19:30-07:30), A. Able, a sergeant, alone the four
positions of Saturday 12th (10:00-14:00); Baker's Saturday request is refused (a prohibited
employer)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models.problem import Problem
from models.result import Assignment, RosterResult
from scheduler.roster_text import JSON_HINT, filled_share, positions_text, roster_text
from tests.scheduler.builders import at, officer, problem, request, solve_checked


@pytest.fixture(scope="module")
def forced() -> tuple[Problem, RosterResult]:
    prob = problem(
        [officer("K-1", [(at(12, 9), at(12, 15))], name="A. Able", rank="sergeant"),
         officer("K-2", [(at(9, 19), at(10, 8))], name="B. Baker", max_hours_per_week=20)],
        [request("R-NIGHT", at(9, 19, 30), at(10, 7, 30)),
         request("R-FOUR", at(12, 10), at(12, 14), officers_needed=4),
         request("R-BAR", at(13, 10), at(13, 14),
                 employer={"id": "E-9", "name": "Night Escorts", "category": "escort_service"})],
        deterministic=True,
    )
    return prob, solve_checked(prob)


def test_the_roster_by_request_in_time_order(forced: tuple[Problem, RosterResult]) -> None:
    text = roster_text(*forced)
    section = text.split("\n\n")[1]
    assert section.splitlines() == [
        "BY REQUEST",
        "R-NIGHT    Employer of R-NIGHT    Wed 09 Dec 19:30-07:30+1 needs 1, filled 1",
        "    K-2 B. Baker 19:30-07:30+1",
        "R-FOUR     Employer of R-FOUR     Sat 12 Dec 10:00-14:00   needs 4, filled 1, 3 open",
        "    K-1 A. Able 10:00-14:00",
        "R-BAR      Night Escorts          Sun 13 Dec 10:00-14:00   refused: PROHIBITED_EMPLOYER",
    ]


def test_the_roster_by_officer_against_the_weekly_cap(
    forced: tuple[Problem, RosterResult]
) -> None:
    section = roster_text(*forced).split("\n\n")[2]
    assert section.splitlines() == [
        "BY OFFICER",
        "K-1        A. Able               1 shift(s)      4 h; week of 07 Dec: 4 of 24 h cap",
        "K-2        B. Baker              1 shift(s)     12 h; week of 07 Dec: 12 of 20 h cap",
    ]


def test_unfilled_refused_and_the_json_hint(forced: tuple[Problem, RosterResult]) -> None:
    sections = roster_text(*forced).split("\n\n")
    assert sections[3:] == [
        "UNFILLED\n"
        "R-FOUR     Employer of R-FOUR     Sat 12 Dec 10:00-14:00   3 open ALL_ELIGIBLE_BUSY",
        "REFUSED\n"
        "R-BAR      Night Escorts          Sun 13 Dec 10:00-14:00   PROHIBITED_EMPLOYER",
        JSON_HINT,
    ]
    assert max(len(line) for s in sections for line in s.splitlines()) <= 100


def test_the_header_counts_whole_positions(forced: tuple[Problem, RosterResult]) -> None:
    head = roster_text(*forced).split("\n\n")[0].splitlines()
    assert head[1] == "positions     2 of 6 filled (1 request(s) refused)"
    assert head[-2:] == ["unfilled      3 ALL_ELIGIBLE_BUSY", "refused       1 PROHIBITED_EMPLOYER"]


def test_a_split_request_counts_the_share_of_its_hours() -> None:
    req = problem([], [request("R-L", at(12, 8), at(12, 22), officers_needed=2)]).requests[0]

    def piece(start: int, end: int) -> Assignment:
        return Assignment(request_id="R-L", officer_id="K-1", start=at(12, start),
                          end=at(12, end), hours=end - start, billable_hours=end - start,
                          amount=Decimal("0"))

    # 14 h asked twice; 8 h + 6 h + 7 h covered = 21 h of 14 h = 1.5 positions.
    assert filled_share(req, [piece(8, 16), piece(16, 22), piece(8, 15)]) == 1.5
    assert positions_text(2, 1.5) == "needs 2, filled 1.5, 0.5 open"
    assert positions_text(4, 1) == "needs 4, filled 1, 3 open"
    assert positions_text(2, 2) == "needs 2, filled 2"
