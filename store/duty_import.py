"""`offduty import on-duty`: the department's duty roster, as its scheduling system exports it.

The file is a CSV in the column layout of a TeleStaff-style roster export (docs/csv-format.md):
`Employee ID`, `Start`, `End`, `Assignment Code`, one duty block a row, times ISO 8601 with their
UTC offset. The file covers a range of local dates (from the first block's start date to the last
block's end date); for each officer it lists, the import replaces that officer's duty blocks
starting in that range by the file's, in one transaction, so a corrected export simply replaces
the last one. Officers the file does not list keep their blocks. Every bad row is checked
first; the first is reported with its line and nothing is written. The next nightly reads the new
blocks for the rest rule and the travel gap.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import InputError
from models.common import elapsed
from scheduler.input_bounds import year_problem
from store.audit import record
from store.db import Store
from store.importer import _raise_first, _read_text
from store.locking import hold_agencies
from store.records import agency_of, only_agency
from store.schema import AgencyRow, OfficerRow, OnDutyRow

log = logging.getLogger(__name__)

COLUMNS = ("Employee ID", "Start", "End", "Assignment Code")
MAX_BLOCK = timedelta(hours=24)


@dataclass(frozen=True)
class DutyBlock:
    where: str
    officer: str
    start: datetime
    end: datetime
    code: str


@dataclass
class DutyReport:
    path: Path
    rows: int = 0
    officers: int = 0
    removed: int = 0
    first_day: str = ""
    last_day: str = ""
    changed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.path.name}: {self.rows} duty blocks for {self.officers} officer(s), "
                f"{self.first_day} to {self.last_day}; {self.removed} earlier block(s) replaced")


def import_on_duty(store: Store, path: str | Path, agency: str | None = None) -> DutyReport:
    """Replace the listed officers' duty blocks in the file's date range (all rows or none)."""
    path = Path(path)
    blocks = _parse(path)
    report = DutyReport(path=path, rows=len(blocks))
    with store.write() as session:
        agency_id = agency or only_agency(session)
        hold_agencies(session, [agency_id])
        agency_row = session.get(AgencyRow, agency_id)
        if agency_row is None:
            raise InputError("agency", f"no agency {agency_id!r} in the store")
        officers = _officers(session, agency_id, blocks)
        first, last = _date_range(blocks, agency_row)
        report.first_day, report.last_day = first.date().isoformat(), \
            (last - timedelta(days=1)).date().isoformat()
        for code, officer in officers.items():
            mine = [b for b in blocks if b.officer == code]
            report.removed += _replace(session, agency_id, officer, mine, (first, last))
        report.officers = len(officers)
    log.info("%s", report.summary())
    return report


def _parse(path: Path) -> list[DutyBlock]:
    reader = csv.reader(io.StringIO(_read_text(path), newline=""))
    header = [name.strip() for name in next(reader, [])]
    missing = [name for name in COLUMNS if name not in header]
    if not header or missing:
        raise InputError(f"{path.name}:1", f"missing column {(missing or COLUMNS)[0]!r}; "
                         f"expected {', '.join(COLUMNS)}")
    blocks: list[DutyBlock] = []
    errors: list[InputError] = []
    last = reader.line_num
    for cells in reader:
        where = f"{path.name}:{last + 1}"
        last = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        try:
            blocks.append(_block(where, dict(zip(header, cells, strict=False))))
        except InputError as err:
            errors.append(err)
    errors.extend(_overlaps(blocks))
    if not blocks and not errors:
        raise InputError(f"{path.name}:2", "the file lists no duty block")
    _raise_first(errors)
    return blocks


def _block(where: str, row: dict[str, str]) -> DutyBlock:
    officer = (row.get("Employee ID") or "").strip()
    if not officer:
        raise InputError(f"{where}: Employee ID", "is empty")
    start = _time(where, "Start", row.get("Start") or "")
    end = _time(where, "End", row.get("End") or "")
    span = elapsed(start, end)
    if span <= timedelta(0):
        raise InputError(f"{where}: End", f"{end.isoformat()} is not after Start "
                         f"{start.isoformat()}")
    if span > MAX_BLOCK:
        raise InputError(f"{where}: End", "a duty block lasts at most 24 hours")
    return DutyBlock(where, officer, start, end, (row.get("Assignment Code") or "").strip())


def _time(where: str, column: str, text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise InputError(f"{where}: {column}", f"not an ISO 8601 time: {text!r}") from exc
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InputError(f"{where}: {column}", f"{text.strip()!r} has no UTC offset")
    problem = year_problem(moment)
    if problem is not None:
        raise InputError(f"{where}: {column}", problem)
    return moment


def _overlaps(blocks: list[DutyBlock]) -> list[InputError]:
    """Two blocks of one officer that overlap are a broken export, not two duties."""
    errors = []
    ordered = sorted(blocks, key=lambda b: (b.officer, b.start))
    for one, two in zip(ordered, ordered[1:], strict=False):
        if one.officer == two.officer and two.start < one.end:
            errors.append(InputError(f"{two.where}: Start", f"{two.officer}'s block overlaps "
                                     f"the block at {one.where}"))
    return errors


def _officers(session: Session, agency_id: str, blocks: list[DutyBlock]) -> dict[str, OfficerRow]:
    known = {o.code: o for o in session.scalars(
        select(OfficerRow).where(OfficerRow.agency_id == agency_id))}
    unknown = [b for b in blocks if b.officer not in known]
    if unknown:
        raise InputError(f"{unknown[0].where}: Employee ID",
                         f"unknown officer {unknown[0].officer!r} at {agency_id} "
                         "(nothing was imported)")
    return {code: known[code] for code in sorted({b.officer for b in blocks})}


def _date_range(blocks: list[DutyBlock], agency_row: AgencyRow) -> tuple[datetime, datetime]:
    """Midnight of the first block's start date to midnight after the last block's end date."""
    tz = agency_of(agency_row).tz
    first = min(b.start for b in blocks).astimezone(tz).date()
    last = max(b.end for b in blocks).astimezone(tz).date() + timedelta(days=1)
    return datetime.combine(first, time(0), tzinfo=tz), datetime.combine(last, time(0), tzinfo=tz)


def _replace(
    session: Session, agency_id: str, officer: OfficerRow, blocks: list[DutyBlock],
    span: tuple[datetime, datetime],
) -> int:
    """Swap the officer's blocks starting inside `span` for `blocks`; one audit event."""
    old = list(session.scalars(select(OnDutyRow).where(
        OnDutyRow.officer_id == officer.id, OnDutyRow.start >= span[0],
        OnDutyRow.start < span[1]).order_by(OnDutyRow.start)))
    before = [_shown(b.start, b.end, b.code) for b in old]
    for row in old:
        session.delete(row)
    session.flush()
    for block in blocks:
        session.add(OnDutyRow(officer_id=officer.id, start=block.start, end=block.end,
                              code=block.code or None))
    session.flush()
    after = [_shown(b.start, b.end, b.code or None) for b in blocks]
    record(session, "import_on_duty", agency=agency_id, officer=officer.code,
           before={"blocks": before}, after={"blocks": after, "from": span[0], "to": span[1]})
    return len(old)


def _shown(start: datetime, end: datetime, code: str | None) -> dict[str, object]:
    return {"start": start, "end": end, "code": code}
