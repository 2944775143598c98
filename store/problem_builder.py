"""Build the roster `Problem` of one agency from the store, as of a given moment.

Open requests starting inside the horizon; every officer with the windows that touch it;
confirmed (and worked) assignments as locks, with any supervisor override in force; the current
proposals as the hint; and each officer's hours to date from worked shifts inside the fairness
window.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import cast

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Agency,
    AssignmentRef,
    Officer,
    PolicyOverrides,
    Problem,
    SolveOptions,
    TimeWindow,
)
from models.common import InputError, covering_window, describe_validation_error, window_inside
from scheduler.timeutil import week_monday
from store.approvals import in_force, with_approvals
from store.overrides import ShiftKey, overrides_in_force, shift_key
from store.records import agency_of, officer_from_row, request_from_row
from store.schema import (
    AgencyRow,
    AssignmentRow,
    AssignmentState,
    AvailabilityRow,
    OfficerRow,
    OnDutyRow,
    RequestRow,
    RequestState,
)

LOCKED_STATES = (AssignmentState.CONFIRMED.value, AssignmentState.WORKED.value)


@dataclass(frozen=True)
class Horizon:
    """The moment a run is "as of", how far ahead it staffs, and how far back fairness looks."""

    now: datetime
    days: int
    window_days: int

    @property
    def end(self) -> datetime:
        return self.now + timedelta(days=self.days)

    @property
    def window_start(self) -> datetime:
        return self.now - timedelta(days=self.window_days)


def open_requests(session: Session, agency_id: str, horizon: Horizon) -> list[RequestRow]:
    """Open requests that start at or after `now` and before the horizon's end."""
    query = (
        select(RequestRow)
        .where(
            RequestRow.agency_id == agency_id,
            RequestRow.state == RequestState.OPEN.value,
            RequestRow.start >= horizon.now,
            RequestRow.start < horizon.end,
        )
        .order_by(RequestRow.start, RequestRow.code)
    )
    return list(session.scalars(query))


def assignments_of(
    session: Session, request_ids: list[int], states: tuple[str, ...]
) -> list[AssignmentRow]:
    if not request_ids:
        return []
    query = (
        select(AssignmentRow)
        .where(AssignmentRow.request_id.in_(request_ids), AssignmentRow.state.in_(states))
        .order_by(AssignmentRow.request_id, AssignmentRow.start, AssignmentRow.officer_id)
    )
    return list(session.scalars(query))


def hours_to_date(session: Session, agency_id: str, horizon: Horizon) -> dict[int, float]:
    """Worked hours per officer (by row id) inside [now - window, now), clipped to the window."""
    query = (
        select(AssignmentRow)
        .join(OfficerRow, AssignmentRow.officer_id == OfficerRow.id)
        .where(
            OfficerRow.agency_id == agency_id,
            AssignmentRow.state == AssignmentState.WORKED.value,
            AssignmentRow.worked_end > horizon.window_start,
            AssignmentRow.worked_start < horizon.now,
        )
    )
    minutes: dict[int, float] = defaultdict(float)
    for row in session.scalars(query):
        assert row.worked_start is not None and row.worked_end is not None
        start = max(row.worked_start, horizon.window_start)
        end = min(row.worked_end, horizon.now)
        minutes[row.officer_id] += (end - start).total_seconds() / 60
    return {officer: round(total / 60, 4) for officer, total in minutes.items()}


def prior_shifts(
    session: Session, agency_id: str, span: tuple[datetime, datetime], open_ids: list[int],
    agency: Agency,
) -> dict[int, list[TimeWindow]]:
    """Confirmed or worked shifts touching `span` on requests outside this run (earlier in the
    week, say): the solver counts them toward caps, rest and the travel gap."""
    query = (
        select(AssignmentRow)
        .join(OfficerRow, AssignmentRow.officer_id == OfficerRow.id)
        .where(
            OfficerRow.agency_id == agency_id,
            AssignmentRow.state.in_(LOCKED_STATES),
            AssignmentRow.end > span[0],
            AssignmentRow.start < span[1],
        )
        .order_by(AssignmentRow.officer_id, AssignmentRow.start)
    )
    found: dict[int, list[TimeWindow]] = defaultdict(list)
    for row in session.scalars(query):
        if row.request_id in open_ids:
            continue  # locked in the problem itself
        start, end = row.start, row.end
        if row.state == AssignmentState.WORKED.value and row.worked_start and row.worked_end:
            start, end = row.worked_start, row.worked_end
        found[row.officer_id].append(
            covering_window(start.astimezone(agency.tz), end.astimezone(agency.tz))
        )
    return found


def _windows(
    session: Session,
    table: type[AvailabilityRow] | type[OnDutyRow],
    officer_ids: list[int],
    start: datetime,
    end: datetime,
    agency: Agency,
) -> dict[int, list[TimeWindow]]:
    found: dict[int, list[TimeWindow]] = defaultdict(list)
    if not officer_ids:
        return found
    query = (
        select(table)
        .where(table.officer_id.in_(officer_ids), table.end > start, table.start < end)
        .order_by(table.officer_id, table.start)
    )
    rows = cast("list[AvailabilityRow | OnDutyRow]", list(session.scalars(query)))
    for row in rows:
        start, end = row.start.astimezone(agency.tz), row.end.astimezone(agency.tz)
        # Stored times may carry seconds (a duty export's, one imported before they were
        # refused): busy time is kept whole, available time only where it is whole.
        if table is OnDutyRow:
            found[row.officer_id].append(covering_window(start, end))
        elif (window := window_inside(start, end)) is not None:
            found[row.officer_id].append(window)
    return found


def officers_of(
    session: Session,
    agency_id: str,
    agency: Agency,
    span: tuple[datetime, datetime],
    horizon: Horizon,
    prior: dict[int, list[TimeWindow]] | None = None,
) -> tuple[list[Officer], dict[int, str]]:
    """Every officer of the agency with the windows touching `span`; also row id -> public id."""
    rows = list(
        session.scalars(
            select(OfficerRow).where(OfficerRow.agency_id == agency_id).order_by(OfficerRow.code)
        )
    )
    ids = [row.id for row in rows]
    available = _windows(session, AvailabilityRow, ids, *span, agency)
    on_duty = _windows(session, OnDutyRow, ids, *span, agency)
    history = hours_to_date(session, agency_id, horizon)
    officers = [
        officer_from_row(row, available[row.id], on_duty[row.id], history.get(row.id, 0.0),
                         (prior or {}).get(row.id, []))
        for row in rows
    ]
    return officers, {row.id: row.code for row in rows}


def _ref(
    row: AssignmentRow, codes: dict[int, str], requests: dict[int, str], agency: Agency,
    overridden: dict[ShiftKey, list[str]] | None = None,
) -> AssignmentRef:
    request, officer = requests[row.request_id], codes[row.officer_id]
    key = shift_key(request, officer, row.start, row.end)
    return AssignmentRef(
        request_id=request,
        officer_id=officer,
        start=row.start.astimezone(agency.tz),
        end=row.end.astimezone(agency.tz),
        overrides=(overridden or {}).get(key, []),
    )


def build_problem(
    session: Session, agency_id: str, horizon: Horizon, options: SolveOptions
) -> Problem:
    """The agency's roster problem as of `horizon.now`."""
    agency_row = session.get(AgencyRow, agency_id)
    assert agency_row is not None
    agency = agency_of(agency_row)
    request_rows = open_requests(session, agency_id, horizon)
    span_end = max([horizon.end, *(r.end for r in request_rows)])
    # A day of margin on each side: rolling 24-hour and travel-gap rules look past the shift.
    span = (horizon.now - timedelta(days=1), span_end + timedelta(days=1))
    by_id = {row.id: row.code for row in request_rows}
    ids = list(by_id)
    # Weekly caps look back to the Monday of the run's week; rest and gap rules a day further.
    week_start = datetime.combine(week_monday(horizon.now.astimezone(agency.tz).date()),
                                  time(0), tzinfo=agency.tz)
    prior = prior_shifts(session, agency_id, (min(span[0], week_start), span[1]), ids, agency)
    officers, codes = officers_of(session, agency_id, agency, span, horizon, prior)
    # A supervisor's override stays with its shift: the solver waives exactly those rules.
    overridden = overrides_in_force(session, agency_id, list(by_id.values()))
    locked = [_ref(a, codes, by_id, agency, overridden)
              for a in assignments_of(session, ids, LOCKED_STATES)]
    proposed = assignments_of(session, ids, (AssignmentState.PROPOSED.value,))
    recorded = in_force(session, ids)
    try:
        return Problem(
            agency=agency_id if agency_row.definition is None else agency,
            officers=officers,
            requests=[with_approvals(request_from_row(r, {agency_id: agency}), recorded[r.id])
                      for r in request_rows],
            locked=locked,
            hint=[_ref(a, codes, by_id, agency) for a in proposed],
            policy=PolicyOverrides.model_validate(agency_row.policy_overrides or {}),
            options=options,
        )
    except ValidationError as exc:
        # E.g. a request re-imported with new times no longer covers a confirmed shift.
        err = describe_validation_error(exc)
        raise InputError(
            f"{agency_id} store", f"{err.field}: {err.message}" if err.field else err.message
        ) from exc


def inputs_hash(problem: Problem) -> str:
    """A fingerprint of what the solver decides from: the problem without hint and options."""
    text = problem.model_dump_json(exclude={"hint", "options"})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
