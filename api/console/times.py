"""Shift times as the console prints them, through the shared formatter (`scheduler.display`).

Every page that shows a shift's times (the board's labels, the unfilled tray, "why not", the
cancel preview) goes through `when`, so a 19:30-07:30 night reads "19:30-07:30+1" in the
agency's zone exactly as the command line prints it. The tray's times come from a run record
as ISO strings; they are parsed here, never cut as text.
"""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo

from scheduler.display import local_span, local_when
from store import Store
from store.records import agency_of, request_by_code
from store.schema import AgencyRow

log = logging.getLogger(__name__)


def _moment(value: datetime | str) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def when(start: datetime | str, end: datetime | str, tz: tzinfo) -> str:
    """Day and local times: `Fri 04 Dec 19:30-07:30+1`."""
    return local_when(_moment(start), _moment(end), tz)


def span(start: datetime | str, end: datetime | str, tz: tzinfo) -> str:
    """Local times only (the day is shown beside them): `19:30-07:30+1`."""
    return local_span(_moment(start), _moment(end), tz)


def agency_zone(store: Store, agency_id: str) -> tzinfo:
    """The zone the agency's pages show times in (the store's agency, file-kept ones too)."""
    with store.transaction() as session:
        row = session.get(AgencyRow, agency_id)
        if row is None:
            raise LookupError(agency_id)
        return agency_of(row).tz


def request_when(store: Store, agency_id: str, code: str) -> str:
    """A request's day and local times, for the page that acts on it."""
    with store.transaction() as session:
        row = request_by_code(session, code, agency_id)
        start, end, owner = row.start, row.end, row.agency_id
    return when(start, end, agency_zone(store, owner))
