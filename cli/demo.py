"""`offduty demo`: the nightly auto-assignment on the bundled Kennesaw week, end to end.

Imports the demo CSVs (`scenarios/examples/demo/`) and the department's duty roster into a fresh
embedded store, records the chief's approval of an out-of-city job, runs the nightly assignment
as of the Monday before the week, confirms the proposal, prices one late cancellation, writes
every export, the audit trail and the hours report, and closes by showing the trail's chain
catch a row tampered with in a copy of the store.
"""

from __future__ import annotations

import argparse
import csv
import shutil
from datetime import datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from cli.demo_record import closing_note, write_record
from scheduler.display import fractional_note
from store import open_store
from store.approvals import approve
from store.duty_import import import_on_duty
from store.exports import EXPORT_KINDS, export
from store.importer import import_file
from store.nightly import run_nightly
from store.roster import RosterFilter, format_table, roster_lines
from store.workflow import cancel, confirm

DEMO_NOW = "2026-12-07T00:00:00-05:00"
CANCEL_REQUEST = "REQ-00001"
CANCEL_AT = "2026-12-08T12:00:00-05:00"
APPROVED = "REQ-00032"  # uniformed, outside the city limits: refused without the approval
# The exports' date (invoices, calendar stamps): fixed, so two demo runs write the same files.
DEMO_ISSUED = "2026-12-14T09:00:00-05:00"


def register(sub: Any) -> None:
    """Add the `demo` subcommand."""
    parser = sub.add_parser("demo", help="run the nightly assignment on the bundled example week")
    parser.add_argument("--out", default="out/demo", metavar="DIR",
                        help="where the demo store and exports go (default out/demo)")
    parser.add_argument("--time-limit", type=float, default=5, metavar="S",
                        help="solver time limit (default 5)")
    parser.set_defaults(func=run_demo)


def demo_files() -> Path:
    """The bundled demo CSVs (officers, availability, requests)."""
    return Path(str(resources.files("scenarios").joinpath("examples/demo")))


def run_demo(args: argparse.Namespace) -> int:
    out = Path(args.out)
    database = out / "offduty.db"
    # A fresh store every time, so the demo always shows the same first run.
    shutil.rmtree(out / "exports", ignore_errors=True)
    for stale in (database, out / "offduty.db-journal"):
        stale.unlink(missing_ok=True)
    store = open_store(database)
    try:
        _import(store)
        _record(store)
        _nightly(store, args.time_limit)
        _dispatch(store)
        _export(store, out / "exports")
        write_record(store, out / "exports")
        print(f"\nstore: {database} (try: offduty roster show --db {database} --date 2026-12-09)")
        closing_note(store, database)
    finally:
        store.close()
    return 0


def _import(store: Any) -> None:
    print("== import")
    for kind in ("officers", "availability", "requests"):
        print(" ", import_file(store, kind, demo_files() / f"{kind}.csv").summary())


def _record(store: Any) -> None:
    print("== duty roster and approvals")
    print(" ", import_on_duty(store, demo_files() / "on_duty.csv").summary())
    approval = approve(store, APPROVED, "out_of_city_uniform", "Chief Westbrook", "OC-2026-00032")
    print(f"  {APPROVED}: out_of_city_uniform approved by {approval.approved_by} "
          f"(reference {approval.reference})")


def _nightly(store: Any, time_limit: float) -> None:
    print(f"== nightly assignment as of {DEMO_NOW}, 7 days ahead")
    now = datetime.fromisoformat(DEMO_NOW)
    reports = run_nightly(store, now=now, horizon_days=7, time_limit_s=time_limit)
    for report in reports:
        print(" ", report.summary())
    for line in fractional_note([r.positions_filled for r in reports]):
        print(" ", line)
    with store.transaction() as session:
        lines = roster_lines(session, RosterFilter(first=now.date(), last=now.date()))
    print(format_table(lines[:8]))
    if len(lines) > 8:
        print(f"  ... {len(lines) - 8} more on {now.date()}")


def _dispatch(store: Any) -> None:
    print("== dispatcher")
    print(f"  confirmed {confirm(store, None)} proposed assignment(s)")
    result = cancel(store, CANCEL_REQUEST, at=datetime.fromisoformat(CANCEL_AT))
    print(f"  customer cancels {CANCEL_REQUEST} at {CANCEL_AT}: {result.summary()}")


def _export(store: Any, folder: Path) -> None:
    print("== exports")
    for kind in EXPORT_KINDS:
        paths = export(store, kind, folder, issued=datetime.fromisoformat(DEMO_ISSUED))
        print(f"  {kind}: {len(paths)} file(s) in {folder / kind}")
    billed = _column_total(folder / "invoices" / "invoices_by_customer.csv", "total")
    paid = _column_total(folder / "payroll" / "payroll_by_officer.csv", "amount")
    print(f"  invoiced {billed:.2f} USD to customers; officer pay {paid:.2f} USD")


def _column_total(path: Path, column: str) -> Decimal:
    with path.open(encoding="utf-8") as handle:
        return sum((Decimal(row[column]) for row in csv.DictReader(handle)), Decimal(0))
