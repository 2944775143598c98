"""The unfilled tray and "why not this officer?".

The tray reads the latest nightly run's record: unfilled positions sorted by start, each with
its reason codes and the officers they name, and the refused requests with their rule codes.
"Why not" asks the hand-move check (`store.hand.placement`, the validator around the move) for
every officer of the agency, and keeps those held by exactly one rule: lift that rule and the
officer could take the position. The request's week is read once and each officer validated on
the piece of the roster a placement can change, so the page answers in well under a second.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from models.result import Violation
from scheduler.input_bounds import typed_time
from store import Store
from store.hand import LABELS, placement
from store.schema import NightlyRunRow, OfficerRow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Held:
    """An officer one rule away from a position: the rule's code, label and sentence."""

    officer: str
    name: str
    code: str
    label: str
    messages: tuple[str, ...]


def tray(run: NightlyRunRow | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The run's unfilled positions (by start, then request) and refused requests."""
    if run is None:
        return [], []
    unfilled = sorted(run.result.get("unfilled", []),
                      key=lambda item: (datetime.fromisoformat(item["start"]), item["request_id"]))
    refused = sorted(run.result.get("rejected", []), key=lambda item: item["request_id"])
    return unfilled, refused


def why_not(store: Store, agency: str, request: str, start: str, end: str) -> list[Held]:
    """Officers whose placement on the position breaks exactly one rule, by officer id."""
    first, last = typed_time(start, "start"), typed_time(end, "end")
    with store.transaction() as session:
        officers = list(session.execute(
            select(OfficerRow.code, OfficerRow.name).where(OfficerRow.agency_id == agency)
            .order_by(OfficerRow.code)))
    check = placement(store, request, start=first, end=last, agency=agency)
    held = []
    for code, name in officers:
        broken = check.added(code)
        found = _one_rule(broken)
        if found is not None:
            held.append(Held(code, name, found, LABELS.get(found, found),
                             tuple(v.message for v in broken)))
    return held


def _one_rule(violations: list[Violation]) -> str | None:
    codes = {v.code for v in violations}
    return codes.pop() if len(codes) == 1 else None
