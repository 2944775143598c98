"""The roster board's data: one row per officer for a day or a week, read from the store.

Officers, their availability and on-duty blocks and their fairness totals come from the same
problem builder the nightly run uses (`store.problem_builder`), the shifts from the roster view
(`store.roster`), the caps from the agency's effective policy, and the holiday and emergency
marks from the rate engine's own tests (`scheduler.pricing.holidays`,
`scheduler.pricing.rate_card`). The page only positions what this module returns.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Agency, Officer, PolicyOverrides, PolicySettings, SolveOptions
from scheduler.pricing.holidays import is_holiday
from scheduler.pricing.rate_card import effective_policy, is_emergency
from scheduler.timeutil import week_monday
from store.problem_builder import Horizon, build_problem
from store.records import agency_of, request_from_row
from store.roster import RosterFilter, RosterLine, roster_lines
from store.schema import AgencyRow, RequestRow
from store.settings import StoreSettings

log = logging.getLogger(__name__)

STATES = ("proposed", "confirmed", "worked")


@dataclass(frozen=True)
class BoardQuery:
    """What the dispatcher asked to see: a day or the week around `day`, and filters."""

    day: date
    span: str = "week"
    officer: str | None = None
    request: str | None = None
    status: str | None = None

    @property
    def first(self) -> date:
        return self.day if self.span == "day" else week_monday(self.day)

    @property
    def days(self) -> int:
        return 1 if self.span == "day" else 7


@dataclass(frozen=True)
class Block:
    """Something drawn on an officer's row: a shift, availability or an on-duty block, as a
    left offset and a width in percent of the board's span."""

    kind: str
    left: float
    width: float
    label: str
    start: datetime
    end: datetime
    request: str = ""
    marks: tuple[str, ...] = ()


@dataclass
class BoardRow:
    officer: Officer
    blocks: list[Block] = field(default_factory=list)
    day_hours: float = 0
    week_hours: float = 0
    day_cap: float = 0
    week_cap: float = 0
    fairness: float = 0


@dataclass
class Board:
    agency: Agency
    query: BoardQuery
    days: list[date]
    rows: list[BoardRow]
    shifts: list[RosterLine]


def build_board(session: Session, agency_id: str, query: BoardQuery) -> Board:
    """The board of one agency for the query's day or week."""
    agency, policy = agency_context(session, agency_id)
    span_start = datetime.combine(query.first, time(0), tzinfo=agency.tz)
    span_end = span_start + timedelta(days=query.days)
    window = StoreSettings().fairness_window_days
    problem = build_problem(session, agency_id, Horizon(span_start, query.days, window),
                            SolveOptions())
    marks = _request_marks(session, agency, policy)
    # The whole week is read even for one day: the week's hours count against the cap.
    lines = [line for line in roster_lines(session, _filter(query, agency_id))
             if query.status in (None, "", line.state)]
    by_officer: dict[str, list[RosterLine]] = defaultdict(list)
    for line in lines:
        by_officer[line.officer_id].append(line)
    rows = [
        _row(officer, by_officer[officer.id], (span_start, span_end), query, policy, marks)
        for officer in problem.officers
        if _shown(officer.id, query, by_officer)
    ]
    days = [query.first + timedelta(days=i) for i in range(query.days)]
    shown = [line for line in lines if query.first <= line.day < query.first + timedelta(
        days=query.days)]
    return Board(agency, query, days, rows, shown)


def _shown(officer_id: str, query: BoardQuery, by_officer: dict[str, list[RosterLine]]) -> bool:
    """An officer filter keeps that row; a request or status filter keeps rows with shifts."""
    if query.officer and officer_id != query.officer:
        return False
    return not (query.request or query.status) or bool(by_officer.get(officer_id))


def agency_context(session: Session, agency_id: str) -> tuple[Agency, PolicySettings]:
    """The agency and its effective policy (shipped card plus the store's overrides)."""
    row = session.get(AgencyRow, agency_id)
    if row is None:
        raise LookupError(agency_id)
    agency = agency_of(row)
    overrides = PolicyOverrides.model_validate(row.policy_overrides or {})
    return agency, effective_policy(agency, overrides)


def _filter(query: BoardQuery, agency_id: str) -> RosterFilter:
    monday = week_monday(query.day)
    return RosterFilter(first=monday, last=monday + timedelta(days=6),
                        officer=query.officer or None, request=query.request or None,
                        agency=agency_id)


def _request_marks(session: Session, agency: Agency,
                   policy: PolicySettings) -> dict[str, tuple[str, ...]]:
    """Holiday and emergency marks per request code, by the rate engine's own tests."""
    marks: dict[str, tuple[str, ...]] = {}
    tz_of = {agency.id: agency}
    for row in session.scalars(select(RequestRow).where(RequestRow.agency_id == agency.id)):
        request = request_from_row(row, tz_of)
        found = []
        if is_holiday(agency, request.start.astimezone(agency.tz).date()):
            found.append("holiday")
        if is_emergency(request.start, request.received_at, agency, policy):
            found.append("emergency")
        marks[row.code] = tuple(found)
    return marks


def _row(
    officer: Officer, lines: list[RosterLine], span: tuple[datetime, datetime],
    query: BoardQuery, policy: PolicySettings, marks: dict[str, tuple[str, ...]],
) -> BoardRow:
    row = BoardRow(officer=officer, fairness=round(officer.hours_to_date, 2),
                   day_cap=policy.max_hours_per_day,
                   week_cap=officer.max_hours_per_week or policy.max_hours_per_week)
    for window in officer.availability:
        _place(row, "available", window.start, window.end, span, "available")
    for window in officer.on_duty:
        _place(row, "on-duty", window.start, window.end, span, "on duty")
    for line in lines:
        _place(row, line.state, line.start, line.end, span, line.request_id, line.request_id,
               marks.get(line.request_id, ()))
    row.day_hours = _hours(lines, lambda line: line.day == query.day)
    row.week_hours = _hours(lines, lambda line: week_monday(line.day) == week_monday(query.day))
    return row


def _hours(lines: list[RosterLine], keep: Callable[[RosterLine], bool]) -> float:
    chosen = [line for line in lines if keep(line)]
    return round(sum(line.worked_hours or line.hours for line in chosen), 2)


def _place(row: BoardRow, kind: str, start: datetime, end: datetime,
           span: tuple[datetime, datetime], label: str, request: str = "",
           marks: tuple[str, ...] = ()) -> None:
    """Clip a window to the span and add it as a block (nothing when it lies outside)."""
    first, last = max(start, span[0]), min(end, span[1])
    if last <= first:
        return
    total = (span[1] - span[0]).total_seconds()
    left = (first - span[0]).total_seconds() / total * 100
    width = (last - first).total_seconds() / total * 100
    row.blocks.append(Block(kind, round(left, 3), round(width, 3), label, start, end, request,
                            marks))
