"""`offduty agencies [validate FILE]`, and `--agency` as an id or a file on the commands.

The third city (tests/data/agencies/pine-hollow-or.yaml) sits in a temporary folder named by
`OFFDUTY_AGENCIES_DIR` (set with monkeypatch), or is given to `--agency` as a file.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from models import Problem, RosterResult
from scheduler.agencies import AGENCIES_DIR_ENV
from scheduler.validate import validate
from tests.cli.clirun import TINY_PROBLEM, run_cli, write_problem

PINE_HOLLOW = Path(__file__).resolve().parents[1] / "data" / "agencies" / "pine-hollow-or.yaml"
OK_LINE = ("ok: pine-hollow-or (Pine Hollow (OR) Police Department), America/Los_Angeles, "
           "regular rate $62.40\n")
# Juneteenth night, 2 officers, a static vehicle, asked 37 h ahead (under the 48 h lead time).
JUNETEENTH = ["--start", "2026-06-19T22:00-07:00", "--end", "2026-06-20T00:30-07:00",
              "--received", "2026-06-18T09:00-07:00", "--officers", "2", "--vehicle", "static"]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "agencies"
    folder.mkdir()
    shutil.copy(PINE_HOLLOW, folder / "pine-hollow-or.yaml")
    monkeypatch.setenv(AGENCIES_DIR_ENV, str(folder))
    return folder


def test_validate_a_good_file() -> None:
    assert run_cli("agencies", "validate", str(PINE_HOLLOW)) == (0, OK_LINE, "")


def test_validate_a_broken_file_names_every_bad_field(tmp_path: Path) -> None:
    path = tmp_path / "city.yaml"
    path.write_text(PINE_HOLLOW.read_text(encoding="utf-8")
                    .replace("time_zone: America/Los_Angeles", "time_zone: America/Portland")
                    .replace('holiday: "80.10"', 'holiday: "eighty"')
                    .replace("  supervisor_at: 3\n", "  supervisor_at: 3\n  nap_minutes: 20\n"),
                    encoding="utf-8")
    assert run_cli("agencies", "validate", str(path)) == (2, "", (
        f"offduty: {path}: time_zone: unknown time zone 'America/Portland'\n"
        f"offduty: {path}: rates.holiday: Input should be a valid decimal\n"
        f"offduty: {path}: policy.nap_minutes: Extra inputs are not permitted\n"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read file: No such file or directory"),
        ("dir", "is a folder, not an agency file"),
        ("rates: {regular: 1\n", "not valid yaml: expected ',' or '}', but got '<stream end>' "
                                 "(line 2, column 1)"),
        ("just words\n", "Input should be a valid dictionary or instance of Agency"),
    ],
)
def test_validate_a_file_it_cannot_use_is_one_line(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "city.yaml"
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    assert run_cli("agencies", "validate", str(path)) == (2, "", f"offduty: {path}: {message}\n")


def test_agencies_lists_the_folder_with_its_source_and_flags_a_broken_file(folder: Path) -> None:
    (folder / "harbor-city-ca.yaml").write_text("id: harbor-city-ca\nname: [\n", encoding="utf-8")
    code, out, err = run_cli("agencies")
    rows = out.splitlines()
    # The good agencies still list; exit status 2 says one cannot be used.
    assert (code, err, len(rows)) == (2, "", 5)
    assert rows[0].split() == ["id", "name", "zone", "regular", "minimum", "source"]
    assert rows[3].split() == ["pine-hollow-or", "Pine", "Hollow", "(OR)", "Police", "Department",
                               "America/Los_Angeles", "62.40", "3", "h",
                               str(folder / "pine-hollow-or.yaml")]
    assert rows[4] == (f"harbor-city-ca  BROKEN  {folder / 'harbor-city-ca.yaml'}: not valid "
                       "yaml: expected the node content, but found '<stream end>' (line 3, "
                       "column 1)")


def test_agencies_with_a_variable_that_names_no_folder_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(AGENCIES_DIR_ENV, str(PINE_HOLLOW))
    assert run_cli("agencies") == (
        2, "", f"offduty: OFFDUTY_AGENCIES_DIR: {PINE_HOLLOW} is not a folder\n")


def test_quote_with_the_agency_file() -> None:
    code, out, err = run_cli("quote", "--agency", str(PINE_HOLLOW), *JUNETEENTH)
    # The regular half hour bills at emergency (71.25): holiday beats emergency, so the holiday
    # hours and the padding (at the start's rate) stay at 80.10. 320.40 + 71.25 + 80.10 + 74.10.
    assert (code, err) == (0, "")
    assert out == (
        "agency pine-hollow-or, 2 officer(s), EMERGENCY (late request)\n"
        "per officer: worked 2.5 h, billable 3 h, on holidays 2 h\n"
        "line                                   quantity      rate      amount\n"
        "holiday                                     4 h     80.10      320.40\n"
        "emergency                                   1 h     71.25       71.25\n"
        "minimum_padding at holiday                  1 h     80.10       80.10\n"
        "vehicle_static                              6 h     12.35       74.10\n"
        "total                                                          545.85 USD\n")


def test_quote_by_id_through_the_folder(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run_cli("quote", "--agency", "pine-hollow-or", *JUNETEENTH, "--json")
    assert (code, json.loads(out)["total"]) == (0, "545.85")
    monkeypatch.delenv(AGENCIES_DIR_ENV)
    assert run_cli("quote", "--agency", "pine-hollow-or", *JUNETEENTH) == (2, "", (
        "offduty: agency: unknown agency 'pine-hollow-or' (known: kennesaw-ga, rockport-tx)\n"))


def test_quote_with_a_missing_file_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "my-city.yaml"
    assert run_cli("quote", "--agency", str(missing), *JUNETEENTH) == (
        2, "", f"offduty: {missing}: cannot read file: No such file or directory\n")


def test_generate_writes_the_file_agency_into_the_problem() -> None:
    code, out, _ = run_cli("generate", "--agency", str(PINE_HOLLOW), "--officers", "3",
                           "--requests", "4", "--days", "2", "--start", "2026-06-18")
    problem = Problem.model_validate_json(out)
    assert code == 0
    assert not isinstance(problem.agency, str)
    assert (problem.agency.id, problem.agency.policy.min_hours) == ("pine-hollow-or", 3)


def test_a_problem_naming_the_folder_agency_is_solved_and_validated(
    folder: Path, tmp_path: Path
) -> None:
    officer = TINY_PROBLEM["officers"][0] | {"availability": [
        {"start": "2026-06-19T06:00:00-07:00", "end": "2026-06-19T22:00:00-07:00"}]}
    request = TINY_PROBLEM["requests"][0] | {
        "start": "2026-06-19T08:00:00-07:00", "end": "2026-06-19T10:00:00-07:00",
        "received_at": "2026-06-01T09:00:00-07:00"}
    data = {"agency": "pine-hollow-or", "officers": [officer], "requests": [request]}
    path = write_problem(tmp_path / "problem.json", data)
    code, out, err = run_cli("solve", str(path), "--json", "--deterministic")
    result = RosterResult.model_validate_json(out)
    assert (code, err) == (0, "")
    assert validate(Problem.model_validate(data), result).violations == []
    # Juneteenth 08:00-10:00: 2 h worked, billed at the 3 h minimum, all at 80.10 = 240.30.
    assert [(a.officer_id, a.start.isoformat()) for a in result.assignments] == [
        ("K-1", "2026-06-19T08:00:00-07:00")]
    assert str(result.pricing.total) == "240.30"
