"""The comparison table: columns per scenario, sweep statistics, differences, text rendering."""

from __future__ import annotations

from scenarios.table import compare_table, format_table, summarize

BASE = {"positions filled": 2.0, "customer revenue $": 608.40, "gini of total hours": 0.0714}
LESS = {"positions filled": 1.0, "customer revenue $": 304.20, "gini of total hours": 0.0,
        "unfilled: NO_ELIGIBLE_OFFICER": 1.0}


def test_single_variant_has_one_column_and_its_difference() -> None:
    table = compare_table(BASE, [("without-b", [LESS])])
    assert list(table.columns) == ["baseline", "without-b", "Δ without-b"]
    assert table.loc["customer revenue $"].tolist() == [608.40, 304.20, -304.20]
    # A code missing from the baseline counts 0 there.
    assert table.loc["unfilled: NO_ELIGIBLE_OFFICER"].tolist() == [0.0, 1.0, 1.0]
    assert list(table.index) == [
        "positions filled", "unfilled: NO_ELIGIBLE_OFFICER", "customer revenue $",
        "gini of total hours",
    ]


def test_sweep_reports_mean_and_percentiles() -> None:
    draws = [{"positions filled": float(v)} for v in (1, 2, 3, 4, 10)]
    stats = summarize(draws, ["positions filled"])
    # numpy's linear interpolation: p10 at rank 0.4, p50 the median, p90 at rank 3.6.
    assert stats["positions filled"] == [4.0, 1.4, 3.0, 7.6]
    table = compare_table({"positions filled": 2.0}, [("absences", draws)])
    assert list(table.columns) == [
        "baseline", "absences mean", "absences p10", "absences p50", "absences p90", "Δ absences"
    ]
    assert table.loc["positions filled"].tolist() == [2.0, 4.0, 1.4, 3.0, 7.6, 2.0]


def test_text_rendering_money_gini_and_signs() -> None:
    text = format_table(compare_table(BASE, [("without-b", [LESS])]))
    lines = text.splitlines()
    assert lines[0].split() == ["baseline", "without-b", "Δ", "without-b"]
    assert lines[2].split() == ["positions", "filled", "2", "1", "-1"]
    assert lines[3].split() == ["unfilled:", "NO_ELIGIBLE_OFFICER", "0", "1", "+1"]
    assert lines[4].split() == ["customer", "revenue", "$", "608.40", "304.20", "-304.20"]
    assert lines[5].split() == ["gini", "of", "total", "hours", "0.071", "0.000", "-0.071"]
