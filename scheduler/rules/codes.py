"""Stable codes of every rule, reused in logs, explanations, the validator and the API.

The ordered registries below are the single list of what the scheduler enforces; a test checks
that every entry has tests of its own.
"""

from __future__ import annotations

# Request-level refusals (rules.md section 4), in the order the spec lists them.
REQUEST_RULES: tuple[str, ...] = (
    "PROHIBITED_EMPLOYER",
    "ALCOHOL_INSIDE",
    "ALCOHOL_OUTSIDE_UNAPPROVED",
    "PENDING_LITIGATION",
    "OUT_OF_CITY_UNAPPROVED",
    "LEAD_TIME",
    "MOVING_VEHICLE_NOT_OFFERED",
)

# Officer-level hard rules (rules.md section 5) with a label a dispatcher understands.
OFFICER_RULES: dict[str, str] = {
    "STATUS_BARRED": "officer's status bars off-duty work",
    "MISSING_QUALIFICATION": "officer lacks a required qualification",
    "EMPLOYER_CONFLICT": "employer is on the officer's conflict list",
    "NOT_AVAILABLE": "shift is outside the officer's declared availability",
    "ON_DUTY": "shift is too close to the officer's on-duty time",
    "OVERLAP": "shift overlaps another shift or its travel gap",
    "REST_24H": "more than the allowed hours in a rolling 24-hour window",
    "DAILY_CAP": "more off-duty hours in a day than the cap allows",
    "WEEKLY_CAP": "more off-duty hours in a week than the cap allows",
    "SUPERVISOR_REQUIRED": "request needs a supervisor on it whenever it is staffed",
}


def unknown_officer_rules(codes: list[str]) -> tuple[int, str] | None:
    """The first code of a policy's `overridable_rules` that names no officer rule (rules.md
    section 8 lets a supervisor override those alone), with its place, or None: a misspelt
    code was stored, and the rule it meant stayed binding unsaid."""
    for index, code in enumerate(codes):
        if code not in OFFICER_RULES:
            return index, code
    return None


# Roster-level rules the validator checks beyond the officer rules.
ROSTER_RULES: dict[str, str] = {
    "UNKNOWN_REFERENCE": "assignment names an unknown officer or request",
    "REQUEST_REFUSED_STAFFED": "a refused request was staffed",
    "OUTSIDE_REQUEST": "assignment lies outside its request's times",
    "OVERSTAFFED": "more officers than positions at some moment",
    "INVALID_SEGMENT": "segment breaks the minimum, maximum or 30-minute grid",
    "LOCKED_CHANGED": "a locked assignment was moved or dropped",
}

# Why a position stays unfilled.
UNFILLED_REASONS: dict[str, str] = {
    "NO_ELIGIBLE_OFFICER": "no officer may take this shift",
    "ALL_ELIGIBLE_BUSY": "every eligible officer is held by other work or caps",
    "NO_VALID_SPLIT": "the request is too long for one shift and admits no valid split",
    "TIME_LIMIT": "the solver ran out of time before it could place this position",
    "NOT_PLACED": "free officers remain, but no roster with it keeps coverage optimal",
}
