"""Files people keep: the numbered invoice (HTML golden file, PDF), calendars that carry
cancellations and worked times, and an Excel workbook of real dates and numbers.

The world (tests/store/world.py): R-1 (Kroger #1, EMP-1) 08:00-12:00 on 1 December, one officer,
who worked 08:00-13:00: 5 h x $76.05 = $380.25. R-2 (Home Depot #2, EMP-2) 18:00-22:00 on
2 December, two officers at 4 h: 8 h x $76.05 = $608.40. Eastern time is UTC-5 in December.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from store import Store
from store.exports import export
from store.invoices import quantity_text
from store.nightly import run_nightly
from store.workflow import cancel, confirm, record_worked
from tests.store.world import NOW, load_world

GOLDEN = Path(__file__).parent / "golden"
ISSUED = datetime.fromisoformat("2026-12-14T09:00:00-05:00")


@pytest.fixture
def staffed(store: Store, world: Path) -> Store:
    load_world(store, world)
    run_nightly(store, now=NOW, horizon_days=7, time_limit_s=5)
    confirm(store, None)
    with store.transaction() as session:
        from store.roster import RosterFilter, roster_lines

        officer = roster_lines(session, RosterFilter(request="R-1"))[0].officer_id
    record_worked(store, "R-1", officer, datetime.fromisoformat("2026-12-01T08:00:00-05:00"),
                  datetime.fromisoformat("2026-12-01T13:00:00-05:00"),
                  now=datetime.fromisoformat("2026-12-01T13:05:00-05:00"))
    return store


@pytest.mark.parametrize(("quantity", "unit", "shown"), [
    ("8.0000", "hour", "8 h"), ("4.5000", "hour", "4.5 h"), ("10.0000", "hour", "10 h"),
    ("0.2500", "hour", "0.25 h"), ("12.50", "mile", "12.5 mi"),
])
def test_quantities_read_as_hours(quantity: str, unit: str, shown: str) -> None:
    from decimal import Decimal

    assert quantity_text(Decimal(quantity), unit) == shown


def test_the_invoice_page_matches_its_golden_file(staffed: Store, tmp_path: Path) -> None:
    paths = export(staffed, "invoices", tmp_path, date(2026, 12, 1), date(2026, 12, 7),
                   issued=ISSUED)
    html = paths[2].read_text(encoding="utf-8")
    assert html == (GOLDEN / "invoices.html").read_text(encoding="utf-8")
    by_customer = paths[1].read_text(encoding="utf-8").splitlines()
    assert by_customer == [
        "agency,invoice,customer_id,customer,requests,total",
        "kennesaw-ga,KENNESAW-GA-20261207-001,EMP-1,Kroger #1,1,380.25",
        "kennesaw-ga,KENNESAW-GA-20261207-002,EMP-2,Home Depot #2,1,608.40",
    ]


def test_the_pdf_has_a_page_per_invoice_and_the_same_bytes_each_time(
    staffed: Store, tmp_path: Path
) -> None:
    first = export(staffed, "invoices", tmp_path / "a", issued=ISSUED)[3].read_bytes()
    again = export(staffed, "invoices", tmp_path / "b", issued=ISSUED)[3].read_bytes()
    assert first.startswith(b"%PDF-") and first == again
    assert first.count(b"/Type /Page\n") + first.count(b"/Type /Page ") == 2


def _events(paths: list[Path]) -> dict[str, dict[str, object]]:
    events = {}
    for path in paths:
        for event in Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
            events[str(event["summary"]).split("(")[-1].rstrip(")") + str(event["uid"])] = {
                "uid": str(event["uid"]), "status": str(event["status"]),
                "sequence": int(event["sequence"]),
                "start": event.decoded("dtstart").isoformat(),
                "end": event.decoded("dtend").isoformat(),
            }
    return events


def test_a_cancellation_reaches_the_calendar_that_imported_the_shift(
    staffed: Store, tmp_path: Path
) -> None:
    before = _events(export(staffed, "ics", tmp_path / "before", issued=ISSUED))
    cancel(staffed, "R-2", at=datetime.fromisoformat("2026-12-01T18:00:00-05:00"))
    after = _events(export(staffed, "ics", tmp_path / "after", issued=ISSUED))
    assert before.keys() == after.keys()  # same UIDs: a calendar updates, it does not add
    r2 = sorted(key for key in after if key.startswith("R-2"))
    assert len(r2) == 2
    for key in r2:
        assert (before[key]["status"], before[key]["sequence"]) == ("CONFIRMED", 1)
        assert (after[key]["status"], after[key]["sequence"]) == ("CANCELLED", 3)
        assert after[key]["start"] == "2026-12-02T23:00:00+00:00"  # 18:00 Eastern


def test_a_worked_shift_shows_the_times_worked(staffed: Store, tmp_path: Path) -> None:
    events = _events(export(staffed, "ics", tmp_path, issued=ISSUED))
    (r1,) = [value for key, value in events.items() if key.startswith("R-1")]
    # Scheduled 08:00-12:00 Eastern, worked 08:00-13:00: 13:00-18:00 UTC.
    assert (r1["start"], r1["end"]) == ("2026-12-01T13:00:00+00:00", "2026-12-01T18:00:00+00:00")
    assert (r1["status"], r1["sequence"]) == ("CONFIRMED", 2)


def test_the_workbook_holds_dates_and_numbers_not_text(staffed: Store, tmp_path: Path) -> None:
    _, xlsx = export(staffed, "roster", tmp_path)
    book = load_workbook(xlsx)
    assert book.sheetnames == ["roster", "by request", "by officer"]
    sheet = book["roster"]
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A2", "A1:M4")
    first = [cell.value for cell in sheet[2]]
    assert first[1] == datetime(2026, 12, 1)  # the local date, as an Excel date
    assert (first[2], first[6]) == ("R-1", "worked")
    assert (first[7], first[8]) == (datetime(2026, 12, 1, 8), datetime(2026, 12, 1, 12))
    assert (first[9], first[10], first[12]) == (4, datetime(2026, 12, 1, 8), 5)
    assert sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet.column_dimensions["D"].width == len("Home Depot #2") + 2
    requests = [[c.value for c in row] for row in book["by request"].iter_rows(min_row=2)]
    assert [(r[2], r[4], r[5]) for r in requests] == [("R-1", 1, 4), ("R-2", 2, 8)]
    weeks = [[c.value for c in row] for row in book["by officer"].iter_rows(min_row=2)]
    assert sorted(w[4] for w in weeks) == [4, 4, 5]  # R-1 as worked (5 h), R-2's two 4 h
    assert {w[3] for w in weeks} == {"2026-W49"}
