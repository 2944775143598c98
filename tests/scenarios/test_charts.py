"""Charts: each writes a valid PNG of a sensible size; coverage by day has exact figures."""

from __future__ import annotations

import struct
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from models.problem import Problem
from models.result import Assignment, Metrics, OfficerHours, Reason, RosterResult, Unfilled
from scenarios.charts import (
    compare_chart,
    coverage_by_day,
    coverage_chart,
    hours_histogram,
    timeline,
    timeline_pages,
)
from scenarios.spec import load_scenario
from scenarios.table import compare_table

FORCED = Path(__file__).parent / "data" / "forced.yaml"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the IHDR chunk, after checking the PNG signature."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture(scope="module")
def baseline() -> Problem:
    return load_scenario(FORCED).baseline


@pytest.fixture(scope="module")
def result() -> RosterResult:
    """A moves R1; R2 stays unfilled."""
    return RosterResult(
        status="optimal",
        assignments=[Assignment(
            request_id="R1", officer_id="A",
            start=datetime.fromisoformat("2026-12-07T08:00:00-05:00"),
            end=datetime.fromisoformat("2026-12-07T12:00:00-05:00"), hours=4, billable_hours=4,
            amount=Decimal("304.20"),
        )],
        unfilled=[Unfilled(
            request_id="R2", start=datetime.fromisoformat("2026-12-08T18:00:00-05:00"),
            end=datetime.fromisoformat("2026-12-08T21:00:00-05:00"), positions=1,
            reasons=[Reason(code="NO_ELIGIBLE_OFFICER", message="nobody")],
        )],
        officer_hours=[
            OfficerHours(officer_id="A", hours_to_date=0, new_hours=4, total_hours=4),
            OfficerHours(officer_id="B", hours_to_date=2, new_hours=0, total_hours=2),
        ],
        metrics=Metrics(
            positions_requested=2, positions_filled=1, coverage=3, coverage_upper_bound=3,
            hours_filled=4, max_total_hours=4, spread_hours=2, gini=0.1667, improvable_pairs=0,
        ),
    )


def test_coverage_by_local_day(baseline: Problem, result: RosterResult) -> None:
    table = coverage_by_day(baseline, result)
    assert list(table.index) == [date(2026, 12, 7), date(2026, 12, 8)]
    assert table.loc[date(2026, 12, 7)].to_dict() == {
        "requested": 1.0, "unfilled": 0.0, "refused": 0.0, "filled": 1.0
    }
    assert table.loc[date(2026, 12, 8)].to_dict() == {
        "requested": 1.0, "unfilled": 1.0, "refused": 0.0, "filled": 0.0
    }


def test_roster_charts_are_png_files(
    tmp_path: Path, baseline: Problem, result: RosterResult
) -> None:
    sizes = {
        "hours": png_size(hours_histogram(result, tmp_path / "h.png", "baseline")),
        "timeline": png_size(timeline(baseline, result, tmp_path / "t.png", "baseline")[0]),
        "coverage": png_size(coverage_chart(baseline, result, tmp_path / "c.png", "baseline")),
    }
    # Figure inches x 100 dpi.
    assert sizes["hours"] == (600, 400)
    assert sizes["coverage"] == (600, 400)
    assert sizes["timeline"] == (1000, 172)  # 1.5 + 0.22 inches per officer row


def test_compare_chart_has_one_panel_per_figure(tmp_path: Path) -> None:
    figures = {
        "coverage % of bound": 100.0, "positions filled": 2.0, "customer revenue $": 608.4,
        "officer pay $": 554.0, "gini of total hours": 0.07,
    }
    table = compare_table(figures, [("less", [{k: v / 2 for k, v in figures.items()}])])
    width, height = png_size(compare_chart(table, tmp_path / "compare.png"))
    assert (width, height) == (1600, 420)  # 3.2 x 4.2 inches per panel at 100 dpi


def test_compare_chart_leaves_out_a_figure_that_is_the_same_everywhere(tmp_path: Path) -> None:
    figures = {
        "coverage % of bound": 100.0, "positions filled": 2.0, "customer revenue $": 608.4,
        "officer pay $": 554.0, "gini of total hours": 0.07,
    }
    same_coverage = {k: (v if k == "coverage % of bound" else v / 2) for k, v in figures.items()}
    table = compare_table(figures, [("less", [same_coverage])])
    width, _ = png_size(compare_chart(table, tmp_path / "compare.png"))
    assert width == 1280  # four panels: coverage at 100% everywhere has none


def test_timeline_of_an_empty_roster_still_draws(tmp_path: Path, baseline: Problem) -> None:
    empty = RosterResult(
        status="optimal",
        metrics=Metrics(
            positions_requested=0, positions_filled=0, coverage=0, coverage_upper_bound=0,
            hours_filled=0, max_total_hours=0, spread_hours=0, gini=0, improvable_pairs=0,
        ),
    )
    assert timeline(baseline, empty, tmp_path / "t.png") == [tmp_path / "t.png"]
    assert png_size(tmp_path / "t.png")[0] == 1000
    assert png_size(hours_histogram(empty, tmp_path / "h.png"))[0] == 600


def test_timeline_colours_a_shift_by_what_it_is() -> None:
    from datetime import date, datetime
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from models.result import Assignment
    from scenarios.charts import _shift_kind

    tz = ZoneInfo("America/New_York")

    def shift(request: str, day: int, hour: int, locked: bool = False) -> Assignment:
        start = datetime(2026, 7, day, hour, tzinfo=tz)
        return Assignment(request_id=request, officer_id="K-1", start=start,
                          end=start.replace(hour=hour + 4), hours=4, billable_hours=4,
                          amount=Decimal("304.20"), locked=locked)

    holidays = {date(2026, 7, 4)}
    assert _shift_kind(shift("R-1", 3, 8), {"T-1"}, holidays, tz) == "regular"
    assert _shift_kind(shift("T-1", 3, 8), {"T-1"}, holidays, tz) == "traffic"
    # Friday 3 July is a regular day; Saturday 4 July, Independence Day, is the holiday.
    assert _shift_kind(shift("T-1", 4, 8), {"T-1"}, holidays, tz) == "on a holiday"
    assert _shift_kind(shift("R-1", 4, 8, locked=True), set(), holidays, tz) == (
        "locked (confirmed)")


def _hundred_officers() -> RosterResult:
    """K-001 to K-100, each on a 4-hour shift of Monday 7 December (given in reverse order)."""
    shifts = [
        Assignment(request_id="R1", officer_id=f"K-{i:03d}",
                   start=datetime.fromisoformat("2026-12-07T08:00:00-05:00"),
                   end=datetime.fromisoformat("2026-12-07T12:00:00-05:00"), hours=4,
                   billable_hours=4, amount=Decimal("304.20"))
        for i in range(100, 0, -1)
    ]
    return RosterResult(status="feasible", assignments=shifts, metrics=Metrics(
        positions_requested=100, positions_filled=100, coverage=100, coverage_upper_bound=100,
        hours_filled=400, max_total_hours=4, spread_hours=0, gini=0, improvable_pairs=0))


def test_a_hundred_officers_make_three_pages_in_id_order(tmp_path: Path,
                                                          baseline: Problem) -> None:
    result = _hundred_officers()
    pages = timeline_pages(result)
    assert [len(p) for p in pages] == [40, 40, 20]
    assert pages[0] == [f"K-{i:03d}" for i in range(1, 41)]
    assert pages[1] == [f"K-{i:03d}" for i in range(41, 81)]
    assert pages[2] == [f"K-{i:03d}" for i in range(81, 101)]
    paths = timeline(baseline, result, tmp_path / "timeline.png", "baseline")
    assert paths == [tmp_path / f"timeline-{n}.png" for n in (1, 2, 3)]
    # 1.5 + 0.22 inches per officer row at 100 dpi: 40 rows, 40 rows, 20 rows.
    assert [png_size(p) for p in paths] == [(1000, 1030), (1000, 1030), (1000, 590)]
    assert not (tmp_path / "timeline.png").exists()
