"""The nightly run: one transaction after the solve, stable re-runs, confirmed shifts kept."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from models import InputError, Metrics, Problem, RosterResult, SolveOptions
from store import Store, open_store
from store.importer import import_file
from store.nightly import default_solver, run_nightly
from store.problem_builder import Horizon, build_problem
from store.schema import AssignmentRow, NightlyRunRow, OfficerRow, RequestRow
from store.workflow import confirm, record_worked
from tests.store.conftest import Target
from tests.store.world import NOW, R3, REQUESTS, load_world

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "scenarios" / "examples" / "demo"
DEMO_NOW = "2026-12-07T00:00:00-05:00"


def snapshot(store: Store) -> tuple[list[tuple[Any, ...]], int]:
    """Every assignment row (id, keys, times, state) and the number of runs."""
    with store.transaction() as session:
        rows = [
            (a.id, a.request.code, a.officer.code, a.start, a.end, a.state)
            for a in session.scalars(select(AssignmentRow).order_by(AssignmentRow.id))
        ]
        runs = int(session.scalar(select(func.count()).select_from(NightlyRunRow)) or 0)
    return rows, runs


def nightly(store: Store, **kwargs: Any) -> Any:
    return run_nightly(store, now=NOW, horizon_days=7, time_limit_s=5, **kwargs)[0]


def test_first_run_proposes_every_position(store: Store, world: Path) -> None:
    load_world(store, world)
    report = nightly(store)
    rows, runs = snapshot(store)
    assert (report.status, report.added, report.positions_requested) == ("optimal", 3, 3)
    assert sorted((r[1], r[5]) for r in rows) == [
        ("R-1", "proposed"), ("R-2", "proposed"), ("R-2", "proposed")
    ]
    assert runs == 1


def test_a_rerun_with_nothing_changed_keeps_every_row(store: Store, world: Path) -> None:
    load_world(store, world)
    nightly(store)
    before, _ = snapshot(store)
    report = nightly(store)
    after, runs = snapshot(store)
    assert after == before
    assert (report.added, report.kept, report.removed, runs) == (0, 3, 0, 2)


def test_a_forced_rerun_solves_from_the_hint_to_the_same_roster(store: Store, world: Path) -> None:
    load_world(store, world)
    nightly(store)
    before, _ = snapshot(store)
    report = nightly(store, force=True)
    assert report.timings["solve_s"] > 0
    assert snapshot(store) == (before, 2)


def test_confirmed_assignments_never_move(store: Store, world: Path, tmp_path: Path) -> None:
    load_world(store, world)
    nightly(store)
    assert confirm(store, "R-1") == 1
    confirmed = [r for r in snapshot(store)[0] if r[5] == "confirmed"]
    more = tmp_path / "more.csv"
    more.write_text(REQUESTS + R3, encoding="utf-8")
    import_file(store, "requests", more)
    report = nightly(store)
    rows, _ = snapshot(store)
    assert [r for r in rows if r[5] == "confirmed"] == confirmed
    assert report.locked == 1
    assert sorted(r[1] for r in rows if r[5] == "proposed") == ["R-2", "R-2", "R-3"]


def test_a_store_change_during_the_solve_is_solved_again(store: Store, world: Path) -> None:
    load_world(store, world)
    nightly(store)
    before, _ = snapshot(store)

    def meddling_solver(problem: Problem) -> RosterResult:
        confirm(store, "R-1")  # a dispatcher confirms while the solver runs (the first time)
        return default_solver(problem)

    report = nightly(store, force=True, solver=meddling_solver)
    rows, runs = snapshot(store)
    # The first solve saw R-1 proposed; its write found it confirmed and wrote nothing. The
    # second solve keeps R-1 as a confirmed lock and R-2's two proposals unchanged.
    assert (report.attempts, report.locked, report.added, report.kept, report.removed) == (
        2, 1, 0, 2, 0)
    assert [r[:5] for r in rows] == [r[:5] for r in before]
    assert sorted((r[1], r[5]) for r in rows) == [
        ("R-1", "confirmed"), ("R-2", "proposed"), ("R-2", "proposed")]
    assert runs == 2


def test_an_unknown_agency_is_an_input_error(store: Store, world: Path) -> None:
    load_world(store, world)
    with pytest.raises(InputError, match="no agency 'rockport-tx' in the store"):
        nightly(store, agency="rockport-tx")


def _import_demo(store: Store) -> None:
    for kind in ("officers", "availability", "requests"):
        import_file(store, kind, DEMO / f"{kind}.csv")


def _wait_for(stream: Any, text: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        if text in line:
            return
    raise AssertionError(f"the nightly run never logged {text!r}")


@pytest.mark.slow
def test_a_run_killed_mid_solve_leaves_the_store_as_before(target: Target) -> None:
    store = target.store
    _import_demo(store)
    run_nightly(store, now=datetime.fromisoformat(DEMO_NOW), horizon_days=7, time_limit_s=1)
    before = snapshot(store)
    assert len(before[0]) > 50
    store.close()
    command = [sys.executable, "-m", "cli.main", "-v", "nightly", "--db", target.url,
               "--now", DEMO_NOW, "--horizon", "7", "--time-limit", "60", "--force"]
    process = subprocess.Popen(command, cwd=REPO, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        _wait_for(process.stderr, "solving kennesaw-ga", time.monotonic() + 60)
        time.sleep(1.0)
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
        process.stderr.close()  # type: ignore[union-attr]
    reopened = open_store(target.url)
    try:
        assert snapshot(reopened) == before
    finally:
        reopened.close()


R0 = ("kennesaw-ga,R-0,EMP-1,Kroger #1,grocery,false,true,false,outside,true,regular,,"
      "2026-11-20T10:00:00-05:00,2026-11-20T14:00:00-05:00,2026-11-01T09:00:00-05:00,2,none,0,,3,\n")


KILL_WHILE_WRITING = """
import os, signal, sys
import store.nightly as nightly
from cli.main import main

real = nightly._write_proposals

def write_then_die(session, *args):
    real(session, *args)
    session.flush()  # the new rows reach the database, inside the open transaction
    os.kill(os.getpid(), signal.SIGKILL)

nightly._write_proposals = write_then_die
sys.exit(main(sys.argv[1:]))
"""


def test_a_run_killed_while_writing_leaves_the_store_as_before(
    target: Target, world: Path, tmp_path: Path
) -> None:
    store = target.store
    load_world(store, world)
    nightly(store)
    more = tmp_path / "more.csv"
    more.write_text(REQUESTS + R3, encoding="utf-8")
    import_file(store, "requests", more)
    before = snapshot(store)
    store.close()
    command = [sys.executable, "-c", KILL_WHILE_WRITING, "nightly", "--db", target.url,
               "--now", NOW.isoformat(), "--horizon", "7", "--time-limit", "5"]
    finished = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert finished.returncode == -signal.SIGKILL, finished.stderr
    reopened = open_store(target.url)
    try:
        assert snapshot(reopened) == before
    finally:
        reopened.close()


def test_hours_to_date_count_only_worked_time_inside_the_window(
    store: Store, world: Path, tmp_path: Path
) -> None:
    load_world(store, world)
    past = tmp_path / "past.csv"
    past.write_text(REQUESTS + R0, encoding="utf-8")
    import_file(store, "requests", past)
    window_start = NOW - timedelta(days=28)
    worked = {  # officer: worked (start, end) pairs; only time inside [now - 28 d, now) counts
        "K-1": [(NOW - timedelta(days=8), NOW - timedelta(days=8) + timedelta(hours=4)),
                (NOW - timedelta(days=40), NOW - timedelta(days=40) + timedelta(hours=6))],
        "K-2": [(window_start - timedelta(hours=1), window_start + timedelta(hours=2, minutes=30))],
    }
    with store.transaction() as session:
        request = session.scalar(select(RequestRow).where(RequestRow.code == "R-0"))
        assert request is not None
        for code, spans in worked.items():
            officer = session.scalar(select(OfficerRow).where(OfficerRow.code == code))
            assert officer is not None
            for start, end in spans:
                # Each shift on its own times: one officer holds one live row per start.
                session.add(AssignmentRow(
                    request_id=request.id, officer_id=officer.id, state="worked",
                    start=start, end=end, worked_start=start, worked_end=end,
                ))
    with store.transaction() as session:
        problem = build_problem(session, "kennesaw-ga", Horizon(NOW, 7, 28), SolveOptions())
    assert {o.id: o.hours_to_date for o in problem.officers} == {"K-1": 4.0, "K-2": 2.5, "K-3": 0.0}
    assert [r.id for r in problem.requests] == ["R-1", "R-2"]


def test_worked_hours_recorded_by_the_dispatcher_feed_the_next_run(
    store: Store, world: Path
) -> None:
    load_world(store, world)
    nightly(store)
    confirm(store, None)
    with store.transaction() as session:
        officer = session.scalar(
            select(OfficerRow.code).join(AssignmentRow).join(RequestRow)
            .where(RequestRow.code == "R-1")
        )
    assert officer is not None
    record_worked(store, "R-1", officer, datetime.fromisoformat("2026-12-01T08:00:00-05:00"),
                  datetime.fromisoformat("2026-12-01T13:00:00-05:00"),
                  now=datetime.fromisoformat("2026-12-01T13:05:00-05:00"))
    later = datetime.fromisoformat("2026-12-05T00:00:00-05:00")
    with store.transaction() as session:
        problem = build_problem(session, "kennesaw-ga", Horizon(later, 7, 28), SolveOptions())
    assert {o.id: o.hours_to_date for o in problem.officers}[officer] == 5.0


def test_a_request_moved_away_from_its_confirmed_shift_is_an_input_error(
    store: Store, world: Path, tmp_path: Path
) -> None:
    load_world(store, world)
    nightly(store)
    confirm(store, "R-1")
    moved = tmp_path / "moved.csv"
    moved.write_text(REQUESTS.replace("2026-12-01T08:00:00-05:00", "2026-12-01T09:00:00-05:00"),
                     encoding="utf-8")
    import_file(store, "requests", moved)
    with pytest.raises(InputError, match=r"^kennesaw-ga store: .*R-1 lies outside the request's"):
        nightly(store)


def test_a_run_without_a_roster_keeps_the_previous_proposal(store: Store, world: Path) -> None:
    load_world(store, world)
    nightly(store)
    before, _ = snapshot(store)

    def infeasible(problem: Problem) -> RosterResult:
        metrics = Metrics(positions_requested=3, positions_filled=0, coverage=0,
                          coverage_upper_bound=0, hours_filled=0, max_total_hours=0,
                          spread_hours=0, gini=0, improvable_pairs=0)
        return RosterResult(status="infeasible", metrics=metrics)

    report = nightly(store, force=True, solver=infeasible)
    assert (report.status, report.added, report.removed) == ("infeasible", 0, 0)
    assert snapshot(store) == (before, 2)


def test_shifts_confirmed_earlier_in_the_week_count_as_prior_shifts(
    store: Store, world: Path
) -> None:
    # R-1 (Tue 1 Dec 08:00-12:00) is confirmed; a run at 13:00 that day no longer staffs it, but
    # its officer worked those hours this week: the problem carries them as a prior shift, so
    # the weekly cap, rest and travel gap count them. R-2 (the 2nd) is still open.
    load_world(store, world)
    nightly(store)
    assert confirm(store, "R-1") == 1
    now = datetime.fromisoformat("2026-12-01T13:00:00-05:00")
    with store.transaction() as session:
        holder = session.scalars(
            select(OfficerRow.code).join(AssignmentRow, AssignmentRow.officer_id == OfficerRow.id)
            .join(RequestRow, AssignmentRow.request_id == RequestRow.id)
            .where(RequestRow.code == "R-1", AssignmentRow.state == "confirmed")
        ).one()
        problem = build_problem(session, "kennesaw-ga", Horizon(now, 7, 28), SolveOptions())
    assert [r.id for r in problem.requests] == ["R-2"]
    prior = {o.id: [(w.start, w.end) for w in o.prior_shifts] for o in problem.officers}
    assert prior[holder] == [(datetime.fromisoformat("2026-12-01T08:00:00-05:00"),
                              datetime.fromisoformat("2026-12-01T12:00:00-05:00"))]
    assert all(shifts == [] for oid, shifts in prior.items() if oid != holder)


@pytest.mark.parametrize(("days", "window", "message"), [
    (0, 28, "horizon_days: must be at least 1 day, got 0"),
    (-1, 28, "horizon_days: must be at least 1 day, got -1"),
    (7, -1, "window_days: must not be negative, got -1"),
])
def test_a_meaningless_horizon_or_window_is_an_input_error(
    store: Store, world: Path, days: int, window: int, message: str
) -> None:
    load_world(store, world)
    with pytest.raises(InputError, match=f"^{message}$"):
        run_nightly(store, now=NOW, horizon_days=days, window_days=window)
    assert snapshot(store) == ([], 0)
