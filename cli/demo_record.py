"""The demo's system-of-record part: where the audit trail and hours report went, and a closing
note that lists the trail and shows `audit verify` catch a row tampered with in a copy."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import text

from store import open_store
from store.audit import EVENT_COLUMNS, event_cells, event_line, list_events, verify
from store.audit_reports import HOURS_COLUMNS, hours_report

WEEK = (date(2026, 12, 7), date(2026, 12, 13))


def write_record(store: Any, folder: Path) -> None:
    """The audit trail and the week's hours report, as CSV files under `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    with store.transaction() as session:
        events = [event_cells(r) for r in list_events(session)]
        hours = [r.cells() for r in hours_report(session, *WEEK)]
    _write(folder / "audit_trail.csv", EVENT_COLUMNS, events)
    _write(folder / "hours_report.csv", HOURS_COLUMNS, hours)
    print(f"  audit trail: {len(events)} event(s) in {folder / 'audit_trail.csv'}")
    over = sum(1 for row in hours if row[-1] == "OVER")
    print(f"  hours report: {len(hours)} officer-week(s), {over} over the weekly cap, in "
          f"{folder / 'hours_report.csv'}")


def _write(path: Path, header: tuple[str, ...], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def closing_note(store: Any, database: Path) -> None:
    """The last events of the trail, then a tampered copy that `verify` catches."""
    with store.transaction() as session:
        rows = list_events(session)
        print(f"\n== audit (offduty audit --db {database}): last 5 of {len(rows)} events")
        for row in rows[-5:]:
            print(" ", event_line(row)[:150])
        print(f"  verify: {verify(session).summary()}")
    copy = database.with_name("tampered.db")
    shutil.copyfile(database, copy)
    tampered = open_store(copy, migrate=False)
    try:
        target = rows[len(rows) // 2].id
        with tampered.transaction() as session:  # someone with the rights to lift the guard
            session.execute(text("DROP TRIGGER tr_audit_events_append_only_UPDATE"))
            session.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE id = :id"),
                            {"id": target})
        with tampered.transaction() as session:
            print(f"  a copy with event {target} edited ({copy}): {verify(session).summary()}")
    finally:
        tampered.close()
