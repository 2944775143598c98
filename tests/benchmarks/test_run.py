"""The benchmark harness: its plan, its arithmetic, its guards, and one small real run.

The real run solves size S with 5-second limits in spawned processes and checks the figures
against loose sanity bounds only (no timing assertions: the machine may be busy).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import run as bench
from benchmarks.run import InvalidRoster, Row, plan, run_bench, run_isolated, summarize
from benchmarks.runners import Outcome
from benchmarks.tables import header, results_markdown, write_csv


def outcome(
    solver: str, coverage: float, bound: float, max_total: float, workers: int = 1
) -> Outcome:
    metrics = {
        "positions_requested": 10,
        "positions_filled": coverage / 2,
        "coverage": coverage,
        "coverage_upper_bound": bound,
        "max_total_hours": max_total,
        "max_total_lower_bound": None,
        "improvable_pairs": 0,
    }
    return Outcome("S", solver, workers, "feasible", metrics, 0.1, 1.0, 100.0)


def test_the_plan_runs_greedy_first_and_the_mip_and_sweep_on_s_and_m_only() -> None:
    jobs = plan(["S", "L"], seed=3)
    assert [(j.size.name, j.solver, j.workers) for j in jobs] == [
        ("S", "greedy", 1),
        ("S", "offduty", 2),
        ("S", "mip", 1),
        ("S", "offduty", 1),
        ("L", "greedy", 1),
        ("L", "offduty", 2),
    ]
    assert {j.size.time_limit for j in jobs} == {10.0, 90.0}
    assert {j.size.time_limit for j in plan(["M"], 0, time_limit=4)} == {4.0}
    assert [j.solver for j in plan(["S"], 0, sweep=False)] == ["greedy", "offduty", "mip"]


def test_gaps_use_the_best_proven_bound_and_ratios_the_same_run() -> None:
    rows = summarize(
        [
            outcome("greedy", 40.0, 100.0, 30.0),
            outcome("offduty", 50.0, 50.0, 24.0, workers=2),
            outcome("mip", 45.0, 55.0, 20.0),
        ]
    )
    greedy, offduty, mip = rows
    assert greedy.coverage_bound is None  # greedy proves nothing
    assert [r.gap_pct for r in rows] == [20.0, 0.0, 10.0]
    assert offduty.coverage_vs_greedy == 1.25
    assert offduty.coverage_vs_mip == 1.1111
    assert offduty.max_total_vs_greedy == 0.8
    assert mip.max_total_vs_mip == 1.0


def test_a_failed_run_gets_a_row_without_figures() -> None:
    failed = Outcome("S", "mip", 1, "timeout", {}, None, 0.0, 0.0, [], ["no result after 1 s"])
    (row,) = summarize([failed])
    assert (row.status, row.coverage, row.gap_pct, row.final_s) == ("timeout", None, None, None)


def test_a_run_past_its_hard_timeout_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench, "hard_timeout", lambda job: 0.01)
    result = run_isolated(plan(["S"], 0)[0])
    assert result.status == "timeout"
    assert result.metrics == {}


def test_an_invalid_roster_stops_the_benchmark(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = outcome("offduty", 1.0, 1.0, 1.0)
    bad.violations = ["OVERLAP: K-1 holds two shifts at once"]
    monkeypatch.setattr(bench, "measure", lambda job: bad)
    with pytest.raises(InvalidRoster, match="OVERLAP: K-1"):
        run_bench(plan(["S"], 0)[:1], isolate=False)


@pytest.mark.slow
def test_a_small_benchmark_run_validates_every_roster(tmp_path: Path) -> None:
    jobs = plan(["S"], seed=0, time_limit=5, sweep=False)
    rows = run_bench(jobs)  # raises InvalidRoster if the validator rejects any roster
    by_solver = {r.solver: r for r in rows}
    greedy, offduty, mip = by_solver["greedy"], by_solver["offduty"], by_solver["mip"]
    for row in rows:
        assert row.status in ("optimal", "feasible")
        assert row.gap_pct is not None and row.gap_pct >= 0
        assert row.peak_rss_mb is not None and row.peak_rss_mb > 0
    assert offduty.coverage is not None and greedy.coverage is not None
    assert offduty.coverage >= greedy.coverage
    assert offduty.improvable_pairs == 0
    assert greedy.pairs == mip.pairs == offduty.pairs  # both solvers see the same pairs
    assert offduty.coverage_bound is not None and offduty.coverage_bound >= offduty.coverage
    assert mip.coverage is not None and mip.coverage <= offduty.coverage_bound + 1e-6
    write_csv(rows, tmp_path / "results.csv")
    text = results_markdown(rows, header(jobs, 0, "offduty bench --sizes S", 1.0))
    assert (tmp_path / "results.csv").read_text().splitlines()[0].split(",") == Row.columns()
    assert "| S | offduty | 2 |" in text and "| S | mip | 1 |" in text


def test_runs_past_the_benchmark_budget_are_skipped() -> None:
    rows = run_bench(plan(["S"], 0)[:2], budget_s=0.5)
    assert [(r.solver, r.status, r.coverage) for r in rows] == [
        ("greedy", "skipped", None),
        ("offduty", "skipped", None),
    ]
