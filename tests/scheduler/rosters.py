"""Tiny hand-built roster problems and results for the validator's tests (Kennesaw, GA).

Kennesaw's settings unless a test overrides them: minimum 4 h, at most 12 h continuous, travel
gap 30 min, 12 h a day, 24 h a week, 16 h in any 24, supervisor from 5 officers. December 2026:
the 1st is a Tuesday, the 7th a Monday.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from models.problem import Problem
from models.result import Assignment, Metrics, RosterResult

TZ = ZoneInfo("America/New_York")
MONTH = {"start": "2026-11-01T00:00:00-04:00", "end": "2027-01-01T00:00:00-05:00"}


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    """Local Kennesaw time in 2026 (December unless told)."""
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def officer(oid: str, **changes: Any) -> dict[str, Any]:
    return {"id": oid, "availability": [MONTH], **changes}


def request(rid: str, start: datetime, end: datetime, **changes: Any) -> dict[str, Any]:
    return {
        "id": rid,
        "employer": {"id": f"EMP-{rid}", "name": f"Employer of {rid}", "category": "grocery"},
        "start": start.isoformat(),
        "end": end.isoformat(),
        "received_at": "2026-10-01T09:00:00-04:00",
        **changes,
    }


def problem(
    officers: list[dict[str, Any]],
    requests: list[dict[str, Any]],
    locked: list[dict[str, Any]] | None = None,
    **policy: Any,
) -> Problem:
    return Problem.model_validate({
        "agency": "kennesaw-ga",
        "officers": officers,
        "requests": requests,
        "locked": locked or [],
        "policy": policy,
    })


def shift(rid: str, oid: str, start: datetime, end: datetime, locked: bool = False) -> Assignment:
    worked = (end - start).total_seconds() / 3600
    return Assignment(
        request_id=rid, officer_id=oid, start=start, end=end, hours=worked,
        billable_hours=max(worked, 4.0), amount=Decimal("0"), locked=locked,
    )


def result(assignments: list[Assignment], **metrics: Any) -> RosterResult:
    stated: dict[str, Any] = {
        "positions_requested": 0, "positions_filled": 0, "coverage": 0,
        "coverage_upper_bound": 0, "hours_filled": 0, "max_total_hours": 0,
        "spread_hours": 0, "gini": 0, "improvable_pairs": 0, **metrics,
    }
    return RosterResult(status="feasible", assignments=assignments, metrics=Metrics(**stated))
