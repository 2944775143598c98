"""The family suite's harness: plan, comparison columns, stored references and stale ones.

The comparison is checked by hand on a two-problem fake (canned outcomes); the harness itself
runs for real on a tiny family (8 officers, 12 requests, 2 days, 1 s), so every roster still
goes through the validator inside `measure`.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import benchmarks.families as families
from benchmarks.families import Family
from benchmarks.refs import (
    StaleReference,
    compute_references,
    load_reference,
    read_reference,
    ref_path,
)
from benchmarks.runners import Job, Outcome, Size
from benchmarks.suite import (
    cliff_rows,
    compare,
    load_references,
    plan_suite,
    run_jobs,
    share_pct,
    worst_per_family,
)
from benchmarks.suite_tables import suite_markdown
from cli.main import main

TINY = Size("S", officers=8, requests=12, days=2, time_limit=1.0)
TINY_FAMILY = Family(
    "tiny",
    "rockport-tx",
    date(2026, 3, 7),
    ("rockport", "dst-spring"),
    {"long_share": 0.3},
    {"S": (0, 1)},
)


def _outcome(
    family: str,
    seed: int,
    solver: str,
    coverage: float,
    limit: float = 10.0,
    phases: dict[str, float] | None = None,
) -> Outcome:
    metrics = {"coverage": coverage, "coverage_upper_bound": 50.0, "max_total_hours": 30.0}
    return Outcome(
        "S",
        solver,
        1,
        "feasible",
        metrics,
        0.1,
        10.4,
        120.0,
        family=family,
        seed=seed,
        time_limit=limit,
        phases=phases or {},
    )


def test_plan_runs_greedy_offduty_and_highs_per_problem_then_the_cliff_at_s() -> None:
    jobs = plan_suite(["S"], table={"tiny": TINY_FAMILY}, shapes={"S": TINY})
    assert [(j.solver, j.seed, j.size.time_limit) for j in jobs] == [
        ("greedy", 0, 1.0),
        ("offduty", 0, 1.0),
        ("mip", 0, 1.0),
        ("greedy", 1, 1.0),
        ("offduty", 1, 1.0),
        ("mip", 1, 1.0),
        ("offduty", 0, 1.0),
        ("offduty", 0, 2.0),
        ("offduty", 0, 5.0),
    ]
    assert {j.family for j in jobs} == {"tiny"}


def test_the_cliff_runs_come_after_every_size() -> None:
    jobs = plan_suite(["S", "L"], families=["kennesaw-dst-autumn-tight"])
    assert [(j.size.name, j.solver, j.size.time_limit) for j in jobs[-5:]] == [
        ("L", "greedy", 90.0),
        ("L", "offduty", 90.0),
        ("S", "offduty", 1.0),
        ("S", "offduty", 2.0),
        ("S", "offduty", 5.0),
    ]


def test_plan_at_m_takes_highs_from_the_references_and_l_is_one_problem() -> None:
    jobs = plan_suite(["M", "L"])
    assert [j.solver for j in jobs].count("mip") == 0
    assert len(jobs) == 4 * 2 * 2 + 2  # four families x two seeds x (greedy, offduty); L
    assert [(j.family, j.size.name) for j in jobs[-2:]] == [
        ("kennesaw-dst-autumn-tight", "L"),
        ("kennesaw-dst-autumn-tight", "L"),
    ]


def _two_problem_refs(tmp_path: Path) -> dict[Any, Any]:
    """References for both fake problems, the second without a same-limit roster."""
    from benchmarks.refs import Reference

    def ref(seed: int, same: dict[str, Any]) -> Reference:
        best = {"status": "optimal", "coverage": 40.0, "max_total_hours": 28.0}
        return Reference(
            "kennesaw-thanksgiving-contract",
            "S",
            seed,
            {},
            "",
            {"reference": best, "same_limit": same},
        )

    return {
        ("kennesaw-thanksgiving-contract", "S", 0): ref(
            0, {"status": "feasible", "coverage": 36.0}
        ),
        ("kennesaw-thanksgiving-contract", "S", 1): ref(1, {"status": "timeout"}),
    }


def test_comparison_columns_on_a_two_problem_fake(tmp_path: Path) -> None:
    family = "kennesaw-thanksgiving-contract"
    phases = {
        "prepare": 0.4, "screening": 1.2, "model": 0.88, "search": 7.0, "resplit": 0.52,
        "report": 0.2,
    }
    outcomes = [
        _outcome(family, 0, "greedy", 30.0),
        _outcome(family, 0, "offduty", 38.0, phases=phases),
        _outcome(family, 0, "mip", 35.0),
        _outcome(family, 1, "greedy", 32.0),
        _outcome(family, 1, "offduty", 36.0),
        _outcome(family, 0, "offduty", 33.0, limit=1.0),  # a cliff run: not a main row
    ]
    rows = compare(outcomes, _two_problem_refs(tmp_path))
    assert [(r.seed, r.coverage) for r in rows] == [(0, 38.0), (1, 36.0)]
    first, second = rows
    # 38 / 30 = 1.26667, 38 / 35 = 1.08571, 38 / 40 = 0.95; gap (50 - 38) / 50 = 24 %
    assert (first.vs_greedy, first.vs_highs, first.vs_reference) == (1.2667, 1.0857, 0.95)
    assert (first.highs, first.highs_from, first.gap_pct) == (35.0, "run", 24.0)
    # phases over the 10 s limit (not the 10.4 s wall): search 7.0 -> 70.0 %, screening + model
    # 2.08 -> 20.8 %, resplit 0.52 -> 5.2 %
    assert (first.search_pct, first.screen_model_pct, first.resplit_pct) == (70.0, 20.8, 5.2)
    # No HiGHS run at seed 1 and its stored same-limit run has no roster: no HiGHS figure.
    assert (second.highs, second.highs_from, second.vs_highs) == (None, "", None)
    assert (second.vs_greedy, second.vs_reference) == (1.125, 0.9)
    assert second.search_pct is None and second.screen_model_pct is None
    assert second.resplit_pct is None
    assert worst_per_family(rows) == [second]  # 0.9 of the reference is the worst member
    cliff = cliff_rows(outcomes, _two_problem_refs(tmp_path))
    assert [(r.limit_s, r.vs_reference) for r in cliff] == [(1.0, 0.825), (10.0, 0.95)]
    text = suite_markdown(rows, cliff, worst_per_family(rows), "header")
    assert (
        "| kennesaw-thanksgiving-contract | kennesaw-ga | 0 | feasible | 38 | 30 | 35 | 40 |"
        in text
    )
    assert "| 1.267 | 1.086 | 0.95 | 30 | 28 | 24 | 70 | 20.8 | 5.2 | 10.4 / 10 | 120 |" in text


def test_highs_same_limit_comes_from_the_references_when_not_rerun(tmp_path: Path) -> None:
    family = "kennesaw-thanksgiving-contract"
    outcomes = [_outcome(family, 0, "greedy", 30.0), _outcome(family, 0, "offduty", 38.0)]
    (row,) = compare(outcomes, _two_problem_refs(tmp_path))
    assert (row.highs, row.highs_from, row.vs_highs) == (36.0, "refs", 1.0556)
    assert "| 36* |" in suite_markdown([row], [], [], "header")


def test_share_of_phases_is_blank_without_phases() -> None:
    assert share_pct({}, ("search",), 10.0) is None
    assert share_pct({"search": 2.5}, ("search",), 10.0) == 25.0


@pytest.fixture
def tiny(monkeypatch: pytest.MonkeyPatch) -> Family:
    monkeypatch.setitem(families.FAMILIES, "tiny", TINY_FAMILY)
    return TINY_FAMILY


def test_harness_runs_the_tiny_family_and_writes_references(tiny: Family, tmp_path: Path) -> None:
    jobs = [j for j in plan_suite(["S"], table={"tiny": tiny}, shapes={"S": TINY}) if j.seed == 0]
    outcomes = run_jobs(jobs[:3], isolate=False)  # greedy, offduty, HiGHS; each validated inside
    assert [o.status in ("optimal", "feasible") for o in outcomes] == [True, True, True]
    written = compute_references(
        tmp_path, [(tiny, TINY, 0)], lambda job: run_jobs([job], isolate=False)[0], note="test"
    )
    assert written == [ref_path(tmp_path, "tiny", "S", 0)]
    ref = read_reference(written[0])
    assert ref.generator == {
        "officers": 8,
        "requests": 12,
        "days": 2,
        "seed": 0,
        "agency": "rockport-tx",
        "start": "2026-03-07",
        "long_share": 0.3,
    }
    assert ref.run("reference")["time_limit_s"] == 12.0
    assert ref.run("same_limit")["time_limit_s"] == 1.0
    mip = next(o for o in outcomes if o.solver == "mip")
    # HiGHS proves this tiny problem optimal well inside 1 s: both runs find the same coverage.
    assert ref.run("reference")["coverage"] == ref.run("same_limit")["coverage"]
    assert ref.run("same_limit")["coverage"] == mip.metrics["coverage"]
    assert load_reference(tmp_path, tiny, TINY, 0) == ref  # read back, inputs unchanged
    refs, notes = load_references(tmp_path, [("tiny", "S", 0)], {"tiny": tiny}, {"S": TINY})
    assert list(refs) == [("tiny", "S", 0)] and notes == []


def test_a_changed_problem_hash_or_changed_arguments_is_detected(
    tiny: Family, tmp_path: Path
) -> None:
    path = ref_path(tmp_path, "tiny", "S", 0)
    fake = Outcome("S", "mip", 1, "optimal", {"coverage": 5.0}, 0.1, 0.5, 90.0, time_limit=1.0)
    assert compute_references(tmp_path, [(tiny, TINY, 0)], lambda job: fake) == [path]
    data = json.loads(path.read_text())
    data["problem_sha256"] = "0" * 64  # what a changed generator looks like
    path.write_text(json.dumps(data))
    with pytest.raises(StaleReference, match="the generator now makes another problem"):
        load_reference(tmp_path, tiny, TINY, 0)
    refs, notes = load_references(tmp_path, [("tiny", "S", 0)], {"tiny": tiny}, {"S": TINY})
    assert refs == {} and len(notes) == 1 and "rerun make bench-refs" in notes[0]
    other = Family("tiny", "rockport-tx", date(2026, 3, 7), (), {"long_share": 0.4}, {"S": (0,)})
    with pytest.raises(StaleReference, match="stored generator arguments differ"):
        load_reference(tmp_path, other, TINY, 0)


def test_a_failed_highs_reference_run_writes_no_reference(tiny: Family, tmp_path: Path) -> None:
    dead = Outcome("S", "mip", 1, "timeout", {}, None, 0.0, 0.0)
    assert compute_references(tmp_path, [(tiny, TINY, 0)], lambda job: dead) == []
    assert not ref_path(tmp_path, "tiny", "S", 0).exists()


def test_a_failed_same_limit_run_keeps_the_reference(tiny: Family, tmp_path: Path) -> None:
    def run(job: Job) -> Outcome:
        if job.size.time_limit == 12.0:
            return Outcome(
                "S", "mip", 1, "optimal", {"coverage": 5.0}, 0.1, 3.0, 90.0, time_limit=12.0
            )
        return Outcome("S", "mip", 1, "timeout", {}, None, 0.0, 0.0, time_limit=1.0)

    (path,) = compute_references(tmp_path, [(tiny, TINY, 0)], run)
    ref = read_reference(path)
    assert (ref.run("reference")["coverage"], ref.run("same_limit")["status"]) == (5.0, "timeout")


def test_bench_suite_writes_results_and_names_missing_references(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cli.bench_suite

    family = "kennesaw-thanksgiving-contract"

    def canned(jobs: list[Job], **_: Any) -> list[Outcome]:
        return [_outcome(j.family, j.seed, j.solver, 30.0, j.size.time_limit) for j in jobs]

    monkeypatch.setattr(cli.bench_suite, "run_jobs", canned)
    args = [
        "bench-suite",
        "--sizes",
        "S",
        "--families",
        family,
        "--out",
        str(tmp_path),
        "--refs-dir",
        str(tmp_path / "none"),
    ]
    assert main(args) == 0
    text = (tmp_path / "RESULTS.md").read_text()
    assert "## Size S (10 s)" in text and "## No cliff" in text
    assert f"no stored HiGHS reference for: {family} S seed 0, {family} S seed 1" in text
    assert len((tmp_path / "suite.csv").read_text().splitlines()) == 3


def test_bench_suite_refuses_an_unknown_family(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["bench-suite", "--families", "atlantis"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown family atlantis" in err


def test_rerender_rewrites_results_from_the_saved_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cli.bench_suite

    family = "kennesaw-thanksgiving-contract"

    def canned(jobs: list[Job], **_: Any) -> list[Outcome]:
        return [_outcome(j.family, j.seed, j.solver, 30.0, j.size.time_limit) for j in jobs]

    monkeypatch.setattr(cli.bench_suite, "run_jobs", canned)
    common = ["--sizes", "S", "--families", family, "--out", str(tmp_path)]
    assert main(["bench-suite", *common, "--refs-dir", str(tmp_path / "none")]) == 0
    assert "no stored HiGHS reference" in (tmp_path / "RESULTS.md").read_text()

    def refuse(jobs: list[Job], **_: Any) -> list[Outcome]:
        raise AssertionError("a rerender runs nothing")

    monkeypatch.setattr(cli.bench_suite, "run_jobs", refuse)
    monkeypatch.setattr(
        cli.bench_suite, "load_references", lambda folder, keys: (_two_problem_refs(tmp_path), [])
    )
    assert main(["bench-suite", *common, "--rerender"]) == 0
    text = (tmp_path / "RESULTS.md").read_text()
    assert "no stored HiGHS reference" not in text
    assert "| 30 | 30 | 30 | 40 | 1 | 1 | 0.75 |" in text  # 30 / 40 against the reference


def test_rerender_without_saved_runs_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bench-suite", "--out", str(tmp_path), "--rerender"]) == 2
    assert capsys.readouterr().err.startswith("offduty: --rerender: no saved runs in ")
