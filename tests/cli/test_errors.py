"""Every probe of issue #12 on the CLI: one line on stderr naming the field or file, exit 2 for a
user mistake, exit 1 for an environment failure, never a traceback; and the last-resort report of
a bug."""

from __future__ import annotations

import argparse
import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from cli import errors, solve
from tests.cli.clirun import TINY_PROBLEM, run_cli, write_problem

QUOTE = ["quote", "--agency", "rockport-tx", "--start", "2026-12-24T20:00:00-06:00",
         "--end", "2026-12-25T02:00:00-06:00", "--received", "2026-12-01T09:00:00-06:00"]


def _one_line(code: int, err: str, status: int) -> str:
    assert code == status
    assert "Traceback" not in err and err.count("\n") == 1
    return err


def _problem_with(tmp_path: Path, raw: str, where: tuple[str, int, str]) -> Path:
    """The tiny problem with one value replaced by raw JSON text (`Infinity`, `1e999`, ...)."""
    problem: dict[str, Any] = copy.deepcopy(TINY_PROBLEM)
    kind, index, name = where
    problem[kind][index][name] = "@@"
    path = tmp_path / "p.json"
    path.write_text(json.dumps(problem).replace('"@@"', raw), encoding="utf-8")
    return path


@pytest.mark.parametrize(("raw", "message"), [
    ("Infinity", "Input should be a finite number"),
    ("1e999", "Input should be a finite number"),
    ("1e308", "1e+308 is too large (at most 1,000,000)"),
])
def test_a_problem_cap_that_is_not_finite_or_huge_is_refused(
    tmp_path: Path, raw: str, message: str
) -> None:
    path = _problem_with(tmp_path, raw, ("officers", 0, "max_hours_per_week"))
    code, _, err = run_cli("solve", str(path), "--time-limit", "1")
    # The models may refuse the value first, with their own wording; the field is named either way.
    assert _one_line(code, err, 2).startswith(
        f"offduty: {path}: officers[0] (K-1).max_hours_per_week: ")
    if "greater" not in err and "less" not in err:
        assert err == f"offduty: {path}: officers[0] (K-1).max_hours_per_week: {message}\n"


@pytest.mark.parametrize("year", ["9999", "0001"])
def test_a_problem_time_in_a_far_year_is_refused(tmp_path: Path, year: str) -> None:
    path = write_problem(tmp_path / "p.json")
    path.write_text(path.read_text(encoding="utf-8").replace("2026-", f"{year}-"),
                    encoding="utf-8")
    when = f"{year}-12-01T06:00:00-05:00"  # the first time in the file: K-1's availability
    code, _, err = run_cli("solve", str(path), "--time-limit", "1")
    assert _one_line(code, err, 2) == (
        f"offduty: {path}: officers[0] (K-1).availability[0].start: {when} is outside the "
        "supported years "
        "1971-2199\n")


@pytest.mark.parametrize(("value", "shown"), [
    ("0", "'0'"), ("-1", "'-1'"), ("nan", "'nan'"), ("inf", "'inf'"), ("1e999", "'1e999'"),
    ("3601", "'3601'"),
])
def test_solve_time_limit_out_of_range(tmp_path: Path, value: str, shown: str) -> None:
    code, _, err = run_cli("solve", str(write_problem(tmp_path / "p.json")), "--time-limit", value)
    assert _one_line(code, err, 2) == (
        f"offduty: argument --time-limit: {shown} is not a finite number in (0, 3600]\n")


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "1e999"])
def test_nightly_time_limit_out_of_range(tmp_path: Path, value: str) -> None:
    code, _, err = run_cli("nightly", "--db", str(tmp_path / "s.db"), "--time-limit", value)
    assert _one_line(code, err, 2) == (
        f"offduty: argument --time-limit: '{value}' is not a finite number in (0, 3600]\n")
    assert not (tmp_path / "s.db").exists()  # refused before the store is opened


def test_nightly_horizon_too_large_is_refused_at_the_parser(tmp_path: Path) -> None:
    code, _, err = run_cli("nightly", "--db", str(tmp_path / "s.db"), "--horizon", "99999999999")
    assert _one_line(code, err, 2) == (
        "offduty: argument --horizon: 99999999999 is not between 1 and 366\n")


def test_nightly_now_in_a_far_year(tmp_path: Path) -> None:
    code, _, err = run_cli("nightly", "--db", str(tmp_path / "s.db"),
                           "--now", "0001-01-01T00:00:00+05:00")
    assert _one_line(code, err, 2) == (
        "offduty: --now: 0001-01-01T00:00:00+05:00 is outside the supported years 1971-2199\n")


@pytest.mark.parametrize(("miles", "message"), [
    ("inf", "argument --miles: 'inf' is not a finite number"),
    ("Infinity", "argument --miles: 'Infinity' is not a finite number"),
    ("nan", "argument --miles: 'nan' is not a finite number"),
    ("1e308", "vehicle.miles: Input should be less than or equal to 100000"),
])
def test_quote_miles_that_are_not_finite_or_huge(miles: str, message: str) -> None:
    code, _, err = run_cli(*QUOTE, "--vehicle", "moving", "--miles", miles)
    assert _one_line(code, err, 2) == f"offduty: {message}\n"


def test_quote_in_year_9999() -> None:
    code, _, err = run_cli("quote", "--agency", "rockport-tx",
                           "--start", "9999-12-31T20:00-06:00", "--end", "9999-12-31T23:00-06:00",
                           "--received", "2026-12-01T09:00-06:00")
    assert _one_line(code, err, 2) == (
        "offduty: start: 9999-12-31T20:00:00-06:00 is outside the supported years 1971-2199\n")


def test_a_problem_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(b'{"agency": "kennesaw-ga", "x": "\xff"}')
    code, _, err = run_cli("solve", str(path))
    # {"agency": "kennesaw-ga", "x": " is 32 bytes, so 0xff is at offset 32
    assert _one_line(code, err, 2) == f"offduty: {path}: not UTF-8 text (byte 0xff at offset 32)\n"


def test_json_or_yaml_nested_too_deeply_is_one_line_naming_the_file(tmp_path: Path) -> None:
    # Python's parsers stop near a thousand levels with a RecursionError: an internal error.
    deep = "[" * 5000 + "]" * 5000
    problem = tmp_path / "p.json"
    problem.write_text('{"agency": "rockport-tx", "requests": ' + deep + "}", encoding="utf-8")
    for command in (("solve", str(problem)), ("validate", str(problem), str(problem))):
        code, _, err = run_cli(*command)
        assert "nested too deeply to read" in _one_line(code, err, 2)
    scenario = tmp_path / "s.yaml"
    scenario.write_text("baseline: " + deep + "\n", encoding="utf-8")
    code, _, err = run_cli("scenario", "run", str(scenario))
    assert _one_line(code, err, 2) == (
        f"offduty: {scenario}: not valid YAML: nested too deeply to read\n")
    code, _, err = run_cli("policy", "--agency", "rockport-tx", '{"a": ' + deep + "}",
                           "--db", str(tmp_path / "x.db"))
    assert _one_line(code, err, 2) == (
        "offduty: changes: not a JSON object: nested too deeply to read\n")


def test_solve_out_in_a_missing_folder_is_refused_before_solving(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "r.json"
    code, stdout, err = run_cli("solve", str(write_problem(tmp_path / "p.json")), "--out", str(out))
    assert _one_line(code, err, 2) == (
        f"offduty: --out: cannot write {out}: folder {out.parent} does not exist\n")
    assert stdout == ""


def test_export_out_under_a_file_names_the_option(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    out = tmp_path / "plain" / "exports"
    db = str(tmp_path / "s.db")
    assert run_cli("policy", "--agency", "rockport-tx", "{}", "--db", db)[0] == 0  # the store
    code, _, err = run_cli("export", "roster", "--out", str(out), "--db", db)
    assert _one_line(code, err, 2) == f"offduty: --out {out}: Not a directory\n"


@pytest.mark.parametrize("content", [b"just some text\n", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"])
def test_a_db_that_is_not_sqlite_is_an_environment_failure(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "store.db"
    db.write_bytes(content)
    code, _, err = run_cli("runs", "--db", str(db))
    assert _one_line(code, err, 1) == (
        f"offduty: --db {db}: not a SQLite database (file is not a database)\n")
    assert db.read_bytes() == content  # nothing written


def test_a_db_path_under_a_file(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    db = tmp_path / "plain" / "sub" / "s.db"
    code, _, err = run_cli("policy", "--agency", "rockport-tx", "{}", "--db", str(db))
    assert _one_line(code, err, 2) == f"offduty: --db {db}: Not a directory\n"


@pytest.mark.parametrize("command", [
    ("roster", "show"), ("export", "roster", "--out", "out"), ("runs",), ("audit", "verify"),
    ("report", "hours", "--from", "2026-12-01", "--to", "2026-12-07"),
])
def test_a_read_command_on_a_missing_store_creates_nothing(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    # A mistyped path made a folder and an empty store, and answered "no assignments match".
    db = tmp_path / "typo" / "x.db"
    code, _, err = run_cli(*command, "--db", str(db))
    assert _one_line(code, err, 2) == (
        f"offduty: --db: no store at {db} (import data or run offduty demo first)\n")
    assert not db.parent.exists()


@pytest.mark.parametrize("command", [
    ("roster", "show"), ("export", "roster", "--out", "out"), ("runs",), ("audit", "verify"),
    ("report", "hours", "--from", "2026-12-01", "--to", "2026-12-07"),
])
def test_a_read_command_naming_an_agency_the_store_lacks_exits_2(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    # A mistyped --agency answered "no assignments match" (or verified nothing) and exited 0.
    db = str(tmp_path / "s.db")
    assert run_cli("policy", "--agency", "rockport-tx", "{}", "--db", db)[0] == 0
    code, _, err = run_cli(*command, "--db", db, "--agency", "rockport")
    assert _one_line(code, err, 2) == (
        "offduty: --agency: no agency 'rockport' in the store (has: rockport-tx)\n")
    assert run_cli(*command, "--db", db, "--agency", "rockport-tx")[0] == 0


def test_a_missing_db_folder_is_created_by_a_command_that_writes(tmp_path: Path) -> None:
    db = tmp_path / "new" / "s.db"
    assert run_cli("policy", "--agency", "rockport-tx", "{}", "--db", str(db)) == (
        0, "rockport-tx: policy overrides {}\n", "")
    assert run_cli("runs", "--db", str(db)) == (0, "no nightly run recorded\n", "")


def test_an_unreachable_postgres_names_the_database_without_its_password() -> None:
    code, _, err = run_cli("runs", "--db", "postgresql://u:secret@127.0.0.1:1/x")
    assert _one_line(code, err, 1).startswith(
        "offduty: --db postgresql://u:***@127.0.0.1:1/x: cannot use the database: "
        "connection failed: ")
    assert "secret" not in err


def test_an_unreachable_database_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OFFDUTY_DATABASE_URL", "postgresql://u:secret@127.0.0.1:1/x")
    code, _, err = run_cli("runs")
    assert _one_line(code, err, 1).startswith(
        "offduty: database postgresql+psycopg://u:***@127.0.0.1:1/x: cannot use the database: ")


def test_a_db_url_of_an_unknown_kind() -> None:
    code, _, err = run_cli("runs", "--db", "foo://bar")
    assert _one_line(code, err, 2) == (
        "offduty: --db foo://bar: not a database path or URL "
        "(Can't load plugin: sqlalchemy.dialects:foo)\n")


def test_a_bug_is_reported_as_internal_with_the_traceback_in_a_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(_args: argparse.Namespace) -> int:
        raise KeyError("boom")

    monkeypatch.setattr(solve, "run_solve", broken)
    monkeypatch.setattr(errors.tempfile, "tempdir", str(tmp_path))
    code, _, err = run_cli("solve", "p.json")
    (log,) = tmp_path.glob("offduty-error-*.log")
    assert _one_line(code, err, 1) == (
        f"offduty: internal error (KeyError: 'boom'); details in {log}\n")
    assert "Traceback" in log.read_text(encoding="utf-8")
    assert "raise KeyError" in log.read_text(encoding="utf-8")


@pytest.mark.postgres
def test_a_postgres_schema_that_does_not_exist_is_an_environment_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = os.environ.get("OFFDUTY_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("OFFDUTY_TEST_POSTGRES_URL is not set")
    monkeypatch.setattr(errors.tempfile, "tempdir", str(tmp_path))
    url = f"{base}?options=-csearch_path%3Dno_such_schema_here"
    code, _, err = run_cli("runs", "--db", url)
    assert _one_line(code, err, 1).endswith(
        "?options=-csearch_path%3Dno_such_schema_here: cannot open the store: "
        "no schema has been selected to create in\n")
    assert list(tmp_path.iterdir()) == []  # not reported (nor logged) as a bug


@pytest.mark.parametrize(("name", "value", "message"), [
    ("OFFDUTY_TIME_LIMIT_S", "nan",
     "OFFDUTY_TIME_LIMIT_S='nan': Input should be less than or equal to 3600"),
    ("OFFDUTY_FAIRNESS_WINDOW_DAYS", "abc",
     "OFFDUTY_FAIRNESS_WINDOW_DAYS='abc': Input should be a valid integer, unable to parse "
     "string as an integer"),
])
def test_a_bad_environment_setting_is_one_line(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    code, out, err = run_cli("runs")
    assert (code, out, err) == (2, "", f"offduty: environment setting {message}\n")
