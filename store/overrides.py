"""The supervisor overrides still in force on live shifts, read back from the audit trail.

`hand.assign` appends an "assign" event (the shift's times) and, in the same transaction, an
"override" event naming the rules it lifted (rules.md section 8). The nightly must keep such a
shift: the roster problem carries those codes on the lock (`AssignmentRef.overrides`) so the
solver and the validator waive exactly them, for that shift alone. An "unassign" of the shift
ends its override; placing it again needs a new one. The audit trail is the record of truth, so
no column is added for this.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.record_schema import AuditEventRow

log = logging.getLogger(__name__)

# (request code, officer code, start, end in UTC ISO text) -> the rule codes overridden.
ShiftKey = tuple[str, str, str, str]
MOVES = ("assign", "unassign", "override")


def shift_key(request: str, officer: str, start: datetime, end: datetime) -> ShiftKey:
    """The key of a shift, with times as the audit trail writes them (UTC ISO text)."""
    return (request, officer, _iso(start), _iso(end))


def _iso(moment: datetime | str) -> str:
    """Times are written aware (the store refuses naive ones); compare them in UTC."""
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return value.astimezone(UTC).isoformat()


def overrides_in_force(
    session: Session, agency_id: str, request_codes: list[str]
) -> dict[ShiftKey, list[str]]:
    """Each shift placed under an override (and not removed since) -> the codes it lifted."""
    if not request_codes:
        return {}
    query = (
        select(AuditEventRow)
        .where(
            AuditEventRow.agency_id == agency_id,
            AuditEventRow.action.in_(MOVES),
            AuditEventRow.request_code.in_(request_codes),
        )
        .order_by(AuditEventRow.id)
    )
    found: dict[ShiftKey, list[str]] = {}
    last: dict[tuple[str, str], ShiftKey | None] = {}  # the move an override event follows
    for event in session.scalars(query):
        pair = (event.request_code or "", event.officer_code or "")
        if event.action == "assign":
            key = _key(pair, event.after)
            if key is not None:
                found.pop(key, None)  # a fresh placement starts with no override
            last[pair] = key
        elif event.action == "unassign":
            removed = _key(pair, event.before)
            if removed is not None:
                found.pop(removed, None)
            last[pair] = None  # an override of a removal lifts nothing on a live shift
        else:
            placed = last.get(pair)
            rules = (event.after or {}).get("rules", [])
            if placed is not None and rules:
                found[placed] = sorted(set(found.get(placed, [])) | set(rules))
    log.debug("%d overridden shift(s) in force for %s", len(found), agency_id)
    return found


def _key(pair: tuple[str, str], values: object) -> ShiftKey | None:
    if not isinstance(values, dict) or "start" not in values or "end" not in values:
        return None
    return (pair[0], pair[1], _iso(values["start"]), _iso(values["end"]))
