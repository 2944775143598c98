"""`nightly --all-agencies`: every agency solved side by side and written on its own; one
agency's broken data leaves the others written, and is named in the summary and the runs; the
same night on a process pool and on a Dask `LocalCluster` writes the same proposals.

Both agencies hold the small world (`world.py`): R-1 needs 1 officer and R-2 needs 2, so each
run proposes 3 positions."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from distributed import LocalCluster
from sqlalchemy import select, text

from cli.main import main
from models import InputError, Problem, RosterResult
from scheduler.agencies import AGENCIES_DIR_ENV, get_agency
from scheduler.validate.validator import validate
from store import Store, open_store
from store.nightly import default_solver
from store.nightly_all import run_all_agencies, self_contained
from store.schema import AssignmentRow, NightlyRunRow
from tests.cli.test_agencies import PINE_HOLLOW
from tests.scheduler.builders import at, officer, problem, request
from tests.store.conftest import Target
from tests.store.test_nightly import NOW
from tests.store.world import load_world, write_world

RANK_ERROR = ("bad stored data: Officer rank: Input should be 'officer', 'corporal', "
              "'sergeant', 'lieutenant' or 'captain'")


def two_agencies(store: Store, tmp_path: Path) -> None:
    """The small Kennesaw world, and the same officers and requests at Rockport."""
    load_world(store, write_world(tmp_path / "kennesaw"))
    rockport = write_world(tmp_path / "rockport")
    for csv in rockport.iterdir():
        csv.write_text(csv.read_text(encoding="utf-8").replace("kennesaw-ga", "rockport-tx"),
                       encoding="utf-8")
    load_world(store, rockport)


def validating(problem: Problem) -> RosterResult:
    result = default_solver(problem)
    assert validate(problem, result).violations == []
    return result


def break_rockport(store: Store) -> None:
    with store.transaction() as session:
        session.execute(text("UPDATE officers SET rank = 'admiral' "
                             "WHERE agency_id = 'rockport-tx' AND code = 'K-2'"))


def proposals(store: Store) -> list[tuple[str, str, str, Any]]:
    with store.transaction() as session:
        rows = session.scalars(select(AssignmentRow).order_by(AssignmentRow.id))
        return sorted((a.request.agency_id, a.request.code, a.officer.code, a.start)
                      for a in rows)


def _night(store: Store, **kwargs: Any) -> Any:
    return run_all_agencies(store, now=NOW, horizon_days=7, time_limit_s=5, **kwargs)


def test_every_agency_is_solved_side_by_side_and_written(store: Store, tmp_path: Path) -> None:
    two_agencies(store, tmp_path)
    night = _night(store, jobs=2, solver=validating)
    assert [(o.agency, o.report.status, o.report.added) for o in night.outcomes] == [
        ("kennesaw-ga", "optimal", 3), ("rockport-tx", "optimal", 3)]
    assert night.failed == []
    assert [p[0] for p in proposals(store)] == ["kennesaw-ga"] * 3 + ["rockport-tx"] * 3
    assert night.summary().endswith("0 failed: none")


def test_a_broken_agency_is_named_and_the_others_are_written(
    store: Store, tmp_path: Path
) -> None:
    two_agencies(store, tmp_path)
    break_rockport(store)
    night = _night(store, jobs=2, solver=validating)
    kennesaw, rockport = night.outcomes
    assert (kennesaw.report.status, kennesaw.report.added, kennesaw.error) == ("optimal", 3, None)
    assert (rockport.report, rockport.error) == (None, RANK_ERROR)
    assert rockport.summary() == f"rockport-tx: FAILED, nothing written: {RANK_ERROR}"
    assert night.summary().endswith("1 failed: rockport-tx")
    assert [p[0] for p in proposals(store)] == ["kennesaw-ga"] * 3
    with store.transaction() as session:
        runs = [(r.agency_id, r.solver_status, r.result.get("error"))
                for r in session.scalars(select(NightlyRunRow).order_by(NightlyRunRow.id))]
    assert sorted(runs) == [("kennesaw-ga", "optimal", None), ("rockport-tx", "error", RANK_ERROR)]


def test_the_command_names_the_failed_agency_and_exits_1(
    target: Target, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    two_agencies(target.store, tmp_path)
    break_rockport(target.store)
    code = main(["nightly", "--db", target.url, "--all-agencies", "--jobs", "2", "--now",
                 NOW.isoformat(), "--horizon", "7", "--time-limit", "5"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    # Run ids follow the order the agencies finish in: the broken one usually first.
    assert re.fullmatch(r"kennesaw-ga: run [12] optimal; 2 requests, 3/3 positions filled "
                        r"\(0 confirmed kept\); proposals 3 new, 0 unchanged, 0 withdrawn; "
                        r"0 unfilled, 0 refused; solve \d+\.\d s", out[0])
    assert out[1] == f"rockport-tx: FAILED, nothing written: {RANK_ERROR}"
    assert out[2].startswith("2 agencies on 2 processes in ")
    assert out[2].endswith("1 failed: rockport-tx")


def test_all_agencies_refuses_an_agency_in_one_line(
    target: Target, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["nightly", "--db", target.url, "--all-agencies", "--agency", "kennesaw-ga"])
    assert (code, capsys.readouterr().err) == (
        2, "offduty: --agency: cannot be combined with --all-agencies\n")


@pytest.mark.parametrize("option", [("--jobs", "2"), ("--dask", "tcp://127.0.0.1:8786")])
def test_jobs_or_dask_without_all_agencies_is_refused_and_runs_nothing(
    target: Target, tmp_path: Path, capsys: pytest.CaptureFixture[str], option: tuple[str, str]
) -> None:
    # Without --all-agencies the option was silently ignored: one agency ran in this process.
    two_agencies(target.store, tmp_path)
    code = main(["nightly", "--db", target.url, *option, "--now", NOW.isoformat()])
    assert (code, capsys.readouterr().err) == (
        2, f"offduty: {option[0]}: applies only with --all-agencies\n")
    assert main(["runs", "--db", target.url]) == 0
    assert capsys.readouterr().out == "no nightly run recorded\n"


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None) as local:
        yield local


@pytest.mark.slow
def test_a_night_on_a_dask_cluster_writes_what_a_validated_local_night_writes(
    tmp_path: Path, cluster: LocalCluster
) -> None:
    local, remote = open_store(tmp_path / "local.db"), open_store(tmp_path / "remote.db")
    try:
        for store, folder in ((local, "l"), (remote, "r")):
            two_agencies(store, tmp_path / folder)
        _night(local, solver=validating)
        night = _night(remote, dask_address=cluster.scheduler_address)
        assert night.where == f"the Dask cluster at {cluster.scheduler_address} (2 workers)"
        assert [(o.agency, o.report.added) for o in night.outcomes] == [
            ("kennesaw-ga", 3), ("rockport-tx", 3)]
        assert "default_solver" in cluster.scheduler.task_prefixes
        assert proposals(remote) == proposals(local)
    finally:
        local.close()
        remote.close()


def test_a_problem_sent_to_a_cluster_carries_its_folder_agency(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A Dask worker on another machine has no OFFDUTY_AGENCIES_DIR: the problem it gets holds
    # the folder agency's definition, and solves there as it does here.
    folder = tmp_path / "agencies"
    folder.mkdir()
    shutil.copy(PINE_HOLLOW, folder / "pine-hollow-or.yaml")
    monkeypatch.setenv(AGENCIES_DIR_ENV, str(folder))
    zone = ZoneInfo("America/Los_Angeles")
    prob = problem([officer("O-1", tz=zone)],
                   [request("R-1", at(2, 18, tz=zone), at(2, 22, tz=zone))],
                   agency="pine-hollow-or")
    here = default_solver(prob)
    assert validate(prob, here).violations == []
    sent = self_contained(prob)
    assert sent.agency == get_agency("pine-hollow-or")
    assert self_contained(sent) is sent
    monkeypatch.delenv(AGENCIES_DIR_ENV)
    with pytest.raises(InputError, match="pine-hollow-or"):
        default_solver(prob)
    there = default_solver(sent)
    assert validate(sent, there).violations == []
    # Four hours at Pine Hollow's regular 62.40 (a Wednesday evening, booked in October).
    assert [(a.officer_id, a.amount) for a in there.assignments] == [
        (a.officer_id, a.amount) for a in here.assignments
    ] == [("O-1", Decimal("249.60"))]
