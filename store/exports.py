"""`offduty export`: the roster (CSV, Excel), officers' calendars (.ics), invoices and payroll.

Everything is written from stored rows, so an export can be rerun at any time and gives the
same files for the same store and period.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from models import InputError
from store.billing import customer_totals, invoice_items, officer_totals, pay_items
from store.calendars import export_ics
from store.db import Store
from store.invoices import build_invoices, invoices_html, invoices_pdf
from store.roster import RosterFilter, roster_lines
from store.workbook import ROSTER_COLUMNS, write_workbook

EXPORT_KINDS: tuple[str, ...] = ("roster", "ics", "invoices", "payroll")


def export(
    store: Store, kind: str, out: str | Path, first: date | None = None, last: date | None = None,
    issued: datetime | None = None,
) -> list[Path]:
    """Write one kind of export into `out/KIND` (created if missing); returns the files written.

    `issued` dates the invoices and stamps the calendars (default now), so a rerun with the same
    value gives the same bytes.
    """
    if first and last and last < first:
        raise InputError("to", f"{last} is before --from {first}")
    writers: dict[str, Callable[[Store, Path, date | None, date | None], list[Path]]] = {
        "roster": export_roster,
        "ics": export_ics,
        "invoices": export_invoices,
        "payroll": export_payroll,
    }
    if kind not in writers:
        raise InputError("kind", f"unknown export {kind!r} (known: {', '.join(EXPORT_KINDS)})")
    # One folder per kind (`OUT/roster`, `OUT/ics`, ...): a week's calendars alone are dozens
    # of files, and people look for invoices without wading through them.
    Path(out).mkdir(parents=True, exist_ok=True)  # a bad --out fails on the path given
    folder = Path(out) / kind
    folder.mkdir(exist_ok=True)
    issued = issued or datetime.now(UTC)
    if kind == "ics":
        return export_ics(store, folder, first, last, stamp=issued)
    if kind == "invoices":
        return export_invoices(store, folder, first, last, issued=issued.date())
    return writers[kind](store, folder, first, last)


def write_csv(path: Path, records: Sequence[dict[str, object]], columns: Sequence[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    return path


def export_roster(store: Store, folder: Path, first: date | None, last: date | None) -> list[Path]:
    with store.transaction() as session:
        lines = roster_lines(session, RosterFilter(first, last))
    csv_path = write_csv(folder / "roster.csv", [line.as_record() for line in lines],
                         ROSTER_COLUMNS)
    return [csv_path, write_workbook(folder / "roster.xlsx", lines)]


INVOICE_COLUMNS = (
    "agency",
    "customer_id",
    "customer",
    "request_id",
    "date",
    "rate_type",
    "description",
    "unit",
    "quantity",
    "rate",
    "amount",
)
CUSTOMER_COLUMNS = ("agency", "invoice", "customer_id", "customer", "requests", "total")


def export_invoices(
    store: Store, folder: Path, first: date | None, last: date | None,
    issued: date | None = None,
) -> list[Path]:
    with store.transaction() as session:
        items = invoice_items(session, first, last)
    records = [item.as_record() for item in items]
    invoices = build_invoices(items, first, last, issued or date.today())
    numbers = {(i.agency_id, i.customer_id): i.number for i in invoices}
    customers = [
        {**row, "invoice": numbers[(str(row["agency"]), str(row["customer_id"]))]}
        for row in customer_totals(items)
    ]
    html_path = folder / "invoices.html"
    html_path.write_text(invoices_html(invoices), encoding="utf-8")
    return [
        write_csv(folder / "invoice_lines.csv", records, INVOICE_COLUMNS),
        write_csv(folder / "invoices_by_customer.csv", customers, CUSTOMER_COLUMNS),
        html_path,
        invoices_pdf(invoices, folder / "invoices.pdf"),
    ]


PAY_COLUMNS = (
    "agency",
    "kind",
    "officer_id",
    "officer_name",
    "request_id",
    "date",
    "rate_type",
    "hours",
    "pay_rate",
    "admin_fee_per_hour",
    "amount",
)
OFFICER_COLUMNS = ("agency", "officer_id", "officer_name", "hours", "amount")


def export_payroll(store: Store, folder: Path, first: date | None, last: date | None) -> list[Path]:
    with store.transaction() as session:
        items = pay_items(session, first, last)
    return [
        write_csv(folder / "pay_lines.csv", [i.as_record() for i in items], PAY_COLUMNS),
        write_csv(folder / "payroll_by_officer.csv", officer_totals(items), OFFICER_COLUMNS),
    ]
