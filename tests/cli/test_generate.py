"""`offduty generate`: JSON that loads as a Problem, to stdout or a file; bad arguments exit 2."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cli.main import main
from models import Problem
from scenarios.generator import generate, problem_json

ARGS = ["generate", "--officers", "4", "--requests", "6", "--days", "3", "--seed", "8"]


def test_prints_the_generated_problem(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ARGS, "--agency", "rockport-tx", "--start", "2027-02-01"]) == 0
    printed = capsys.readouterr().out
    problem = Problem.model_validate_json(printed)
    assert (problem.agency, len(problem.officers), len(problem.requests)) == ("rockport-tx", 4, 6)
    assert printed == problem_json(generate(4, 6, 3, 8, "rockport-tx", date(2027, 2, 1)))


def test_writes_the_file_given_by_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "week.json"
    assert main([*ARGS, "--out", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert out.read_text(encoding="utf-8") == problem_json(generate(4, 6, 3, 8))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--officers", "0"], "offduty: officers: must be between 1 and 100000, got 0\n"),
        (["--days", "x"], "offduty: argument --days: invalid int value: 'x'\n"),
        (["--start", "2027-02-30"],
         "offduty: argument --start: not a date (YYYY-MM-DD): '2027-02-30'\n"),
        (["--agency", "atlantis"],
         "offduty: agency: unknown agency 'atlantis' (known: kennesaw-ga, rockport-tx)\n"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = main([*ARGS, *extra])
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    assert code == 2
    assert capsys.readouterr().err == message


def test_an_unwritable_out_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ARGS, "--out", str(tmp_path / "missing" / "week.json")]) == 2
    assert capsys.readouterr().err.startswith("offduty: --out: cannot write ")
