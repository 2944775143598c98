"""One benchmark run's parts: the greedy-only roster, the stage summary, peak memory."""

from __future__ import annotations

from benchmarks.runners import Job, Size, instance, measure, peak_rss_mb, stage_summary
from models.result import StageStats


def stage(name: str, status: str, wall: float) -> StageStats:
    return StageStats(name=name, status=status, objective=None, bound=None, wall_s=wall)


def test_repeated_window_solves_are_counted_in_one_entry() -> None:
    stages = [
        stage("coverage-window", "optimal", 0.5),
        stage("coverage-window", "feasible", 2.0),
        stage("coverage-window", "feasible", 2.0),
        stage("fairness", "optimal", 1.25),
    ]
    assert stage_summary(stages) == [
        "coverage-window x3 (2 feasible, 1 optimal) 4.5s",
        "fairness optimal 1.2s",
    ]


def test_a_greedy_run_is_validated_and_measured() -> None:
    job = Job(Size("T", officers=8, requests=12, days=2, time_limit=2), "greedy", seed=1)
    assert instance(job).options.time_limit_s == 2
    out = measure(job)
    assert (out.size, out.solver, out.workers, out.status) == ("T", "greedy", 1, "feasible")
    assert out.violations == []
    assert out.first_s is not None  # greedy's roster is its first and its last
    assert out.metrics["coverage_upper_bound"] >= out.metrics["coverage"]
    assert 0 < out.peak_rss_mb <= peak_rss_mb()  # measured in this very process
