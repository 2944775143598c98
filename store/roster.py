"""Stored assignments as roster lines: what `roster show` prints and the exports write.

Times are shown in each agency's zone, since that is the zone the dispatcher and the officer
work in; filters by date use that local date too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.agency import Agency
from scheduler.display import clip, elapsed_hours, local_span, local_when, unfilled_line
from scheduler.timeutil import EPOCH
from store.records import agency_of
from store.schema import (
    AgencyRow,
    AssignmentRow,
    AssignmentState,
    NightlyRunRow,
    OfficerRow,
    RequestRow,
)


@dataclass(frozen=True)
class RosterLine:
    agency: str
    request_id: str
    employer: str
    officer_id: str
    officer_name: str
    state: str
    start: datetime
    end: datetime
    worked_start: datetime | None
    worked_end: datetime | None

    @property
    def day(self) -> date:
        return self.start.date()

    @property
    def hours(self) -> float:
        return round(elapsed_hours(self.start, self.end), 2)

    @property
    def worked_hours(self) -> float | None:
        if self.worked_start is None or self.worked_end is None:
            return None
        return round(elapsed_hours(self.worked_start, self.worked_end), 2)

    @property
    def agreed_span(self) -> tuple[datetime, datetime]:
        """The times that count toward the caps: the times worked once recorded."""
        if self.worked_start is not None and self.worked_end is not None:
            return self.worked_start, self.worked_end
        return self.start, self.end

    def as_record(self) -> dict[str, object]:
        """A flat row for CSV and Excel (times as local ISO text with their offset)."""
        return {
            "agency": self.agency, "date": self.day.isoformat(), "request_id": self.request_id,
            "employer": self.employer, "officer_id": self.officer_id,
            "officer_name": self.officer_name, "state": self.state,
            "start": self.start.isoformat(), "end": self.end.isoformat(), "hours": self.hours,
            "worked_start": self.worked_start.isoformat() if self.worked_start else "",
            "worked_end": self.worked_end.isoformat() if self.worked_end else "",
            "worked_hours": "" if self.worked_hours is None else self.worked_hours,
        }


@dataclass(frozen=True)
class RosterFilter:
    """Which lines to show: inclusive local dates, one officer, one request, one agency."""

    first: date | None = None
    last: date | None = None
    officer: str | None = None
    request: str | None = None
    agency: str | None = None
    include_cancelled: bool = False


def roster_lines(session: Session, filters: RosterFilter) -> list[RosterLine]:
    """Matching assignments in time order, then request and officer."""
    query = (
        select(AssignmentRow, RequestRow, OfficerRow)
        .join(RequestRow, AssignmentRow.request_id == RequestRow.id)
        .join(OfficerRow, AssignmentRow.officer_id == OfficerRow.id)
        .order_by(AssignmentRow.start, RequestRow.code, OfficerRow.code)
    )
    if filters.agency:
        query = query.where(RequestRow.agency_id == filters.agency)
    if filters.officer:
        query = query.where(OfficerRow.code == filters.officer)
    if filters.request:
        query = query.where(RequestRow.code == filters.request)
    if not filters.include_cancelled:
        query = query.where(AssignmentRow.state != AssignmentState.CANCELLED.value)
    # A day of slack either side in UTC; the exact local-date test follows per agency.
    if filters.first:
        query = query.where(AssignmentRow.start >= _utc_day(filters.first - timedelta(days=1)))
    if filters.last:
        query = query.where(AssignmentRow.start < _utc_day(filters.last + timedelta(days=2)))
    agencies = _agencies(session)
    lines = [_line(a, r, o, agencies[r.agency_id]) for a, r, o in session.execute(query).all()]
    return [line for line in lines if _in_dates(line.day, filters)]


def _utc_day(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _in_dates(day: date, filters: RosterFilter) -> bool:
    return (filters.first is None or day >= filters.first) and (
        filters.last is None or day <= filters.last
    )


def _agencies(session: Session) -> dict[str, Agency]:
    return {row.id: agency_of(row) for row in session.scalars(select(AgencyRow))}


def _line(a: AssignmentRow, r: RequestRow, o: OfficerRow, agency: Agency) -> RosterLine:
    tz = agency.tz
    return RosterLine(
        agency=r.agency_id, request_id=r.code, employer=r.employer_name or r.employer_id,
        officer_id=o.code, officer_name=o.name, state=a.state,
        start=a.start.astimezone(tz), end=a.end.astimezone(tz),
        worked_start=a.worked_start.astimezone(tz) if a.worked_start else None,
        worked_end=a.worked_end.astimezone(tz) if a.worked_end else None,
    )


def format_table(lines: list[RosterLine]) -> str:
    """A fixed-width table a dispatcher can read in a terminal."""
    header = ("date", "time", "request", "employer", "officer", "name", "state", "hours")
    rows = [
        (
            line.day.isoformat(), local_span(line.start, line.end, line.start.tzinfo or UTC),
            line.request_id,
            line.employer[:24], line.officer_id, line.officer_name[:20], line.state,
            f"{line.worked_hours if line.worked_hours is not None else line.hours:g}",
        )
        for line in lines
    ]
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=False)]
    render = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
              for row in (header, *rows)]
    return "\n".join(render)


def latest_runs(session: Session, agency: str | None = None) -> list[NightlyRunRow]:
    """Each agency's most recent nightly run (one agency with `agency`)."""
    query = select(NightlyRunRow).order_by(NightlyRunRow.agency_id, NightlyRunRow.id.desc())
    if agency:
        query = query.where(NightlyRunRow.agency_id == agency)
    latest: dict[str, NightlyRunRow] = {}
    for run in session.scalars(query):
        latest.setdefault(run.agency_id, run)
    return list(latest.values())


def run_footer(run: NightlyRunRow) -> str:
    unfilled = sum(int(u.get("positions", 0)) for u in run.result.get("unfilled", []))
    refused = len(run.result.get("rejected", []))
    return (f"{run.agency_id}: latest run {run.id} as of {run.as_of:%Y-%m-%d %H:%M} UTC "
            f"({run.solver_status}): {unfilled} position(s) unfilled, {refused} request(s) "
            f"refused; `roster show --unfilled` explains them")


@dataclass(frozen=True)
class RequestLabel:
    """What a line about a request shows besides its id: employer and times."""

    employer: str
    start: datetime
    end: datetime


def unfilled_lines(run: NightlyRunRow, labels: dict[str, RequestLabel], tz: tzinfo) -> list[str]:
    """Why each position of the run was left unfilled, and why each refused request was: one
    short line each, in time order, with the employer and the local day and times."""
    lines = [f"{run.agency_id}, run {run.id} ({run.solver_status}):"]
    unfilled = [(datetime.fromisoformat(u["start"]), datetime.fromisoformat(u["end"]), u)
                for u in run.result.get("unfilled", [])]
    for start, end, item in sorted(unfilled, key=lambda u: (u[0], u[2]["request_id"])):
        label = labels.get(item["request_id"])
        codes = list(dict.fromkeys(r["code"] for r in item.get("reasons", [])))
        lines.append("  " + unfilled_line(item["request_id"], label.employer if label else "",
                                          start, end, int(item["positions"]), codes, tz))
    refused = [(labels.get(r["request_id"]), r) for r in run.result.get("rejected", [])]
    for label, item in sorted(refused, key=lambda r: (r[0].start if r[0] else EPOCH,
                                                      r[1]["request_id"])):
        when = local_when(label.start, label.end, tz) if label else ""
        employer = clip(label.employer, 22) if label else ""
        lines.append(f"  {item['request_id']:<10} {employer:<22} {when:<24} refused "
                     f"{item['code']}")
    return lines


def request_labels(session: Session, agency: str) -> dict[str, RequestLabel]:
    """Request id -> its employer's name (the id when it has none) and times, for one agency."""
    rows = session.scalars(select(RequestRow).where(RequestRow.agency_id == agency))
    return {r.code: RequestLabel(r.employer_name or r.employer_id, r.start, r.end) for r in rows}
