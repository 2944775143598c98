"""`offduty bench`: arguments, the files it writes, and exit 1 on an invalid roster.

The solvers are replaced by canned outcomes here (tests/benchmarks/test_run.py runs them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import cli.bench
from benchmarks.run import InvalidRoster, Row, summarize
from benchmarks.runners import Job, Outcome
from cli.main import main

METRICS = {
    "positions_requested": 10, "positions_filled": 4.0, "coverage": 12.0,
    "coverage_upper_bound": 12.0, "max_total_hours": 20.0, "max_total_lower_bound": 20.0,
    "improvable_pairs": 0,
}


def canned(jobs: list[Job], **_: Any) -> list[Row]:
    return summarize([
        Outcome(j.size.name, j.solver, j.workers, "optimal", METRICS, 0.1, 1.0, 100.0)
        for j in jobs
    ])


def test_writes_csv_and_markdown_and_records_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli.bench, "run_bench", canned)
    assert main(["bench", "--sizes", "s", "--time-limit", "3", "--out", str(tmp_path)]) == 0
    assert "| S | offduty | 2 | optimal |" in capsys.readouterr().out
    csv_lines = (tmp_path / "results.csv").read_text().splitlines()
    assert len(csv_lines) == 1 + 4  # greedy, offduty, MIP, offduty on one worker
    text = (tmp_path / "RESULTS.md").read_text()
    assert "`offduty bench --sizes S --seed 0 --time-limit 3`" in text
    assert str(tmp_path) not in text


def test_an_invalid_roster_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(jobs: list[Job], **_: Any) -> list[Row]:
        raise InvalidRoster("S offduty (workers 2) broke 1 hard rule(s):\n  OVERLAP: K-1")

    monkeypatch.setattr(cli.bench, "run_bench", broken)
    assert main(["bench", "--sizes", "S", "--out", str(tmp_path)]) == 1
    assert "INVALID ROSTER: S offduty" in capsys.readouterr().err
    assert not (tmp_path / "RESULTS.md").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--sizes", "S,XL"], "offduty: argument --sizes: sizes are a comma-separated list of "
                              "S, M, L: 'S,XL'\n"),
        (["--time-limit", "0"], "offduty: --time-limit: must be a positive number of seconds\n"),
        (["--budget", "-1"], "offduty: --budget: must be a positive number of minutes\n"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = main(["bench", *extra])
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    assert code == 2
    assert capsys.readouterr().err == message
