"""Two more views of the stored roster for `roster show`: by request, and hours against the caps.

- By request (`--by request`): each request in time order with its employer, local day and
  times ("+1" past midnight), `needs 4, filled 1, 3 open`, and the officers on it with their
  pieces. A shift counts the share of the request's hours it covers, so a request split into
  pieces can be partly filled.
- Hours (`--hours`): per officer per Monday-to-Sunday local week, the hours of the roster
  (proposed, confirmed and worked shifts; worked ones at the times worked) against the weekly
  cap (the agency's policy with its overrides, or the officer's own lower cap), and the busiest
  day against the daily cap; rows over a cap are flagged.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import PolicyOverrides
from scheduler.display import clip, elapsed_hours, local_span, local_when, packed
from scheduler.hours_view import HOURS_HEADER, WeekLoad, load_line, week_loads
from scheduler.pricing.rates import effective_policy
from scheduler.roster_text import positions_text
from scheduler.timeutil import week_monday
from store.records import agency_of
from store.roster import RosterFilter, RosterLine, roster_lines
from store.schema import AgencyRow, OfficerRow, RequestRow, RequestState


@dataclass(frozen=True)
class RequestView:
    agency: str
    request_id: str
    employer: str
    start: datetime
    end: datetime
    needed: int
    state: str
    shifts: list[RosterLine]

    @property
    def filled(self) -> float:
        """Positions filled: each shift counts the share of the request's hours it covers."""
        whole = elapsed_hours(self.start, self.end)
        return round(sum(elapsed_hours(s.start, s.end) for s in self.shifts) / whole, 2)


def request_views(session: Session, filters: RosterFilter) -> list[RequestView]:
    """The requests the filters select (local start date, request id, agency), in time order."""
    query = select(RequestRow).order_by(RequestRow.start, RequestRow.code)
    if filters.agency:
        query = query.where(RequestRow.agency_id == filters.agency)
    if filters.request:
        query = query.where(RequestRow.code == filters.request)
    if not filters.include_cancelled:
        query = query.where(RequestRow.state != RequestState.CANCELLED.value)
    shifts: dict[tuple[str, str], list[RosterLine]] = defaultdict(list)
    for line in roster_lines(session, RosterFilter(agency=filters.agency, request=filters.request,
                                                   include_cancelled=filters.include_cancelled)):
        shifts[(line.agency, line.request_id)].append(line)
    zones = {row.id: agency_of(row).tz for row in session.scalars(select(AgencyRow))}
    views = []
    for row in session.scalars(query):
        start, end = row.start.astimezone(zones[row.agency_id]), row.end.astimezone(
            zones[row.agency_id])
        if (filters.first and start.date() < filters.first) or (
                filters.last and start.date() > filters.last):
            continue
        views.append(RequestView(row.agency_id, row.code, row.employer_name or row.employer_id,
                                 start, end, row.officers_needed, row.state,
                                 shifts[(row.agency_id, row.code)]))
    return views


def format_requests(views: list[RequestView]) -> str:
    """Each request on one line, its officers and their pieces indented under it."""
    lines = []
    for view in views:
        tz = view.start.tzinfo
        assert tz is not None
        state = " (cancelled)" if view.state == RequestState.CANCELLED.value else ""
        lines.append(f"{view.request_id:<10} {clip(view.employer, 22):<22} "
                     f"{local_when(view.start, view.end, tz):<24} "
                     f"{positions_text(view.needed, view.filled)}{state}")
        pieces = [f"{s.officer_id} {s.officer_name} {local_span(s.start, s.end, tz)} {s.state}"
                  .replace("  ", " ") for s in view.shifts]
        lines += packed(pieces, "    ")
    return "\n".join(lines)


def hours_rows(session: Session, filters: RosterFilter) -> list[WeekLoad]:
    """Per agency, officer and week (in that order), the roster's hours against the caps. A
    date filter selects the week holding that date."""
    week = week_monday(filters.first) if filters.first else None
    # The Sunday before: a shift across Sunday midnight counts in the week it runs into.
    lines = roster_lines(session, RosterFilter(
        first=week - timedelta(days=1) if week else None,
        last=week + timedelta(days=6) if week else None,
        officer=filters.officer, agency=filters.agency))
    spans: dict[tuple[str, str], list[tuple[datetime, datetime]]] = defaultdict(list)
    for line in lines:
        spans[(line.agency, line.officer_id)].append(line.agreed_span)
    rows: list[WeekLoad] = []
    for agency_row in session.scalars(select(AgencyRow).order_by(AgencyRow.id)):
        agency = agency_of(agency_row)
        policy = effective_policy(agency, PolicyOverrides.model_validate(
            agency_row.policy_overrides or {}))
        own = {code: cap for code, cap in session.execute(
            select(OfficerRow.code, OfficerRow.max_hours_per_week)
            .where(OfficerRow.agency_id == agency_row.id))}
        for (agency_id, officer), mine in sorted(spans.items()):
            if agency_id != agency_row.id:
                continue
            cap = min(policy.max_hours_per_week, own.get(officer) or policy.max_hours_per_week)
            found = week_loads(officer, mine, agency.tz, cap, policy.max_hours_per_day)
            rows += [r for r in found if week is None or r.week == week]
    return rows


def format_hours(rows: list[WeekLoad]) -> str:
    """The hours table under its header; a closing line counts the rows over a cap."""
    over = sum(1 for r in rows if r.flag)
    tail = f"{over} row(s) over a cap" if over else "every officer within the caps"
    return "\n".join([HOURS_HEADER, *(load_line(r) for r in rows), tail])
