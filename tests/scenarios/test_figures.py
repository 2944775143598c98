"""Figures of one roster, from a hand-written result on the forced problem (no solver needed)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from models.problem import Problem
from models.result import Assignment, Metrics, Pricing, Reason, Rejected, RosterResult, Unfilled
from scenarios.figures import officer_pay, roster_figures, row_order
from scenarios.spec import load_scenario

FORCED = Path(__file__).parent / "data" / "forced.yaml"


@pytest.fixture(scope="module")
def baseline() -> Problem:
    return load_scenario(FORCED).baseline


def _a(request: str, officer: str, start: str, end: str, hours: float) -> Assignment:
    return Assignment(
        request_id=request, officer_id=officer, start=datetime.fromisoformat(start),
        end=datetime.fromisoformat(end), hours=hours, billable_hours=4, amount=Decimal("304.20"),
    )


R1_A = _a("R1", "A", "2026-12-07T08:00:00-05:00", "2026-12-07T12:00:00-05:00", 4)
R2_B = _a("R2", "B", "2026-12-08T18:00:00-05:00", "2026-12-08T21:00:00-05:00", 3)


def _metrics(**values: float) -> Metrics:
    base = dict(
        positions_requested=2, positions_filled=2, coverage=6, coverage_upper_bound=6,
        hours_filled=7, max_total_hours=4, spread_hours=1, gini=0.0714, improvable_pairs=0,
    )
    return Metrics.model_validate(base | values)


def test_officer_pay_sums_pay_lines_padding_included(baseline: Problem) -> None:
    # Pay is $76.05 - $6.80 = $69.25 an hour; R2's 3 worked hours pad to the 4-hour minimum.
    assert officer_pay(baseline, [R1_A]) == Decimal("277.00")
    assert officer_pay(baseline, [R1_A, R2_B]) == Decimal("554.00")
    assert officer_pay(baseline, []) == Decimal("0")


def test_figures_of_the_forced_roster(baseline: Problem) -> None:
    result = RosterResult(
        status="optimal", assignments=[R1_A, R2_B], metrics=_metrics(),
        pricing=Pricing(total=Decimal("608.40")),
    )
    assert roster_figures(baseline, result) == {
        "positions requested": 2, "positions filled": 2, "coverage (priority-weighted)": 6,
        "coverage upper bound": 6, "coverage % of bound": 100.0, "hours filled": 7,
        "customer revenue $": 608.40, "officer pay $": 554.00, "max total hours": 4,
        "spread of total hours": 1, "gini of total hours": 0.0714,
    }


def test_unfilled_pieces_count_their_share_and_refusals_their_positions(baseline: Problem) -> None:
    # Half of R1 (2 of its 4 hours) left without officers; R2 refused outright.
    piece = Unfilled(
        request_id="R1", start=datetime.fromisoformat("2026-12-07T10:00:00-05:00"),
        end=datetime.fromisoformat("2026-12-07T12:00:00-05:00"), positions=1,
        reasons=[Reason(code="ALL_ELIGIBLE_BUSY", message="busy")],
    )
    refused = Rejected(request_id="R2", code="LEAD_TIME", codes=["LEAD_TIME"], message="late")
    result = RosterResult(
        status="feasible", unfilled=[piece], rejected=[refused],
        metrics=_metrics(positions_filled=0.5, coverage=1.5, coverage_upper_bound=2),
    )
    figures = roster_figures(baseline, result)
    assert figures["unfilled: ALL_ELIGIBLE_BUSY"] == 0.5
    assert figures["refused: LEAD_TIME"] == 1
    assert figures["coverage % of bound"] == 75.0
    assert figures["officer pay $"] == 0.0


def test_nothing_fillable_is_full_coverage_of_the_bound(baseline: Problem) -> None:
    result = RosterResult(
        status="optimal",
        metrics=_metrics(positions_filled=0, coverage=0, coverage_upper_bound=0.0001),
    )
    assert roster_figures(baseline, result)["coverage % of bound"] == 100.0


def test_rows_put_codes_between_coverage_and_hours() -> None:
    head = {"coverage % of bound": 1, "hours filled": 1}
    rows = row_order([{"unfilled: B": 1, "refused: Z": 1} | head, {"unfilled: A": 1}])
    assert rows == [
        "coverage % of bound", "unfilled: A", "unfilled: B", "refused: Z", "hours filled"
    ]
