"""`offduty solve` for a person: the figures, the roster by request and by officer, what stayed
unfilled, and how to get the JSON; `--json` and `--out` still give the roster result."""

from __future__ import annotations

import json
from pathlib import Path

from models.problem import Problem
from models.result import RosterResult
from scheduler.problem_io import load_problem
from scheduler.roster_text import JSON_HINT
from scheduler.validate.validator import validate
from tests.cli.clirun import run_cli

SMALL = Path(__file__).resolve().parents[2] / "scenarios" / "examples" / "small.json"


def test_solve_prints_the_roster_and_writes_the_same_result_as_json(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    code, stdout, err = run_cli("solve", str(SMALL), "--deterministic", "--workers", "1",
                                "--time-limit", "5", "--out", str(out))
    assert (code, err) == (0, "")
    result = RosterResult.model_validate_json(out.read_text(encoding="utf-8"))
    problem: Problem = load_problem(str(SMALL))
    assert validate(problem, result).ok
    lines = stdout.splitlines()
    # Five whole positions, and 10 h of REQ-00003's 14 h festival day: 5 + 10/14.
    assert lines[1] == "positions     5.7143 of 7 filled (1 request(s) refused)"
    assert lines[2] == (
        "              (a split position counts the share of its hours that is covered)")
    for heading in ("BY REQUEST", "BY OFFICER", "UNFILLED", "REFUSED"):
        assert heading in lines
    assert ("REQ-00005  Harbor Tap House       Fri 11 Dec 21:00-23:30   refused: ALCOHOL_INSIDE"
            in lines)
    assert ("REQ-00003  Harbor Lights Festival Sat 12 Dec 08:00-22:00   needs 1, filled 0.71, "
            "0.29 open") in lines
    assert lines[-1] == JSON_HINT
    assert max(len(line) for line in lines) <= 100


def test_solve_json_is_the_roster_result() -> None:
    code, stdout, _ = run_cli("solve", str(SMALL), "--deterministic", "--workers", "1",
                              "--time-limit", "5", "--json")
    assert code == 0
    assert json.loads(stdout)["status"] == "optimal"
