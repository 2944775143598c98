"""`offduty import`: officers, availability or requests from CSV or JSON, all or nothing.

Every row is validated through the pydantic models first (and its times and numbers against
what offduty computes with); a bad row, a byte that is not UTF-8 or an id given twice is
reported with its line number (CSV) or position (JSON) and the column at fault, and then nothing
of the file is written. Valid files are written in one transaction: officers and requests are
upserted by their public id, identical windows are not added twice, so importing a file again
changes nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Agency, InputError, Officer, Request
from models.common import describe_validation_error, too_long
from models.officer import QUAL_LIQUOR, QUAL_TRAFFIC, QUAL_VEHICLE
from scheduler.input_bounds import check_bounds
from scheduler.pricing.rate_card import check_priceable
from scheduler.problem_io import load_json
from store.audit import record
from store.csvformat import COLUMN_OF_FIELD, COLUMNS, REQUIRED, Kind, WindowRow, row_to_data
from store.db import Store
from store.locking import hold_agencies
from store.progress import counting, progress
from store.records import agency_of, ensure_agency, officer_to_row, only_agency, request_to_row
from store.schema import AgencyRow, AvailabilityRow, OfficerRow, OnDutyRow, RequestRow

MODELS: dict[str, type[BaseModel]] = {
    "officers": Officer, "availability": WindowRow, "requests": Request,
}


@dataclass
class ParsedRow:
    """A validated row, where it came from (`file:line` or `file[index]`) and its agency."""

    where: str
    agency: str | None
    item: Any


@dataclass
class ImportReport:
    kind: str
    path: Path
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    agencies: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"{self.path.name}: {self.rows} {self.kind} rows, {self.added} added, "
            f"{self.updated} updated, {self.unchanged} unchanged"
        ]
        shown = self.notes[:NOTES_SHOWN]
        lines += [f"note: {note}" for note in shown]
        if len(self.notes) > len(shown):
            lines.append(f"note: and {len(self.notes) - len(shown)} more like these")
        return "\n".join(lines)


# Qualifications the rules look for (rules.md, officer eligibility): another is kept, and said.
KNOWN_QUALIFICATIONS = (QUAL_TRAFFIC, QUAL_VEHICLE, QUAL_LIQUOR)
NOTES_SHOWN = 5


def _unknown_qualifications(rows: list[ParsedRow]) -> list[str]:
    """A note per officer holding a qualification no rule looks for: "Traffic" or "trafic"
    imported silently, and the officer then qualified for no traffic job."""
    notes = []
    for row in rows:
        unknown = [q for q in getattr(row.item, "qualifications", []) if q not in
                   KNOWN_QUALIFICATIONS]
        if unknown:
            notes.append(
                f"{row.where}: {row.item.id} holds {', '.join(map(repr, unknown))}, which no "
                f"rule looks for (known: {', '.join(KNOWN_QUALIFICATIONS)}); kept as given"
            )
    return notes


def import_file(
    store: Store, kind: Kind, path: str | Path, agency: str | None = None
) -> ImportReport:
    """Validate every row of the file, then write all of it in one transaction (or nothing)."""
    path = Path(path)
    if kind not in MODELS:
        raise InputError("kind", f"unknown import kind {kind!r} (officers, availability, requests)")
    rows = _parse(kind, path, agency)
    report = ImportReport(kind=kind, path=path, rows=len(rows),
                          notes=_unknown_qualifications(rows))
    named = {row.agency or agency for row in rows}
    with store.write() as session:
        # A nightly checking its agency must not see the file half written (store.locking).
        hold_agencies(session, None if None in named else [a for a in named if a is not None])
        writer = {"officers": _OfficerWriter(), "availability": _WindowWriter(),
                  "requests": _RequestWriter()}[kind]
        changed: dict[str, dict[str, list[str]]] = {}
        # Each agency is looked up once a file, not once a row: held here, its row stays in the
        # session (20,000 requests read it 20,000 times, a fifth of the import).
        ensured: dict[str, AgencyRow] = {}
        only: str | None = None
        for row in progress(rows, desc=f"import {kind}", unit="row"):
            if not (row.agency or agency) and only is None:
                only = only_agency(session)
            agency_id = row.agency or agency or only
            assert agency_id is not None
            outcome = _write_row(session, agency_id, row, writer, ensured)
            setattr(report, outcome, getattr(report, outcome) + 1)
            if agency_id not in report.agencies:
                report.agencies.append(agency_id)
            if outcome != "unchanged":
                ident = str(getattr(row.item, "id", None) or getattr(row.item, "officer_id", ""))
                changed.setdefault(agency_id, {}).setdefault(outcome, []).append(ident)
        for agency_id, ids in changed.items():
            # One event per agency the file changed, naming what it added and updated.
            record(session, f"import_{kind}", agency=agency_id,
                   after={"file": path.name, "rows": report.rows, **ids})
    return report


def _write_row(
    session: Session, agency_id: str, row: ParsedRow, writer: Any, ensured: dict[str, AgencyRow]
) -> str:
    """Write one row; an error raised while writing still names the row's line."""
    try:
        if agency_id not in ensured:
            ensured[agency_id] = ensure_agency(session, agency_id)
        return str(writer(session, agency_id, row.item))
    except InputError as exc:
        raise _at(row.where, exc.field, exc.message) from exc


def _at(where: str, field: str, message: str) -> InputError:
    """An error at a row, naming its column where there is one (a check of the whole row, such
    as an end before its start, has none: it was shown as "FILE:2: : ...")."""
    return InputError(f"{where}: {field}" if field else where, message)


def _parse(kind: str, path: Path, agency: str | None) -> list[ParsedRow]:
    if path.suffix.lower() == ".json":
        return _parse_json(kind, path, agency)
    return _parse_csv(kind, path)


def _parse_csv(kind: str, path: Path) -> list[ParsedRow]:
    parsed: list[ParsedRow] = []
    errors: list[InputError] = []
    rows = _csv_rows(kind, path, io.StringIO(_read_text(path), newline=""))
    for where, row in counting(rows, desc=f"check {kind}", unit=" rows"):
        if row is None:
            errors.append(InputError(where, "more cells than header columns"))
            continue
        data = row_to_data(kind, row)
        try:
            item = _validated(kind, data)
        except InputError as err:
            errors.append(_at(where, _column(err.field), err.message))
            continue
        parsed.append(ParsedRow(where, (row.get("agency") or "").strip() or None, item))
    _raise_first(errors)
    _check_unique(kind, parsed)
    return parsed


def _validated(kind: str, data: Any) -> Any:
    """The row as its model, with its times and numbers within what offduty computes with."""
    try:
        item = MODELS[kind].model_validate(data)
    except ValidationError as exc:
        raise describe_validation_error(exc, data) from exc
    check_bounds(item)
    _check_lengths(kind, item)
    return item


# Text fields and the column that stores each: PostgreSQL refuses a longer value at write time.
_TEXT_COLUMNS: dict[str, dict[str, Any]] = {
    "officers": {"id": OfficerRow.code, "name": OfficerRow.name},
    "requests": {"id": RequestRow.code, "employer.id": RequestRow.employer_id,
                 "employer.name": RequestRow.employer_name,
                 "employer.category": RequestRow.category,
                 "customer_rate": RequestRow.customer_rate},
}


def _check_lengths(kind: str, item: Any) -> None:
    for path, column in _TEXT_COLUMNS.get(kind, {}).items():
        value: Any = item
        for name in path.split("."):
            value = getattr(value, name)
        limit = column.type.length
        if isinstance(value, str) and len(value) > limit:
            raise InputError(path, f"{len(value)} characters long; at most {limit}")


def _csv_rows(kind: str, path: Path, handle: Any) -> Iterator[tuple[str, dict[str, str] | None]]:
    """Rows as `(file:line, {column: cell})`, the line being where the row starts (a quoted cell
    may span lines; blank lines are skipped); None for a row with more cells than columns."""
    # Strict: a quote left open swallowed the rest of its row into one cell, unsaid.
    reader = csv.reader(handle, strict=True)
    try:
        header = next(reader, None)
        _check_header(kind, path, header)
        assert header is not None
        names = [name.strip() for name in header]
        last = reader.line_num
        for cells in reader:
            where = f"{path.name}:{last + 1}"
            last = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            yield where, dict(zip(names, cells, strict=False)) if len(cells) <= len(names) \
                else None
    except csv.Error as exc:  # e.g. a cell longer than the csv module's field limit
        raise InputError(f"{path.name}:{max(reader.line_num, 1)}", f"not valid CSV: {exc}") \
            from exc


def _check_header(kind: str, path: Path, header: Any) -> None:
    if not header:
        raise InputError(f"{path.name}:1", "the file is empty; expected a header row")
    header = [name.strip() for name in header]
    unknown = [name for name in header if name not in COLUMNS[kind]]
    if unknown:
        raise InputError(f"{path.name}:1", f"unknown column {unknown[0]!r} for {kind}")
    twice = [name for i, name in enumerate(header) if name in header[:i]]
    if twice:
        # Else the later column silently won.
        raise InputError(f"{path.name}:1", f"column {twice[0]!r} appears twice")
    missing = [name for name in REQUIRED[kind] if name not in header]
    if missing:
        raise InputError(f"{path.name}:1", f"missing column {missing[0]!r} for {kind}")


def _column(field_path: str) -> str:
    """A model field path as the CSV column the user wrote (`employer.id` -> `employer_id`)."""
    return COLUMN_OF_FIELD.get(field_path, field_path)


def _parse_json(kind: str, path: Path, agency: str | None) -> list[ParsedRow]:
    try:
        data = load_json(_read_text(path))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path.name}:{exc.lineno}", f"not valid JSON: {exc.msg}") from exc
    items, file_agency = _json_items(kind, data, path)
    parsed: list[ParsedRow] = []
    errors: list[InputError] = []
    for index, item in enumerate(progress(items, desc=f"check {kind}", unit="item")):
        ident = item.get("id") if isinstance(item, dict) else None
        where = f"{path.name}[{index}]" + (f" ({ident})" if isinstance(ident, str) else "")
        try:
            parsed.append(ParsedRow(where, file_agency, _validated(kind, item)))
        except InputError as err:
            errors.append(_at(where, err.field, err.message))
    _raise_first(errors)
    _check_unique(kind, parsed)
    return parsed


def _json_items(kind: str, data: Any, path: Path) -> tuple[list[Any], str | None]:
    """A bare list, or an object holding the list under the kind's name (a problem file)."""
    if isinstance(data, list):
        return data, None
    if isinstance(data, dict) and isinstance(data.get(kind), list):
        agency = data.get("agency")
        return data[kind], agency if isinstance(agency, str) else None
    raise InputError(path.name, f"expected a list of {kind} or an object with a {kind!r} list")


def _read_text(path: Path) -> str:
    """The whole file as text (a byte-order mark is dropped); a byte that is not UTF-8 is an
    error naming its line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror}") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        byte = raw[exc.start:exc.start + 1].hex()
        raise InputError(f"{path.name}:{line}", f"not UTF-8 text (byte 0x{byte}); save the "
                         "file as UTF-8") from exc


def _check_unique(kind: str, parsed: list[ParsedRow]) -> None:
    """The same officer or request id twice in one file is a mistake, not a silent update: the
    second row would overwrite the first. (Availability rows have no id: an officer has many
    windows, and an identical window twice is harmless, it is stored once.)"""
    if kind == "availability":
        return
    first: dict[tuple[str | None, str], str] = {}
    for row in parsed:
        key = (row.agency, row.item.id)
        if key in first:
            raise InputError(f"{row.where}: id", f"{row.item.id} appears twice, also at "
                             f"{first[key]} (nothing was imported)")
        first[key] = row.where


def _raise_first(errors: list[InputError]) -> None:
    if not errors:
        return
    first = errors[0]
    more = len(errors) - 1
    suffix = f" (and {more} more bad row{'s' if more > 1 else ''}; nothing was imported)" if more \
        else " (nothing was imported)"
    raise InputError(first.field, first.message + suffix)


class _OfficerWriter:
    """Writes officer rows and the windows they carry, each agency's officers and each
    officer's stored windows read once a file: a query and a flush per officer and per window
    took 2,000 officers with 31,038 windows 21.3 s, now 6.1 s (docs/csv-format.md)."""

    def __init__(self) -> None:
        self.officers = _Officers()
        self.windows = _Windows()

    def __call__(self, session: Session, agency_id: str, officer: Officer) -> str:
        row = self.officers.of(session, agency_id).get(officer.id)
        outcome = "updated"
        if row is None:
            row = OfficerRow(agency_id=agency_id)
            session.add(row)
            outcome = "added"
        before = _officer_state(row)
        officer_to_row(officer, row)
        if outcome == "added":
            session.flush()  # its id, for its windows
            self.officers.of(session, agency_id)[officer.id] = row
            self.windows.new_officer(row)
        added = sum(self.windows.add(session, row, AvailabilityRow, w)
                    for w in officer.availability)
        added += sum(self.windows.add(session, row, OnDutyRow, w) for w in officer.on_duty)
        if outcome == "updated" and before == _officer_state(row) and not added:
            outcome = "unchanged"
        return outcome


def _officer_state(row: OfficerRow) -> tuple[Any, ...]:
    return (row.name, row.rank, row.status, row.qualifications, row.conflicts,
            row.max_hours_per_week)


class _Officers:
    """Each agency's officer rows by code, read once a file."""

    def __init__(self) -> None:
        self._by_agency: dict[str, dict[str, OfficerRow]] = {}

    def of(self, session: Session, agency_id: str) -> dict[str, OfficerRow]:
        if agency_id not in self._by_agency:
            self._by_agency[agency_id] = {
                row.code: row
                for row in session.scalars(
                    select(OfficerRow).where(OfficerRow.agency_id == agency_id))
            }
        return self._by_agency[agency_id]


class _Windows:
    """Each officer's stored windows of one kind, read once a file; a window is added unless
    the officer already has exactly it."""

    def __init__(self) -> None:
        self._held: dict[tuple[Any, int], set[tuple[datetime, datetime]]] = {}

    def new_officer(self, officer: OfficerRow) -> None:
        for table in (AvailabilityRow, OnDutyRow):
            self._held[table, officer.id] = set()

    def add(self, session: Session, officer: OfficerRow, table: Any, window: Any) -> bool:
        key = (table, officer.id)
        if key not in self._held:
            self._held[key] = {
                (start, end) for start, end in session.execute(
                    select(table.start, table.end).where(table.officer_id == officer.id))
            }
        if (window.start, window.end) in self._held[key]:
            return False
        self._held[key].add((window.start, window.end))
        session.add(table(officer_id=officer.id, start=window.start, end=window.end))
        return True


class _WindowWriter:
    """Writes availability and on-duty rows, each agency's officers and each officer's stored
    windows read once a file: a query for the officer, one for the window and a flush a row took
    20,000 windows 19.1 s, now 3.5 s (docs/csv-format.md)."""

    def __init__(self) -> None:
        self.officers = _Officers()
        self.windows = _Windows()

    def __call__(self, session: Session, agency_id: str, window: WindowRow) -> str:
        officer = self.officers.of(session, agency_id).get(window.officer_id)
        if officer is None:
            raise InputError("officer_id", f"unknown officer {window.officer_id!r} at {agency_id}")
        table = AvailabilityRow if window.kind == "available" else OnDutyRow
        return "added" if self.windows.add(session, officer, table, window) else "unchanged"


class _RequestWriter:
    """Writes request rows, each agency's card and stored requests read once a file: a query
    and a flush a row took 20,000 requests 21.4 s, now 6.9 s (docs/csv-format.md)."""

    def __init__(self) -> None:
        self.agencies: dict[str, Agency] = {}
        self.stored: dict[str, dict[str, RequestRow]] = {}

    def __call__(self, session: Session, agency_id: str, request: Request) -> str:
        # What the agency's card cannot price (an unknown contract rate, a vehicle it does not
        # offer) is refused here, with its line: stored, it failed the agency's whole nightly.
        if agency_id not in self.agencies:
            self.agencies[agency_id] = agency_of(ensure_agency(session, agency_id))
            self.stored[agency_id] = {
                row.code: row
                for row in session.scalars(
                    select(RequestRow).where(RequestRow.agency_id == agency_id))
            }
        check_priceable(request, self.agencies[agency_id])
        if (why := too_long(request.start, request.end)) is not None:
            raise InputError("end", f"the request {why}")
        stored = self.stored[agency_id]
        row = stored.get(request.id)
        if row is None:
            # Written with the file's last row: the codes are unique in the file
            # (`_check_unique`) and new to the agency, the text fits its columns
            # (`_check_lengths`), and the agency is held, so the insert cannot collide.
            row = stored[request.id] = RequestRow(agency_id=agency_id)
            request_to_row(request, row)
            session.add(row)
            return "added"
        changed = _request_changed(row, request)
        if changed:
            request_to_row(request, row)
        return "updated" if changed else "unchanged"


def _request_changed(row: RequestRow, request: Request) -> bool:
    probe = RequestRow()
    request_to_row(request, probe)
    names = [c.key for c in RequestRow.__table__.columns
             if c.key not in ("id", "agency_id", "state", "cancelled_at", "updated_at")]
    return any(getattr(probe, n) != getattr(row, n) for n in names)
