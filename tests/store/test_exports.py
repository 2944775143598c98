"""Exports from stored rows: roster CSV and Excel, calendars, invoices and payroll in cents.

After the nightly run every position is confirmed; R-1's officer worked 08:00-13:00 (5 h),
R-2's two officers work their scheduled 4 h. Kennesaw regular: $76.05 billed, $69.25 paid.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from icalendar import Calendar
from sqlalchemy import select

from store import Store
from store.exports import ROSTER_COLUMNS, export
from store.nightly import run_nightly
from store.schema import AssignmentRow, RequestRow
from store.workflow import cancel, confirm, record_worked
from tests.store.world import NOW, load_world


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def staffed(store: Store, world: Path) -> Store:
    load_world(store, world)
    run_nightly(store, now=NOW, horizon_days=7, time_limit_s=5)
    confirm(store, None)
    with store.transaction() as session:
        shift = session.scalars(
            select(AssignmentRow).join(RequestRow).where(RequestRow.code == "R-1")
        ).one()
        officer = shift.officer.code
    record_worked(store, "R-1", officer, datetime.fromisoformat("2026-12-01T08:00:00-05:00"),
                  datetime.fromisoformat("2026-12-01T13:00:00-05:00"),
                  now=datetime.fromisoformat("2026-12-01T13:05:00-05:00"))
    return store


def test_roster_csv_and_excel_hold_the_same_rows(staffed: Store, tmp_path: Path) -> None:
    csv_path, xlsx_path = export(staffed, "roster", tmp_path)
    rows = read(csv_path)
    sheet = pd.read_excel(xlsx_path, sheet_name="roster", dtype=str, keep_default_na=False)
    assert list(sheet.columns) == list(ROSTER_COLUMNS)
    assert sheet["request_id"].tolist() == [r["request_id"] for r in rows] == ["R-1", "R-2", "R-2"]
    assert rows[0]["start"] == "2026-12-01T08:00:00-05:00"
    assert (rows[0]["state"], rows[0]["worked_hours"]) == ("worked", "5.0")


def test_a_period_keeps_the_local_dates_inside_it(staffed: Store, tmp_path: Path) -> None:
    csv_path, _ = export(staffed, "roster", tmp_path, date(2026, 12, 2), date(2026, 12, 2))
    assert [r["request_id"] for r in read(csv_path)] == ["R-2", "R-2"]


def test_each_officer_gets_a_calendar_that_parses(staffed: Store, tmp_path: Path) -> None:
    paths = export(staffed, "ics", tmp_path)
    events = []
    for path in paths:
        calendar = Calendar.from_ical(path.read_bytes())
        events += [c for c in calendar.walk() if c.name == "VEVENT"]
    assert len(paths) in (2, 3)
    assert len(events) == 3
    starts = sorted(e.decoded("dtstart").isoformat() for e in events)
    assert starts[0] == "2026-12-01T13:00:00+00:00"
    assert len({str(e["uid"]) for e in events}) == 3


def test_invoices_bill_worked_and_confirmed_hours_to_the_cent(
    staffed: Store, tmp_path: Path
) -> None:
    lines_path, customers_path, html_path, pdf_path = export(staffed, "invoices", tmp_path)
    lines = read(lines_path)
    assert [(r["request_id"], r["rate_type"], r["quantity"], r["amount"]) for r in lines] == [
        ("R-1", "regular", "5.0000", "380.25"),  # 5 h x 76.05
        ("R-2", "regular", "8.0000", "608.40"),  # 2 officers x 4 h x 76.05
    ]
    customers = {r["customer_id"]: r["total"] for r in read(customers_path)}
    assert customers == {"EMP-1": "380.25", "EMP-2": "608.40"}
    page = html_path.read_text(encoding="utf-8")
    assert "Home Depot #2 (EMP-2)" in page and "608.40" in page
    assert pdf_path.read_bytes().startswith(b"%PDF-")


def test_a_cancellation_charge_joins_the_invoice(staffed: Store, tmp_path: Path) -> None:
    cancel(staffed, "R-2", at=datetime.fromisoformat("2026-12-01T18:00:00-05:00"))
    lines_path, customers_path, _, _ = export(staffed, "invoices", tmp_path)
    customers = {r["customer_id"]: r["total"] for r in read(customers_path)}
    assert customers["EMP-2"] == "608.40"  # 2 x (4 x 69.25) + 2 x 4 x 6.80 = 554.00 + 54.40
    lines = read(lines_path)
    charged = [(r["description"], r["amount"]) for r in lines if r["request_id"] == "R-2"]
    assert charged == [
        ("cancellation: admin fee for the first 24 hours", "54.40"),
        ("cancellation: officer pay for the hours worked or the minimum", "554.00"),
    ]


def test_payroll_pays_net_of_the_admin_fee(staffed: Store, tmp_path: Path) -> None:
    lines_path, officers_path = export(staffed, "payroll", tmp_path)
    lines = read(lines_path)
    by_request = sorted((r["request_id"], r["hours"], r["pay_rate"], r["amount"]) for r in lines)
    assert by_request == [
        ("R-1", "5.0000", "69.25", "346.25"),
        ("R-2", "4.0000", "69.25", "277.00"),
        ("R-2", "4.0000", "69.25", "277.00"),
    ]
    total = sum(float(r["amount"]) for r in read(officers_path))
    assert round(total, 2) == 900.25


def test_a_late_cancellation_pays_the_officers_the_minimum(
    staffed: Store, tmp_path: Path
) -> None:
    cancel(staffed, "R-2", at=datetime.fromisoformat("2026-12-01T18:00:00-05:00"))
    lines_path, _ = export(staffed, "payroll", tmp_path)
    late = [(r["kind"], r["request_id"], r["hours"], r["amount"]) for r in read(lines_path)
            if r["request_id"] == "R-2"]
    assert late == [("cancellation", "R-2", "4.0000", "277.00")] * 2  # max(W, M) = 4 h x 69.25 each
