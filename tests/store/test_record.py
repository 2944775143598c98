"""The system of record (issue 15): duty imports, approvals, hand moves and the audit trail.

The small Kennesaw world of `world.py` (max 16 h of on- plus off-duty work in any 24 h, a
30-minute travel gap). Every roster the nightly writes is checked by the validator inside the
solver's own tests; here the hand moves themselves go through it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text

from models import InputError
from store import Store
from store.approvals import approve, withdraw
from store.audit import verify
from store.duty_import import import_on_duty
from store.hand import MoveRefused, Override, assign, unassign
from store.importer import import_file
from store.nightly import recent_runs, run_nightly
from store.policy import set_policy
from store.record_schema import AuditEventRow
from store.schema import AssignmentRow, OnDutyRow, RequestRow
from tests.store.world import NOW, R3, REQUESTS_HEADER, load_world

DUTY = "Employee ID,Start,End,Assignment Code\n"
# Alcohol served, outside post, no approval in the file: ALCOHOL_OUTSIDE_UNAPPROVED.
R4 = ("kennesaw-ga,R-4,EMP-4,Corner Pub,restaurant,false,true,true,outside,true,regular,,"
      "2026-12-01T14:00:00-05:00,2026-12-01T18:00:00-05:00,2026-11-20T09:00:00-05:00,1,none,0,,"
      "3,\n")


def nightly(store: Store) -> None:
    run_nightly(store, now=NOW, horizon_days=7, time_limit_s=5)


def staffed(store: Store, request: str) -> list[tuple[str, str]]:
    """(officer, state) of every live shift on a request."""
    with store.transaction() as session:
        rows = session.scalars(select(AssignmentRow).join(RequestRow)
                               .where(RequestRow.code == request,
                                      AssignmentRow.state != "cancelled"))
        return sorted((r.officer.code, r.state) for r in rows)


def events(store: Store, since: int = 0) -> list[tuple[str, str | None, str | None]]:
    with store.transaction() as session:
        rows = session.scalars(select(AuditEventRow).where(AuditEventRow.id > since)
                               .order_by(AuditEventRow.id))
        return [(r.action, r.request_code, r.officer_code) for r in rows]


def last_id(store: Store) -> int:
    with store.transaction() as session:
        return session.scalar(select(AuditEventRow.id).order_by(AuditEventRow.id.desc())) or 0


def write(folder: Path, name: str, content: str) -> Path:
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return path


@pytest.fixture
def loaded(store: Store, world: Path) -> Store:
    load_world(store, world)
    import_file(store, "requests", write(world, "more.csv", REQUESTS_HEADER + R3 + R4))
    return store


def test_duty_import_then_nightly_drops_the_shift_for_rest_24h(loaded: Store, world: Path) -> None:
    nightly(loaded)
    before = staffed(loaded, "R-2")
    assert len(before) == 2 and {"K-1", "K-2"} & {o for o, _ in before}
    # 03:00-17:00 on duty (14 h) plus R-2 18:00-22:00 (4 h) is 18 h in 24 h, over 16.
    duty = write(world, "duty.csv", DUTY
                 + "K-1,2026-12-02T03:00:00-05:00,2026-12-02T17:00:00-05:00,PATROL-A\n"
                 + "K-2,2026-12-02T03:00:00-05:00,2026-12-02T17:00:00-05:00,PATROL-B\n")
    since = last_id(loaded)
    report = import_on_duty(loaded, duty)
    assert (report.rows, report.officers, report.removed) == (2, 2, 0)
    assert events(loaded, since) == [("import_on_duty", None, "K-1"),
                                     ("import_on_duty", None, "K-2")]
    nightly(loaded)
    assert staffed(loaded, "R-2") == [("K-3", "proposed")]
    with loaded.transaction() as session:
        unfilled = recent_runs(session, "kennesaw-ga", 1)[0].result["unfilled"]
    assert [(u["request_id"], u["positions"]) for u in unfilled] == [("R-2", 1)]
    assert unfilled[0]["reasons"][0]["counts"] == {"REST_24H": 2}


def test_duty_blocks_with_seconds_count_their_whole_minutes(loaded: Store, world: Path) -> None:
    # A duty export may carry seconds; the nightly's problem refuses times of work that do.
    # The nightly rounds them (busy time outward: tests/models) instead of failing, and the
    # rest rule drops K-1 and K-2 from R-2 as for whole minutes.
    duty = write(world, "duty.csv", DUTY
                 + "K-1,2026-12-02T03:00:30-05:00,2026-12-02T16:59:30-05:00,PATROL-A\n"
                 + "K-2,2026-12-02T03:00:30-05:00,2026-12-02T16:59:30-05:00,PATROL-B\n")
    import_on_duty(loaded, duty)
    nightly(loaded)
    assert staffed(loaded, "R-2") == [("K-3", "proposed")]
    with loaded.transaction() as session:
        unfilled = recent_runs(session, "kennesaw-ga", 1)[0].result["unfilled"]
    assert unfilled[0]["reasons"][0]["counts"] == {"REST_24H": 2}


def test_a_second_duty_file_replaces_the_blocks_of_its_dates(loaded: Store, world: Path) -> None:
    first = write(world, "d1.csv", DUTY + "K-1,2026-12-02T03:00:00-05:00,"
                  "2026-12-02T17:00:00-05:00,PATROL-A\n")
    second = write(world, "d2.csv", DUTY + "K-1,2026-12-02T07:00:00-05:00,"
                   "2026-12-02T15:00:00-05:00,DESK\n")
    import_on_duty(loaded, first)
    assert import_on_duty(loaded, second).removed == 1
    with loaded.transaction() as session:
        blocks = [(b.start.hour, b.end.hour, b.code) for b in session.scalars(
            select(OnDutyRow).join(OnDutyRow.officer).where(OnDutyRow.code.is_not(None)))]
    assert blocks == [(12, 20, "DESK")]  # 07:00-15:00 Eastern is 12:00-20:00 UTC


def test_a_bad_duty_row_is_named_by_line_and_nothing_is_written(
    loaded: Store, world: Path
) -> None:
    bad = write(world, "bad.csv", DUTY
                + "K-1,2026-12-02T03:00:00-05:00,2026-12-02T17:00:00-05:00,PATROL-A\n"
                + "K-2,2026-12-02T03:00:00,2026-12-02T17:00:00-05:00,PATROL-B\n"
                + "K-9,2026-12-02T03:00:00-05:00,2026-12-02T17:00:00-05:00,PATROL-B\n")
    with pytest.raises(InputError) as caught:
        import_on_duty(loaded, bad)
    assert str(caught.value) == ("bad.csv:3: Start: '2026-12-02T03:00:00' has no UTC offset "
                                 "(nothing was imported)")
    unknown = write(world, "unknown.csv", DUTY + "K-9,2026-12-02T03:00:00-05:00,"
                    "2026-12-02T17:00:00-05:00,PATROL-B\n")
    with pytest.raises(InputError, match=r"unknown.csv:2: Employee ID: unknown officer 'K-9'"):
        import_on_duty(loaded, unknown)
    with loaded.transaction() as session:
        assert session.scalars(select(OnDutyRow.code).where(OnDutyRow.code.is_not(None))).all() \
            == []


def test_an_approval_makes_the_request_staffable_and_withdrawing_refuses_it_again(
    loaded: Store,
) -> None:
    nightly(loaded)
    with loaded.transaction() as session:
        rejected = recent_runs(session, "kennesaw-ga", 1)[0].result["rejected"]
    assert [(r["request_id"], r["codes"]) for r in rejected] == [
        ("R-4", ["ALCOHOL_OUTSIDE_UNAPPROVED"])]
    assert staffed(loaded, "R-4") == []
    since = last_id(loaded)
    approve(loaded, "R-4", "chief_alcohol_outside", "Chief Ruiz", "MEMO-2026-118")
    assert events(loaded, since) == [("approve", "R-4", None)]
    nightly(loaded)
    assert len(staffed(loaded, "R-4")) == 1
    assert staffed(loaded, "R-3") != []  # the approval names R-4 only; R-3 needs none anyway
    withdraw(loaded, "R-4", "chief_alcohol_outside", "Chief Ruiz")
    nightly(loaded)
    assert staffed(loaded, "R-4") == []
    with loaded.transaction() as session:
        rejected = recent_runs(session, "kennesaw-ga", 1)[0].result["rejected"]
    assert [r["request_id"] for r in rejected] == ["R-4"]


def test_an_approval_is_refused_without_a_reference_or_twice(loaded: Store) -> None:
    with pytest.raises(InputError, match="^reference: give the approval's reference"):
        approve(loaded, "R-4", "chief_alcohol_outside", "Chief Ruiz", " ")
    with pytest.raises(InputError, match="^kind: unknown approval kind 'standing'"):
        approve(loaded, "R-4", "standing", "Chief Ruiz", "M-1")
    approve(loaded, "R-4", "chief_alcohol_outside", "Chief Ruiz", "M-1")
    with pytest.raises(InputError, match="already holds an approval chief_alcohol_outside"):
        approve(loaded, "R-4", "chief_alcohol_outside", "Chief Ruiz", "M-2")


def test_a_name_or_reason_holding_a_control_character_is_refused_and_nothing_is_written(
    loaded: Store,
) -> None:
    # A newline or a terminal escape typed in --by was stored, and printed raw by `audit`.
    since = last_id(loaded)
    with pytest.raises(InputError, match=r"^by: holds a control character \(U\+001B\); plain "
                       r"text only$"):
        approve(loaded, "R-4", "chief_alcohol_outside", "Chief \x1b[31mRuiz", "M-1")
    with pytest.raises(InputError, match=r"^reference: holds a control character \(U\+000A\)"):
        approve(loaded, "R-4", "chief_alcohol_outside", "Chief Ruiz", "M-1\nforged line")
    with pytest.raises(InputError, match=r"^override_reason: holds a control character"):
        assign(loaded, "R-3", "K-2", override=Override("court\rends", "Sgt. Hale"))
    assert staffed(loaded, "R-3") == [] and events(loaded, since) == []


def test_an_approval_of_a_cancelled_request_is_refused_and_nothing_is_written(
    loaded: Store,
) -> None:
    # A hand move is refused there; the approval wrote an event for work that will not happen.
    from store.workflow import cancel

    cancel(loaded, "R-4", at=NOW)
    since = last_id(loaded)
    with pytest.raises(InputError, match="^request: R-4 is cancelled$"):
        approve(loaded, "R-4", "chief_alcohol_outside", "Chief Ruiz", "M-1")
    assert events(loaded, since) == []


ON_DUTY_K2 = DUTY + "K-2,2026-12-01T13:00:00-05:00,2026-12-01T15:00:00-05:00,COURT\n"


def test_a_hand_move_that_breaks_a_rule_is_refused_with_its_code(
    loaded: Store, world: Path
) -> None:
    import_on_duty(loaded, write(world, "duty.csv", ON_DUTY_K2))
    since = last_id(loaded)
    with pytest.raises(MoveRefused) as caught:
        assign(loaded, "R-3", "K-2")
    assert caught.value.field == "ON_DUTY"
    assert str(caught.value).startswith(
        "ON_DUTY: shift is too close to the officer's on-duty time: K-2 on R-3 ")
    assert staffed(loaded, "R-3") == [] and events(loaded, since) == []


def test_a_hand_shift_with_seconds_is_refused_and_nothing_is_written(loaded: Store) -> None:
    since = last_id(loaded)
    with pytest.raises(InputError, match=r"^end: 2026-12-01T17:59:30-05:00 is not on a whole "
                       r"minute \(times of work have 0 seconds\)$"):
        assign(loaded, "R-3", "K-2", start=datetime.fromisoformat("2026-12-01T14:00:00-05:00"),
               end=datetime.fromisoformat("2026-12-01T17:59:30-05:00"))
    assert staffed(loaded, "R-3") == [] and events(loaded, since) == []


def test_a_hand_shift_ending_before_it_starts_is_named_in_the_offset_given(
    loaded: Store,
) -> None:
    # The times were shown in UTC ("2026-12-01T18:00:00+00:00 is not after start ...").
    with pytest.raises(InputError, match=r"^end: 2026-12-01T13:00:00-05:00 is not after start "
                       r"2026-12-01T14:00:00-05:00$"):
        assign(loaded, "R-3", "K-2", start=datetime.fromisoformat("2026-12-01T14:00:00-05:00"),
               end=datetime.fromisoformat("2026-12-01T13:00:00-05:00"))
    assert staffed(loaded, "R-3") == []


def test_an_allowed_override_places_the_officer_and_records_the_reason(
    loaded: Store, world: Path
) -> None:
    import_on_duty(loaded, write(world, "duty.csv", ON_DUTY_K2))
    since = last_id(loaded)
    set_policy(loaded, "kennesaw-ga", {"overridable_rules": ["ON_DUTY"]})
    move = assign(loaded, "R-3", "K-2", override=Override("court ends early", "Sgt. Hale"))
    assert [v.code for v in move.overridden] == ["ON_DUTY"]
    assert staffed(loaded, "R-3") == [("K-2", "confirmed")]
    assert events(loaded, since) == [("policy", None, None), ("assign", "R-3", "K-2"),
                                     ("override", "R-3", "K-2")]
    with loaded.transaction() as session:
        event = session.scalars(select(AuditEventRow).order_by(AuditEventRow.id.desc())).first()
    assert event is not None and event.reason == "court ends early"
    assert event.after is not None and (event.after["by"], event.after["rules"]) == (
        "Sgt. Hale", ["ON_DUTY"])


def test_an_override_of_a_rule_the_policy_does_not_list_is_refused(
    loaded: Store, world: Path
) -> None:
    # 00:00-13:00 on duty (13 h) plus R-3 14:00-18:00 (4 h): 17 h in 24 h, over 16.
    import_on_duty(loaded, write(world, "duty.csv", DUTY
                                 + "K-1,2026-12-01T00:00:00-05:00,2026-12-01T13:00:00-05:00,"
                                 "PATROL\n"))
    set_policy(loaded, "kennesaw-ga", {"overridable_rules": ["ON_DUTY"]})
    with pytest.raises(MoveRefused) as caught:
        assign(loaded, "R-3", "K-1", override=Override("short of staff", "Sgt. Hale"))
    assert caught.value.field == "REST_24H"
    assert str(caught.value).endswith("; the agency's policy does not let a supervisor "
                                      "override REST_24H (overridable_rules: ON_DUTY)")
    assert staffed(loaded, "R-3") == []


def test_a_policy_naming_no_officer_rule_is_refused_and_nothing_is_written(
    loaded: Store,
) -> None:
    # A misspelt code was stored, and the rule it meant stayed binding unsaid.
    since = last_id(loaded)
    with pytest.raises(InputError, match=r"^overridable_rules\[1\]: no officer rule 'ON_DUTTY' "
                       r"\(known: STATUS_BARRED, "):
        set_policy(loaded, "kennesaw-ga", {"overridable_rules": ["REST_24H", "ON_DUTTY"]})
    assert events(loaded, since) == []


def test_unassign_withdraws_a_proposal_and_releases_a_confirmed_shift(loaded: Store) -> None:
    nightly(loaded)
    officer = staffed(loaded, "R-1")[0][0]
    since = last_id(loaded)
    move = unassign(loaded, "R-1", officer)
    assert move.action == "removed" and staffed(loaded, "R-1") == []
    assign(loaded, "R-1", officer)
    unassign(loaded, "R-1", officer)
    assert events(loaded, since) == [("unassign", "R-1", officer), ("assign", "R-1", officer),
                                     ("unassign", "R-1", officer)]


def test_every_workflow_command_writes_exactly_its_events(loaded: Store, world: Path) -> None:
    from store.workflow import cancel, confirm, record_worked

    with loaded.transaction() as session:
        imported = [r.action for r in session.scalars(select(AuditEventRow)
                                                       .order_by(AuditEventRow.id))]
    assert imported == ["import_officers", "import_availability", "import_requests",
                        "import_requests"]
    since = last_id(loaded)
    nightly(loaded)
    added = events(loaded, since)
    assert added[-1] == ("nightly_run", None, None)
    assert sorted(a for a in added[:-1]) == sorted(
        ("proposal_added", r, o) for r, o in [("R-1", staffed(loaded, "R-1")[0][0]),
                                              ("R-3", staffed(loaded, "R-3")[0][0]),
                                              *[("R-2", o) for o, _ in staffed(loaded, "R-2")]])
    since = last_id(loaded)
    nightly(loaded)  # nothing changed: the run is recorded, no proposal touched
    assert events(loaded, since) == [("nightly_run", None, None)]
    since = last_id(loaded)
    r1 = staffed(loaded, "R-1")[0][0]
    confirm(loaded, "R-1")
    record_worked(loaded, "R-1", r1, NOW.replace(day=1, month=12, hour=8),
                  NOW.replace(day=1, month=12, hour=12), now=NOW.replace(month=12, day=2))
    cancel(loaded, "R-2", at=NOW)
    assert events(loaded, since) == [("confirm", "R-1", r1), ("worked", "R-1", r1),
                                     ("cancel", "R-2", None)]
    with loaded.transaction() as session:
        assert verify(session).ok


def test_editing_an_event_in_the_database_makes_verify_name_it(loaded: Store) -> None:
    nightly(loaded)
    with loaded.transaction() as session:
        assert verify(session).summary().startswith("audit trail intact: ")
        target = session.scalars(select(AuditEventRow.id).where(
            AuditEventRow.action == "import_requests")).first()
    with loaded.transaction() as session:  # a tamperer with the rights to lift the guard
        if session.get_bind().dialect.name == "sqlite":
            session.execute(text("DROP TRIGGER tr_audit_events_append_only_UPDATE"))
        else:
            session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        session.execute(text("UPDATE audit_events SET actor = 'someone else' WHERE id = :id"),
                        {"id": target})
    with loaded.transaction() as session:
        found = verify(session)
    assert (found.ok, found.broken_id) == (False, target)
    assert found.summary() == (f"audit trail broken at event {target}: its content no longer "
                               "matches its hash (the event was edited)")


def test_the_trail_refuses_an_update_or_a_delete(loaded: Store) -> None:
    from sqlalchemy.exc import DBAPIError

    for statement in ("UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="the audit trail is append-only"), \
                loaded.transaction() as session:
            session.execute(text(statement))
