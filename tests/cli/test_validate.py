"""`offduty validate`: exit 0 for a valid roster, 1 for violations, 2 for a bad file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.main import main
from tests.scheduler.rosters import at, officer, problem, request, result, shift


@pytest.fixture
def problem_file(tmp_path: Path) -> Path:
    prob = problem([officer("K-1"), officer("K-2")], [request("R-1", at(1, 12), at(1, 16))])
    path = tmp_path / "problem.json"
    # Unset policy overrides dump as null, which a problem file may not contain.
    path.write_text(prob.model_dump_json(exclude_none=True), encoding="utf-8")
    return path


def write_result(tmp_path: Path, officers: list[str]) -> Path:
    roster = result([shift("R-1", oid, at(1, 12), at(1, 16)) for oid in officers])
    path = tmp_path / "result.json"
    path.write_text(roster.model_dump_json(), encoding="utf-8")
    return path


def test_valid_roster_exits_0(
    problem_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(problem_file), str(write_result(tmp_path, ["K-1"]))]) == 0
    out = capsys.readouterr().out
    assert out.startswith("valid\nmetrics (recomputed):\n")
    assert "  positions_filled: 1.0\n" in out
    assert "  hours_filled: 4.0\n" in out


def test_violations_exit_1_and_json_lists_them(
    problem_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result_file = write_result(tmp_path, ["K-1", "K-2"])
    assert main(["validate", str(problem_file), str(result_file)]) == 1
    assert "  OVERSTAFFED [R-1] R-1 has 2 officers on" in capsys.readouterr().out
    assert main(["validate", str(problem_file), str(result_file), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert [v["code"] for v in report["violations"]] == ["OVERSTAFFED"]
    assert report["metrics"]["positions_filled"] == 2.0


def test_unreadable_or_invalid_files_exit_2_with_one_line(
    problem_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.json"
    assert main(["validate", str(problem_file), str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("offduty: ") and "cannot read" in err and err.count("\n") == 1
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert main(["validate", str(broken), str(write_result(tmp_path, ["K-1"]))]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"status": "optimal"}), encoding="utf-8")
    assert main(["validate", str(problem_file), str(wrong)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"offduty: {wrong}: metrics") and err.count("\n") == 1
