"""`roster show --by request`, `--hours` and `--unfilled` on the small world, with shifts placed
by hand (each move checked by the validator), so every expected line is worked out here.

R-1 Tue 1 Dec 08:00-12:00 needs 1, R-2 Wed 2 Dec 18:00-22:00 needs 2 (world.py), and R-N, a
night of four officers, Tue 1 Dec 19:30 - Wed 2 Dec 07:30. K-1 works R-1; K-2 works R-N and R-2:
12 h + 4 h = 16 h in the week of Monday 30 November (16 h in any 24: the rest rule's limit).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import main
from store import Store
from store.hand import assign
from store.importer import import_file
from store.policy import set_policy
from tests.store.conftest import Target
from tests.store.test_record import write
from tests.store.world import REQUESTS_HEADER, load_world

RN = ("kennesaw-ga,R-N,EMP-9,Big Box Night Security Co,retail,false,true,false,outside,true,"
      "regular,,2026-12-01T19:30:00-05:00,2026-12-02T07:30:00-05:00,2026-11-20T09:00:00-05:00,4,"
      "none,0,,3,\n")


@pytest.fixture
def placed(target: Target, world: Path) -> Target:
    store: Store = target.store
    load_world(store, world)
    import_file(store, "requests", write(world, "night.csv", REQUESTS_HEADER + RN))
    assign(store, "R-1", "K-1")
    assign(store, "R-N", "K-2")
    assign(store, "R-2", "K-2")
    return target


def show(target: Target, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(["roster", "show", *argv, "--db", target.url]) == 0
    return capsys.readouterr().out


def test_by_request_counts_needs_filled_and_open(
    placed: Target, capsys: pytest.CaptureFixture[str]
) -> None:
    assert show(placed, capsys, "--by", "request").splitlines() == [
        "R-1        Kroger #1              Tue 01 Dec 08:00-12:00   needs 1, filled 1",
        "    K-1 A. One 08:00-12:00 confirmed",
        "R-N        Big Box Night Securit… Tue 01 Dec 19:30-07:30+1 needs 4, filled 1, 3 open",
        "    K-2 B. Two 19:30-07:30+1 confirmed",
        "R-2        Home Depot #2          Wed 02 Dec 18:00-22:00   needs 2, filled 1, 1 open",
        "    K-2 B. Two 18:00-22:00 confirmed",
    ]


def test_by_request_keeps_to_the_local_date(
    placed: Target, capsys: pytest.CaptureFixture[str]
) -> None:
    out = show(placed, capsys, "--by", "request", "--date", "2026-12-02")
    assert out.splitlines()[0].startswith("R-2 ")
    assert len(out.splitlines()) == 2


def test_the_shift_table_marks_the_night_past_midnight(
    placed: Target, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = show(placed, capsys, "--request", "R-N").splitlines()
    assert lines[1].split() == ["2026-12-01", "19:30-07:30+1", "R-N", "Big", "Box", "Night",
                                "Security", "C", "K-2", "B.", "Two", "confirmed", "12"]


def test_hours_per_week_within_the_caps(
    placed: Target, capsys: pytest.CaptureFixture[str]
) -> None:
    # K-2: 4.5 h on Tue 1 Dec, 7.5 h + 4 h = 11.5 h on Wed 2 Dec.
    assert show(placed, capsys, "--hours").splitlines() == [
        "officer    week of     hours / cap    busiest day  hours / cap",
        "K-1        Mon 30 Nov      4 / 24 h   Tue 01 Dec       4 / 12 h",
        "K-2        Mon 30 Nov     16 / 24 h   Wed 02 Dec    11.5 / 12 h",
        "every officer within the caps",
    ]


def test_hours_over_a_12_hour_weekly_cap_are_flagged(
    placed: Target, capsys: pytest.CaptureFixture[str]
) -> None:
    set_policy(placed.store, "kennesaw-ga", {"max_hours_per_week": 12})
    assert show(placed, capsys, "--hours", "--officer", "K-2").splitlines() == [
        "officer    week of     hours / cap    busiest day  hours / cap",
        "K-2        Mon 30 Nov     16 / 12 h   Wed 02 Dec    11.5 / 12 h   OVER week",
        "1 row(s) over a cap",
    ]


def test_hours_of_another_week_are_none(
    placed: Target, capsys: pytest.CaptureFixture[str]
) -> None:
    assert show(placed, capsys, "--hours", "--date", "2026-12-09") == "no assignments match\n"


def test_unfilled_lines_are_short_in_time_order_with_the_employer() -> None:
    from datetime import datetime

    from store.roster import RequestLabel, unfilled_lines
    from store.schema import NightlyRunRow
    from tests.scheduler.builders import KENNESAW

    def when(text: str) -> datetime:
        return datetime.fromisoformat(text)

    busy = {"code": "ALL_ELIGIBLE_BUSY", "message": "every eligible officer is busy"}
    supervisor = {"code": "SUPERVISOR_REQUIRED", "message": "no sergeant free"}
    run = NightlyRunRow(id=7, agency_id="kennesaw-ga", solver_status="optimal", result={
        "unfilled": [  # stored in request order; shown in time order
            {"request_id": "R-2", "start": "2026-12-02T18:00:00-05:00",
             "end": "2026-12-02T22:00:00-05:00", "positions": 1, "reasons": [busy]},
            {"request_id": "R-N", "start": "2026-12-02T00:30:00+00:00",
             "end": "2026-12-02T12:30:00+00:00", "positions": 3, "reasons": [busy, supervisor]},
        ],
        "rejected": [{"request_id": "R-9", "code": "PROHIBITED_EMPLOYER", "message": "no"}],
    })
    labels = {
        "R-2": RequestLabel("Home Depot #2", when("2026-12-02T18:00:00-05:00"),
                            when("2026-12-02T22:00:00-05:00")),
        "R-N": RequestLabel("Big Box Night Security Co", when("2026-12-01T19:30:00-05:00"),
                            when("2026-12-02T07:30:00-05:00")),
        "R-9": RequestLabel("Night Escorts", when("2026-12-03T10:00:00-05:00"),
                            when("2026-12-03T14:00:00-05:00")),
    }
    assert unfilled_lines(run, labels, KENNESAW) == [
        "kennesaw-ga, run 7 (optimal):",
        # Both codes would make 104 characters: the second is counted.
        "  R-N        Big Box Night Securit… Tue 01 Dec 19:30-07:30+1 3 open ALL_ELIGIBLE_BUSY +1",
        "  R-2        Home Depot #2          Wed 02 Dec 18:00-22:00   1 open ALL_ELIGIBLE_BUSY",
        "  R-9        Night Escorts          Thu 03 Dec 10:00-14:00   refused PROHIBITED_EMPLOYER",
    ]
