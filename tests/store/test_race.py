"""The nightly's write against a dispatcher's confirm landing in its gaps (issue #12), and the
database's own refusal of a second live assignment.

The small world (world.py) proposes three shifts: R-1 (one officer) and R-2 (two officers). A
first nightly proposes them; a second, forced one solves again from that proposal while a
`confirm --all` lands between its solve and its check, or between its check and its write.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from models import InputError
from store import Store, open_store
from store.db import alembic_config, upgrade
from store.importer import import_file
from store.nightly import run_nightly
from store.schema import AssignmentRow, OfficerRow, RequestRow
from store.workflow import confirm
from tests.store.conftest import Target
from tests.store.test_nightly import snapshot
from tests.store.world import NOW, R1, R2, REQUESTS_HEADER, load_world


def nightly(store: Store, **kwargs: Any) -> Any:
    return run_nightly(store, now=NOW, horizon_days=7, time_limit_s=5, **kwargs)[0]


def states(store: Store) -> list[tuple[str, str, str]]:
    """(request, officer, state) of every assignment row, sorted."""
    rows, _ = snapshot(store)
    return sorted((r[1], r[2], r[5]) for r in rows)


@pytest.fixture
def proposed(store: Store, world: Path) -> Store:
    load_world(store, world)
    assert nightly(store).added == 3
    return store


def test_a_confirm_between_check_and_write_waits_for_the_write(proposed: Store) -> None:
    before = states(proposed)
    confirmed: list[int] = []
    blocked: list[bool] = []
    gap: list[threading.Thread] = []

    def confirm_in_the_gap(stage: str) -> None:
        if stage != "checked":
            return
        worker = threading.Thread(target=lambda: confirmed.append(confirm(proposed, None)))
        worker.start()
        worker.join(timeout=0.5)  # without the lock the confirm commits well within this
        blocked.append(worker.is_alive())
        gap.append(worker)

    report = nightly(proposed, force=True, pause=confirm_in_the_gap)
    gap[0].join(timeout=30)
    # The confirm waited for the nightly's commit, then confirmed its three proposals, once.
    assert blocked == [True]
    assert (report.attempts, report.added, report.kept, report.removed) == (1, 0, 3, 0)
    assert confirmed == [3]
    assert states(proposed) == [(r, o, "confirmed") for r, o, _ in before]
    assert snapshot(proposed)[1] == 2


def test_an_import_between_check_and_write_waits_for_the_write(
    proposed: Store, tmp_path: Path
) -> None:
    before = states(proposed)
    moved = tmp_path / "requests.csv"  # R-2 becomes priority 1
    moved.write_text(REQUESTS_HEADER + R1 + R2.replace(",none,0,,3,", ",none,0,,1,"),
                     encoding="utf-8")
    blocked: list[bool] = []
    gap: list[threading.Thread] = []

    def import_in_the_gap(stage: str) -> None:
        if stage == "checked":
            worker = threading.Thread(target=import_file, args=(proposed, "requests", moved))
            worker.start()
            worker.join(timeout=0.5)
            blocked.append(worker.is_alive())
            gap.append(worker)

    report = nightly(proposed, force=True, pause=import_in_the_gap)
    gap[0].join(timeout=30)
    assert blocked == [True]
    assert (report.attempts, report.kept) == (1, 3)
    assert states(proposed) == before
    with proposed.transaction() as session:
        assert session.scalar(select(RequestRow.priority).where(RequestRow.code == "R-2")) == 1


def test_a_confirm_between_solve_and_check_makes_the_run_solve_again(proposed: Store) -> None:
    before = states(proposed)
    confirmed: list[int] = []

    def confirm_after_the_solve(stage: str) -> None:
        if stage == "solved" and not confirmed:
            confirmed.append(confirm(proposed, None))

    report = nightly(proposed, force=True, pause=confirm_after_the_solve)
    # The first write found the store changed and wrote nothing; the second solve locks all
    # three confirmed shifts and proposes nothing more.
    assert confirmed == [3]
    assert (report.attempts, report.locked, report.added, report.kept, report.removed) == (
        2, 3, 0, 0, 0)
    assert states(proposed) == [(r, o, "confirmed") for r, o, _ in before]
    assert snapshot(proposed)[1] == 2


def test_a_store_changing_under_every_solve_is_refused_with_nothing_written(
    proposed: Store,
) -> None:
    before = snapshot(proposed)

    def reprioritise(stage: str) -> None:
        if stage == "solved":  # a dispatcher edits R-1 during each solve
            with proposed.transaction() as session:
                session.execute(update(RequestRow).where(RequestRow.code == "R-1")
                                .values(priority=RequestRow.priority + 1))

    with pytest.raises(InputError, match=r"^nightly: kennesaw-ga: the store changed during each "
                       r"of 2 solve\(s\); nothing written, run nightly again$"):
        nightly(proposed, force=True, pause=reprioritise, attempts=2)
    assert snapshot(proposed) == before


def _first_live(store: Store) -> tuple[int, int, Any, Any]:
    with store.transaction() as session:
        row = session.scalars(select(AssignmentRow).order_by(AssignmentRow.id)).first()
        assert row is not None
        return row.request_id, row.officer_id, row.start, row.end


@pytest.mark.parametrize("state", ["proposed", "confirmed", "worked"])
def test_the_database_refuses_a_second_live_assignment(proposed: Store, state: str) -> None:
    # R-2 needs two officers; with one of its rows cancelled it has room for another officer,
    # but not for the remaining officer a second time.
    with proposed.transaction() as session:
        first, second = session.scalars(select(AssignmentRow).join(RequestRow)
                                        .where(RequestRow.code == "R-2")).all()
        first.state = "cancelled"
    refused = pytest.raises(IntegrityError, match="uq_assignments_live|UNIQUE constraint failed")
    with refused, proposed.transaction() as session:
        session.add(AssignmentRow(request_id=second.request_id, officer_id=second.officer_id,
                                  state=state, start=second.start, end=second.end))
    assert len(_live(proposed, "R-2")) == 1


def test_a_cancelled_row_does_not_hold_the_position(proposed: Store) -> None:
    request_id, officer_id, start, end = _first_live(proposed)
    with proposed.transaction() as session:
        session.add(AssignmentRow(request_id=request_id, officer_id=officer_id, state="cancelled",
                                  start=start, end=end))
    assert len(snapshot(proposed)[0]) == 4


def test_the_upgrade_releases_duplicates_an_older_store_holds(target: Target, world: Path) -> None:
    load_world(target.store, world)
    nightly(target.store)
    confirm(target.store, "R-1")
    target.store.close()
    old = open_store(target.url, migrate=False)
    config = alembic_config()
    with old.engine.begin() as connection:  # back to the schema before the guards
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    with old.transaction() as session:  # what the race left: R-1's shift twice, confirmed
        first = session.scalars(select(AssignmentRow).join(RequestRow)
                                .where(RequestRow.code == "R-1")).one()
        session.add(AssignmentRow(request_id=first.request_id, officer_id=first.officer_id,
                                  state="confirmed", start=first.start, end=first.end))
        session.add(AssignmentRow(request_id=first.request_id, officer_id=first.officer_id,
                                  state="proposed", start=first.start, end=first.end))
        officer = session.get(OfficerRow, first.officer_id)
        assert officer is not None
        code = officer.code
    upgrade(old.engine)
    assert [(r, s) for r, o, s in states(old) if r == "R-1"] == [
        ("R-1", "cancelled"), ("R-1", "cancelled"), ("R-1", "confirmed")]
    rows, _ = snapshot(old)
    assert [r[0] for r in rows if r[1] == "R-1" and r[5] == "confirmed"] == [first.id]
    assert {o for r, o, _ in states(old) if r == "R-1"} == {code}
    old.close()


def test_without_the_lock_the_index_refuses_the_duplicate_and_the_run_solves_again(
    proposed: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The guard behind the lock: a writer that takes no lock (here: every writer) confirms in
    # the gap, and the nightly's duplicate insert is refused by the database instead.
    monkeypatch.setattr("store.db.begin_write", lambda session: None)
    for module in ("store.nightly", "store.workflow"):
        monkeypatch.setattr(f"{module}.hold_agencies", lambda session, agencies: [])
    before = states(proposed)
    confirmed: list[int] = []

    def confirm_in_the_gap(stage: str) -> None:
        if stage == "checked" and not confirmed:
            worker = threading.Thread(target=lambda: confirmed.append(confirm(proposed, None)))
            worker.start()
            worker.join(timeout=30)

    report = nightly(proposed, force=True, pause=confirm_in_the_gap)
    assert confirmed == [3]
    assert (report.attempts, report.locked, report.added) == (2, 3, 0)
    assert states(proposed) == [(r, o, "confirmed") for r, o, _ in before]
    assert snapshot(proposed)[1] == 2


def _live(store: Store, request: str) -> list[tuple[int, int, Any, Any]]:
    with store.transaction() as session:
        rows = session.scalars(select(AssignmentRow).join(RequestRow).where(
            RequestRow.code == request, AssignmentRow.state != "cancelled"))
        return [(a.request_id, a.officer_id, a.start, a.end) for a in rows]


def _officer_id(store: Store, code: str) -> int:
    with store.transaction() as session:
        found = session.scalar(select(OfficerRow.id).where(OfficerRow.code == code))
        assert found is not None
        return found


NEED = "more live assignments on the request at once than it needs"


def test_the_database_refuses_more_live_rows_at_once_than_needed(proposed: Store) -> None:
    # R-2 needs two officers 18:00-22:00 and holds two: a third officer overlapping any part of
    # it is refused, as inserted and as revived from a cancelled row.
    (request_id, _, start, end), (_, _, _, _) = _live(proposed, "R-2")
    taken = {officer for _, officer, _, _ in _live(proposed, "R-2")}
    third = next(o for o in (_officer_id(proposed, k) for k in ("K-1", "K-2", "K-3"))
                 if o not in taken)
    late = start + (end - start) / 2
    for first, last in ((start, end), (late, end + (end - start))):
        with pytest.raises(IntegrityError, match=NEED), proposed.transaction() as session:
            session.add(AssignmentRow(request_id=request_id, officer_id=third, state="proposed",
                                      start=first, end=last))
    with proposed.transaction() as session:
        revived = AssignmentRow(request_id=request_id, officer_id=third, state="cancelled",
                                start=start, end=end)
        session.add(revived)
    with pytest.raises(IntegrityError, match=NEED), proposed.transaction() as session:
        row = session.get(AssignmentRow, revived.id)
        assert row is not None
        row.state = "proposed"
    assert len(_live(proposed, "R-2")) == 2


def test_back_to_back_rows_of_one_position_are_within_need(proposed: Store) -> None:
    # R-1 needs one officer 08:00-12:00: a split position holds one row after the other (a
    # later piece starting where the first ends is on at a different moment), never two at once.
    request_id, officer_id, start, end = _live(proposed, "R-1")[0]
    with proposed.transaction() as session:
        session.add(AssignmentRow(request_id=request_id, officer_id=officer_id, state="proposed",
                                  start=end, end=end + (end - start)))
    with pytest.raises(IntegrityError, match=NEED), proposed.transaction() as session:
        session.add(AssignmentRow(request_id=request_id, officer_id=officer_id, state="proposed",
                                  start=end - (end - start) / 4, end=end + (end - start) / 4))
    assert len(_live(proposed, "R-1")) == 2
