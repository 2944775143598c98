"""The roster as an Excel workbook to sort and filter: real dates, widths, a sheet per view.

Sheets: `roster` (every shift, one row each, in time order), `by request` (positions filled per
request), `by officer` (hours per officer and ISO week). Dates and times are Excel dates (in the
agency's local time, without the offset, which Excel cannot hold), hours are numbers; each sheet
has a frozen header row, an autofilter and column widths that fit the content.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from store.roster import RosterLine

ROSTER_COLUMNS = (
    "agency", "date", "request_id", "employer", "officer_id", "officer_name", "state",
    "start", "end", "hours", "worked_start", "worked_end", "worked_hours",
)
_FORMATS = {"date": "yyyy-mm-dd", "start": "yyyy-mm-dd hh:mm", "end": "yyyy-mm-dd hh:mm",
            "worked_start": "yyyy-mm-dd hh:mm", "worked_end": "yyyy-mm-dd hh:mm"}


def _local(moment: datetime | None) -> datetime | None:
    # Excel has no zones: the wall-clock time in the agency's zone is what a dispatcher reads.
    return moment.replace(tzinfo=None) if moment is not None else None


def _roster_row(line: RosterLine) -> list[object]:
    return [
        line.agency, line.day, line.request_id, line.employer, line.officer_id,
        line.officer_name, line.state, _local(line.start), _local(line.end), line.hours,
        _local(line.worked_start), _local(line.worked_end), line.worked_hours,
    ]


def _by_request(lines: Sequence[RosterLine]) -> tuple[list[str], list[list[object]]]:
    groups: dict[tuple[str, str], list[RosterLine]] = defaultdict(list)
    for line in lines:
        groups[(line.agency, line.request_id)].append(line)
    rows: list[list[object]] = []
    for (agency, request), mine in groups.items():
        first = mine[0]
        rows.append([agency, first.day, request, first.employer, len(mine),
                     round(sum(line.hours for line in mine), 2)])
    return ["agency", "date", "request_id", "employer", "officers", "hours"], rows


def _by_officer(lines: Sequence[RosterLine]) -> tuple[list[str], list[list[object]]]:
    hours: dict[tuple[str, str, str, str], float] = defaultdict(float)
    for line in lines:
        year, week, _ = line.day.isocalendar()
        key = (line.agency, line.officer_id, line.officer_name, f"{year}-W{week:02d}")
        hours[key] += line.worked_hours if line.worked_hours is not None else line.hours
    rows: list[list[object]] = [[*key, round(value, 2)] for key, value in sorted(hours.items())]
    return ["agency", "officer_id", "officer_name", "week", "hours"], rows


def _sheet(ws: Worksheet, header: Sequence[str], rows: list[list[object]]) -> None:
    ws.append(list(header))
    for row in rows:
        ws.append(row)
    for index, name in enumerate(header, start=1):
        fmt = _FORMATS.get(name)
        if fmt:
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = fmt
        width = max([len(name)] + [len(str(row[index - 1] or "")) for row in rows])
        ws.column_dimensions[get_column_letter(index)].width = min(width, 40) + 2
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def write_workbook(path: Path, lines: Sequence[RosterLine]) -> Path:
    """Write the three sheets for these roster lines."""
    book = Workbook()
    roster = book.active
    assert roster is not None
    roster.title = "roster"
    _sheet(roster, ROSTER_COLUMNS, [_roster_row(line) for line in lines])
    _sheet(book.create_sheet("by request"), *_by_request(lines))
    _sheet(book.create_sheet("by officer"), *_by_officer(lines))
    book.save(path)
    return path
