"""The third city in the store: imported and solved through the agencies folder, or kept whole
from an `--agency FILE` so the nightly finds it by id (store/agencies.py).

Pine Hollow, OR (tests/data/agencies/pine-hollow-or.yaml; Pacific time, minimum 3 h, lead time
48 h, Juneteenth a holiday). Its week (tests/data/pine-hollow/): PH-R1 on Juneteenth 18:00-22:30
for 2 officers; PH-R2, traffic with a static vehicle, 20 June 06:00-08:00, asked the day before.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from models import InputError, Problem, RosterResult
from scheduler.agencies import AGENCIES_DIR_ENV
from scheduler.validate import validate
from store import Store
from store.agencies import keep_agency_file
from store.audit import list_events
from store.importer import import_file
from store.nightly import default_solver, run_nightly
from store.schema import AgencyRow, AssignmentRow
from tests.cli.clirun import run_cli
from tests.store.conftest import Target

DATA = Path(__file__).resolve().parents[1] / "data"
PINE_HOLLOW = DATA / "agencies" / "pine-hollow-or.yaml"
WEEK = DATA / "pine-hollow"
NOW = "2026-06-15T00:00:00-07:00"
# PH-R1: 2 x 4.5 h on Juneteenth at the holiday rate = 9 h x 80.10 = 720.90. PH-R2: asked 21 h
# ahead (lead time 48 h), traffic emergency 77.30: 2 h = 154.60, padding to 3 h = 77.30, static
# vehicle 3 h x 12.35 = 37.05. Total 989.85.
TOTAL = Decimal("989.85")
ROSTER = [("PH-R1", "PH-1"), ("PH-R1", "PH-2"), ("PH-R2", "PH-3")]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "agencies"
    folder.mkdir()
    shutil.copy(PINE_HOLLOW, folder / "pine-hollow-or.yaml")
    monkeypatch.setenv(AGENCIES_DIR_ENV, str(folder))
    return folder


def _import_week(store: Store, agency: str | None = None) -> None:
    for kind in ("officers", "availability", "requests"):
        import_file(store, kind, WEEK / f"{kind}.csv", agency=agency)  # type: ignore[arg-type]


def _validated_nightly(store: Store, **kwargs: Any) -> tuple[Any, RosterResult]:
    """Run the nightly; the roster it solved goes through the validator before it is stored."""
    solved: list[RosterResult] = []

    def checked(problem: Problem) -> RosterResult:
        result = default_solver(problem)
        assert validate(problem, result).violations == []
        solved.append(result)
        return result

    reports = run_nightly(store, now=datetime.fromisoformat(NOW), horizon_days=7,
                          time_limit_s=5, solver=checked, **kwargs)
    return reports[0], solved[0]


def _roster(store: Store) -> list[tuple[str, str]]:
    with store.transaction() as session:
        rows = session.scalars(select(AssignmentRow).order_by(AssignmentRow.id))
        return sorted((a.request.code, a.officer.code) for a in rows)


def test_the_folder_agency_is_imported_and_solved(store: Store, folder: Path) -> None:
    _import_week(store)
    report, result = _validated_nightly(store)
    assert (report.agency, report.status, report.added, report.unfilled) == (
        "pine-hollow-or", "optimal", 3, 0)
    assert result.pricing.total == TOTAL
    assert _roster(store) == ROSTER
    with store.transaction() as session:
        row = session.get(AgencyRow, "pine-hollow-or")
        assert row is not None
        assert (row.definition, row.time_zone) == (None, "America/Los_Angeles")


def test_without_the_folder_the_import_names_the_unknown_agency(store: Store) -> None:
    with pytest.raises(InputError) as caught:
        import_file(store, "officers", WEEK / "officers.csv")
    assert str(caught.value) == ("officers.csv:2: agency: unknown agency 'pine-hollow-or' "
                                 "(known: kennesaw-ga, rockport-tx)")


def test_a_kept_file_is_found_by_id_at_the_nightly(store: Store) -> None:
    assert keep_agency_file(store, PINE_HOLLOW) == "pine-hollow-or"
    assert keep_agency_file(store, PINE_HOLLOW) == "pine-hollow-or"  # the same terms: no event
    _import_week(store, "pine-hollow-or")
    report, result = _validated_nightly(store, agency="pine-hollow-or")
    assert (report.status, report.added, result.pricing.total) == ("optimal", 3, TOTAL)
    with store.transaction() as session:
        events = [(e.action, e.after) for e in list_events(session, agency="pine-hollow-or")
                  if e.action == "agency_definition"]
    assert events == [("agency_definition", {"file": "pine-hollow-or.yaml"})]


def test_a_kept_file_given_again_with_other_terms_replaces_them(
    store: Store, tmp_path: Path
) -> None:
    keep_agency_file(store, PINE_HOLLOW)
    changed = tmp_path / "pine-hollow-or.yaml"
    changed.write_text(PINE_HOLLOW.read_text(encoding="utf-8").replace('"62.40"', '"64.90"'),
                       encoding="utf-8")
    keep_agency_file(store, changed)
    with store.transaction() as session:
        row = session.get(AgencyRow, "pine-hollow-or")
        assert row is not None and row.definition is not None
        assert row.definition["rates"]["regular"] == "64.90"
        events = [e.before["rates"]["regular"] for e in list_events(session)
                  if e.action == "agency_definition" and e.before]
    assert events == ["62.40"]


def test_a_file_with_a_shipped_id_and_other_terms_is_refused(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "kennesaw.yaml"
    path.write_text(PINE_HOLLOW.read_text(encoding="utf-8").replace(
        "id: pine-hollow-or", "id: kennesaw-ga"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        keep_agency_file(store, path)
    assert str(caught.value) == (
        f"--agency: {path} defines 'kennesaw-ga', which is already a known agency with other "
        "terms; the store keeps agencies by id, so give the file another id")
    with store.transaction() as session:
        assert list(session.scalars(select(AgencyRow))) == []


def test_import_with_agency_file_then_nightly_by_id_on_the_command_line(target: Target) -> None:
    for kind in ("officers", "availability", "requests"):
        code, out, err = run_cli("import", kind, str(WEEK / f"{kind}.csv"), "--db", target.url,
                                 "--agency", str(PINE_HOLLOW))
        assert (code, err) == (0, "")
    code, out, err = run_cli("nightly", "--db", target.url, "--agency", "pine-hollow-or",
                             "--now", NOW, "--horizon", "7")
    assert (code, err) == (0, "")
    assert out.startswith("pine-hollow-or: run 1 optimal; 2 requests, 3/3 positions filled")
    assert _roster(target.store) == ROSTER
