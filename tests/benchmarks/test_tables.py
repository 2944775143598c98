"""results.csv and RESULTS.md: exact cells, blanks for missing figures, the legend."""

from __future__ import annotations

from pathlib import Path

from benchmarks.run import Row
from benchmarks.tables import MAIN, markdown_table, results_markdown, write_csv


def row(**changes: object) -> Row:
    base: dict[str, object] = {
        "size": "S",
        "solver": "offduty",
        "workers": 2,
        "status": "optimal",
        "positions_requested": 386,
        "positions_filled": 164.8663,
        "coverage": 549.9826,
        "coverage_bound": 549.9826,
        "gap_pct": 0.0,
        "max_total_hours": 58.5,
        "max_total_bound": 58.5,
        "improvable_pairs": 0,
        "first_s": 0.016,
        "final_s": 1.568,
        "peak_rss_mb": 141.4,
        "coverage_vs_greedy": 1.1022,
        "coverage_vs_mip": 1.0,
        "max_total_vs_greedy": 0.9832,
        "max_total_vs_mip": 1.0,
        "stages": "coverage optimal 0.3s",
        "pairs": 1237,
    }
    base.update(changes)
    return Row(**base)  # type: ignore[arg-type]


def test_a_row_in_the_main_table() -> None:
    assert markdown_table([row()], MAIN).splitlines()[2] == (
        "| S | offduty | 2 | optimal | 1237 | 164.9 / 386 | 550 | 550 | 0 | 58.5 | 58.5 | 0 "
        "| 0.016 | 1.568 | 141.4 |"
    )


def test_missing_figures_are_blank_and_large_ones_keep_a_decimal() -> None:
    failed = row(status="timeout", positions_filled=None, coverage=None, coverage_bound=8216.0)
    cells = markdown_table([failed], MAIN).splitlines()[2].split(" | ")
    assert cells[5:8] == ["", "", "8216.0"]


def test_the_markdown_has_each_section_and_the_csv_every_column(tmp_path: Path) -> None:
    rows = [row(solver="greedy", workers=1, coverage_bound=None), row(), row(workers=1)]
    text = results_markdown(rows, "Produced by a test.")
    for title in ("## Rosters", "## Ratios", "## Workers sweep", "## Stages", "How to read"):
        assert title in text
    rosters = text.split("## Ratios")[0]
    assert "| S | offduty | 1 |" not in rosters  # the one-worker run belongs to the sweep only
    write_csv(rows, tmp_path / "results.csv")
    lines = (tmp_path / "results.csv").read_text().splitlines()
    assert lines[0].split(",") == Row.columns()
    assert lines[1].split(",")[7] == ""  # greedy proves no bound
