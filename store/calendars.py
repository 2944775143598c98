"""Officers' calendars (.ics) that stay right after changes: cancellations and worked times.

Each shift is one event with a stable UID, so a calendar that imports the file again updates the
event instead of adding one. A cancelled shift is sent as `STATUS:CANCELLED` (RFC 5545) rather
than left out: a calendar that already holds the event only removes it when told so. A worked
shift shows the times actually worked. `SEQUENCE` rises along the life of a shift (proposed 0,
confirmed 1, worked 2, cancelled 3), so each later state supersedes the earlier one.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path

from icalendar import Calendar, Event

from scheduler.display import local_span
from store.db import Store
from store.roster import RosterFilter, RosterLine, roster_lines

logger = logging.getLogger(__name__)

SEQUENCE = {"proposed": 0, "confirmed": 1, "worked": 2, "cancelled": 3}
STATUS = {
    "proposed": "TENTATIVE", "confirmed": "CONFIRMED", "worked": "CONFIRMED",
    "cancelled": "CANCELLED",
}


def export_ics(
    store: Store, folder: Path, first: date | None, last: date | None,
    stamp: datetime | None = None,
) -> list[Path]:
    """One calendar per officer, cancelled shifts included as cancellations."""
    with store.transaction() as session:
        lines = roster_lines(session, RosterFilter(first, last, include_cancelled=True))
    by_officer: dict[tuple[str, str], list[RosterLine]] = defaultdict(list)
    for line in lines:
        by_officer[(line.agency, line.officer_id)].append(line)
    stamp = stamp or datetime.now(UTC)
    paths = []
    for (agency, officer), shifts in sorted(by_officer.items()):
        calendar = Calendar()
        calendar.add("prodid", "-//offduty//roster//EN")
        calendar.add("version", "2.0")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", f"Off-duty shifts {officer}")
        for shift in shifts:
            calendar.add_component(shift_event(shift, stamp))
        path = folder / f"{safe_name(agency)}_{safe_name(officer)}.ics"
        path.write_bytes(calendar.to_ical())
        paths.append(path)
    logger.info("wrote %d calendars", len(paths))
    return paths


def shift_uid(shift: RosterLine) -> str:
    """Stable across states and worked times: agency, request, officer and scheduled start."""
    return (f"{shift.agency}.{shift.request_id}.{shift.officer_id}."
            f"{shift.start.astimezone(UTC):%Y%m%dT%H%M}@offduty")


def shift_event(shift: RosterLine, stamp: datetime) -> Event:
    """The event of one shift in its current state."""
    worked = shift.worked_start is not None and shift.worked_end is not None
    start = shift.worked_start if worked and shift.worked_start else shift.start
    end = shift.worked_end if worked and shift.worked_end else shift.end
    event = Event()
    event.add("uid", shift_uid(shift))
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("sequence", SEQUENCE.get(shift.state, 0))
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", end.astimezone(UTC))
    prefix = "CANCELLED: " if shift.state == "cancelled" else ""
    event.add("summary", f"{prefix}Off-duty: {shift.employer} ({shift.request_id})")
    event.add("description", _description(shift, worked))
    event.add("status", STATUS.get(shift.state, "CONFIRMED"))
    return event


def _description(shift: RosterLine, worked: bool) -> str:
    text = f"Request {shift.request_id}, {shift.state}."
    if worked:
        scheduled = local_span(shift.start, shift.end, shift.start.tzinfo or UTC)
        text += f" Scheduled {scheduled}, worked as shown."
    return text


def safe_name(name: str) -> str:
    """A file-name-safe version of an id."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
