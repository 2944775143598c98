"""`offduty export`: the roster (CSV, Excel), officers' calendars (.ics), invoices and payroll.

Everything is written from stored rows, so an export can be rerun at any time and gives the
same files for the same store and period.
"""

from __future__ import annotations

import csv
import html
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import pandas as pd
from icalendar import Calendar, Event

from models import InputError
from store.billing import customer_totals, invoice_items, officer_totals, pay_items
from store.db import Store
from store.roster import RosterFilter, RosterLine, roster_lines

ExportKind = Literal["roster", "ics", "invoices", "payroll"]
EXPORT_KINDS: tuple[str, ...] = ("roster", "ics", "invoices", "payroll")


def export(
    store: Store, kind: str, out: str | Path, first: date | None = None, last: date | None = None
) -> list[Path]:
    """Write one kind of export into `out` (created if missing); returns the files written."""
    if first and last and last < first:
        raise InputError("to", f"{last} is before --from {first}")
    writers = {
        "roster": export_roster,
        "ics": export_ics,
        "invoices": export_invoices,
        "payroll": export_payroll,
    }
    if kind not in writers:
        raise InputError("kind", f"unknown export {kind!r} (known: {', '.join(EXPORT_KINDS)})")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    return writers[kind](store, folder, first, last)


def write_csv(path: Path, records: Sequence[dict[str, object]], columns: Sequence[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    return path


ROSTER_COLUMNS = (
    "agency",
    "date",
    "request_id",
    "employer",
    "officer_id",
    "officer_name",
    "state",
    "start",
    "end",
    "hours",
    "worked_start",
    "worked_end",
    "worked_hours",
)


def export_roster(store: Store, folder: Path, first: date | None, last: date | None) -> list[Path]:
    with store.transaction() as session:
        records = [line.as_record() for line in roster_lines(session, RosterFilter(first, last))]
    csv_path = write_csv(folder / "roster.csv", records, ROSTER_COLUMNS)
    xlsx_path = folder / "roster.xlsx"
    pd.DataFrame(records, columns=list(ROSTER_COLUMNS)).to_excel(
        xlsx_path, sheet_name="roster", index=False
    )
    return [csv_path, xlsx_path]


def export_ics(store: Store, folder: Path, first: date | None, last: date | None) -> list[Path]:
    """One calendar per officer; event ids are stable so a re-import updates, not duplicates."""
    with store.transaction() as session:
        lines = roster_lines(session, RosterFilter(first, last))
    by_officer: dict[tuple[str, str], list[RosterLine]] = defaultdict(list)
    for line in lines:
        by_officer[(line.agency, line.officer_id)].append(line)
    stamp = datetime.now(UTC)
    paths = []
    for (agency, officer), shifts in sorted(by_officer.items()):
        calendar = Calendar()
        calendar.add("prodid", "-//offduty//roster//EN")
        calendar.add("version", "2.0")
        calendar.add("x-wr-calname", f"Off-duty shifts {officer}")
        for shift in shifts:
            calendar.add_component(_event(shift, stamp))
        path = folder / f"{_safe(agency)}_{_safe(officer)}.ics"
        path.write_bytes(calendar.to_ical())
        paths.append(path)
    return paths


def _event(shift: RosterLine, stamp: datetime) -> Event:
    event = Event()
    event.add(
        "uid",
        f"{shift.agency}.{shift.request_id}.{shift.officer_id}."
        f"{shift.start.astimezone(UTC):%Y%m%dT%H%M}@offduty",
    )
    event.add("dtstamp", stamp)
    event.add("dtstart", shift.start.astimezone(UTC))
    event.add("dtend", shift.end.astimezone(UTC))
    event.add("summary", f"Off-duty: {shift.employer} ({shift.request_id})")
    event.add("description", f"Request {shift.request_id}, state {shift.state}.")
    event.add("status", "TENTATIVE" if shift.state == "proposed" else "CONFIRMED")
    return event


def esc(value: object) -> str:
    return html.escape(str(value))


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


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
CUSTOMER_COLUMNS = ("agency", "customer_id", "customer", "requests", "total")


def export_invoices(
    store: Store, folder: Path, first: date | None, last: date | None
) -> list[Path]:
    with store.transaction() as session:
        items = invoice_items(session, first, last)
    records = [item.as_record() for item in items]
    customers = customer_totals(items)
    return [
        write_csv(folder / "invoice_lines.csv", records, INVOICE_COLUMNS),
        write_csv(folder / "invoices_by_customer.csv", customers, CUSTOMER_COLUMNS),
        _invoice_html(folder / "invoices.html", records, customers, first, last),
    ]


def _invoice_html(
    path: Path,
    records: list[dict[str, object]],
    customers: list[dict[str, object]],
    first: date | None,
    last: date | None,
) -> Path:
    """A printable page: one section per customer, a page break between customers."""
    period = f"{first or 'start'} to {last or 'end'}"
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>Invoices</title><style>",
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}",
        "td,th{border-bottom:1px solid #ccc;padding:4px;text-align:left}td.n{text-align:right}",
        "section{page-break-after:always}</style></head><body>",
    ]
    for customer in customers:
        mine = [
            r
            for r in records
            if (r["agency"], r["customer_id"]) == (customer["agency"], customer["customer_id"])
        ]
        parts.append(_customer_section(customer, mine, period))
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def _customer_section(
    customer: dict[str, object], lines: list[dict[str, object]], period: str
) -> str:
    rows = "".join(
        f"<tr><td>{esc(r['request_id'])}</td><td>{esc(r['date'])}</td><td>{esc(r['description'])}"
        f"</td><td class=n>{esc(r['quantity'])} {esc(r['unit'])}</td><td class=n>{esc(r['rate'])}"
        f"</td><td class=n>{esc(r['amount'])}</td></tr>"
        for r in lines
    )
    return (
        f"<section><h1>Invoice: {esc(customer['customer'])}</h1>"
        f"<p>Customer {esc(customer['customer_id'])}, agency {esc(customer['agency'])}, "
        f"period {esc(period)}</p><table><tr><th>Request</th><th>Date</th><th>Item</th>"
        f"<th>Quantity</th><th>Rate</th><th>Amount</th></tr>{rows}"
        f"<tr><th colspan=5>Total (USD)</th><th>{esc(customer['total'])}</th></tr>"
        "</table></section>"
    )


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
