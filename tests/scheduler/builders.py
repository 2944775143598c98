"""Factories for the solver's tests: officers, requests, locks and problems on aware local times.

Kennesaw (America/New_York) unless a test asks for Rockport (America/Chicago). December 2026:
the 1st is a Tuesday, the 7th a Monday. Every roster a test gets from the solver goes through
`solve_checked`, which runs the solver-independent validator on it and asserts it is clean and
that every position is assigned, unfilled or refused exactly once.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from models.problem import Problem
from models.result import Reason, RosterResult, SolverStats
from scheduler.context import Context, prepare
from scheduler.rules.eligibility import candidates
from scheduler.solve.draft import Draft
from scheduler.solve.locks import check_locks
from scheduler.solve.model import fill
from scheduler.solve.pieces import PieceSet, build_pieces
from scheduler.solve.polish import final_loads
from scheduler.solve.report import assemble
from scheduler.solve.rows import Horizon, Rows
from scheduler.solve.solver import solve
from scheduler.timeutil import to_minute
from scheduler.validate.validator import ValidationReport, validate

KENNESAW = ZoneInfo("America/New_York")
ROCKPORT = ZoneInfo("America/Chicago")
ZONES = {"kennesaw-ga": KENNESAW, "rockport-tx": ROCKPORT}

Row = tuple[str, str, datetime, datetime]
EXAMPLES = Path(__file__).resolve().parents[2] / "scenarios" / "examples"


def at(day: int, hour: int, minute: int = 0, month: int = 12, tz: ZoneInfo = KENNESAW) -> datetime:
    """A local time in 2026 (December unless told), Kennesaw's zone unless told."""
    return datetime(2026, month, day, hour, minute, tzinfo=tz)


def window(start: datetime, end: datetime) -> dict[str, str]:
    return {"start": start.isoformat(), "end": end.isoformat()}


def officer(
    oid: str, available: list[tuple[datetime, datetime]] | None = None, **changes: Any
) -> dict[str, Any]:
    """An active officer, available all of November and December unless told."""
    tz = changes.pop("tz", KENNESAW)
    spans = available or [(at(1, 0, month=11, tz=tz), at(31, 23, 59, tz=tz))]
    return {"id": oid, "availability": [window(s, e) for s, e in spans], **changes}


def on_duty(*spans: tuple[datetime, datetime]) -> list[dict[str, str]]:
    return [window(s, e) for s, e in spans]


def request(rid: str, start: datetime, end: datetime, **changes: Any) -> dict[str, Any]:
    """A one-officer grocery-store request received well before its start."""
    return {
        "id": rid,
        "employer": {"id": f"EMP-{rid}", "name": f"Employer of {rid}", "category": "grocery"},
        "start": start.isoformat(),
        "end": end.isoformat(),
        "received_at": datetime(2026, 10, 1, 9, tzinfo=start.tzinfo).isoformat(),
        **changes,
    }


def lock(rid: str, oid: str, start: datetime, end: datetime) -> dict[str, str]:
    return {"request_id": rid, "officer_id": oid, "start": start.isoformat(),
            "end": end.isoformat()}


def problem(
    officers: list[dict[str, Any]],
    requests: list[dict[str, Any]],
    *,
    agency: str = "kennesaw-ga",
    locked: list[dict[str, Any]] | None = None,
    hint: list[dict[str, Any]] | None = None,
    time_limit_s: float = 5,
    num_workers: int = 1,
    deterministic: bool = False,
    **policy: Any,
) -> Problem:
    """A problem with small solver options; keyword arguments beyond those are policy overrides."""
    return Problem.model_validate({
        "agency": agency,
        "officers": officers,
        "requests": requests,
        "locked": locked or [],
        "hint": hint or [],
        "policy": policy,
        "options": {
            "time_limit_s": time_limit_s,
            "num_workers": num_workers,
            "deterministic": deterministic,
        },
    })


def example(name: str, **options: Any) -> dict[str, Any]:
    """A bundled example problem as data, with the given solver options."""
    data: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    data["options"] = options
    return data


def solve_checked(prob: Problem) -> RosterResult:
    """Solve, then insist the validator finds no violation and agrees with the metrics, and
    that every position of every request is accounted for once.

    An infeasible result holds no roster (locks broke a rule): it must say why and staff nothing.
    """
    result = solve(prob)
    if result.status == "infeasible":
        held = [(a.request_id, a.officer_id) for a in result.assignments]
        assert held == [], f"an infeasible result holds no roster, got {held}"
        assert result.violations, f"an infeasible result names the broken rule: {result.notes}"
        return result
    report = validate(prob, result)
    assert report.ok, [f"{v.code}: {v.message}" for v in report.violations]
    assert report.mismatches == [], report.mismatches
    refused = {r.request_id for r in result.rejected}
    for rid, (accounted, asked) in position_minutes(prob, result).items():
        expected = 0 if rid in refused else asked
        assert accounted == expected, f"{rid}: {accounted} position-minutes, not {expected}"
    return result


def position_minutes(prob: Problem, result: RosterResult) -> dict[str, tuple[int, int]]:
    """Request id -> (position-minutes in assignments and unfilled entries, minutes asked for).

    Every position of every request appears once (roster-contract.md): the two are equal unless
    the request is refused, when nothing of it is assigned or unfilled.
    """
    accounted = {r.id: 0 for r in prob.requests}
    for a in result.assignments:
        accounted[a.request_id] += to_minute(a.end) - to_minute(a.start)
    for u in result.unfilled:
        accounted[u.request_id] += (to_minute(u.end) - to_minute(u.start)) * u.positions
    return {
        r.id: (accounted[r.id], (to_minute(r.end) - to_minute(r.start)) * r.officers_needed)
        for r in prob.requests
    }


def roster(result: RosterResult) -> list[Row]:
    """The assignments as (request, officer, start, end) rows, in time then id order."""
    rows = [(a.request_id, a.officer_id, a.start, a.end) for a in result.assignments]
    return sorted(rows, key=lambda r: (r[2], r[0], r[1], r[3]))


def staffed(result: RosterResult) -> dict[str, list[str]]:
    """Request id -> sorted officer ids on it."""
    out: dict[str, list[str]] = {}
    for a in result.assignments:
        out.setdefault(a.request_id, []).append(a.officer_id)
    return {rid: sorted(oids) for rid, oids in sorted(out.items())}


def unfilled_codes(result: RosterResult) -> dict[str, list[str]]:
    """Request id -> the reason codes of its unfilled positions."""
    out: dict[str, list[str]] = {}
    for u in result.unfilled:
        out.setdefault(u.request_id, []).extend(r.code for r in u.reasons)
    return out


def alone(changes: dict[str, Any], start: Any = None, end: Any = None, **req: Any) -> RosterResult:
    """K-1 alone for one request (Tuesday 1 December 12:00-16:00 unless told)."""
    return solve_checked(problem(
        [officer("K-1", **changes)],
        [request("R-1", start or at(1, 12), end or at(1, 16), **req)],
    ))


def only_reason(result: RosterResult, rid: str) -> Reason:
    """The one reason given for the unfilled positions of `rid`."""
    entries = [u for u in result.unfilled if u.request_id == rid]
    assert len(entries) == 1, f"{rid}: expected one unfilled entry, got {entries}"
    assert len(entries[0].reasons) == 1, f"{rid}: expected one reason, got {entries[0].reasons}"
    return entries[0].reasons[0]


def no_eligible(result: RosterResult) -> dict[str, int]:
    """The counts of the one NO_ELIGIBLE_OFFICER reason of a roster that staffs nothing."""
    held = [(a.request_id, a.officer_id) for a in result.assignments]
    assert held == [], f"expected nothing staffed, got {held}"
    [rid] = {u.request_id for u in result.unfilled}
    reason = only_reason(result, rid)
    assert reason.code == "NO_ELIGIBLE_OFFICER", f"{rid}: {reason.code} ({reason.message})"
    return reason.counts


def busy_holds(result: RosterResult, rid: str) -> dict[str, list[str]]:
    """The holds of the one ALL_ELIGIBLE_BUSY reason on `rid`."""
    reason = only_reason(result, rid)
    assert reason.code == "ALL_ELIGIBLE_BUSY", f"{rid}: {reason.code} ({reason.message})"
    return reason.holds


def rows_of(prob: Problem) -> tuple[Context, PieceSet, dict[int, list[int]], Horizon]:
    """The problem's rows for the window search, written once (`rows.Rows`), with what they
    were written from: the context, the pieces and each piece's candidates."""
    ctx = prepare(prob)
    ps = build_pieces(ctx)
    _, locked = check_locks(ctx, ps)
    cands = candidates(ctx, ps, locked)
    rows = Rows()
    fill(ctx, ps, cands, rows)
    return ctx, ps, cands, rows.freeze(ps)


def validated_draft(ctx: Context, ps: PieceSet, draft: Draft, locked: Any) -> ValidationReport:
    """A draft (a stage's roster, before the solver's report) priced and assembled as a result,
    through the solver-independent validator: asserted clean, its report returned."""
    loads = final_loads(ctx, ps, draft, locked)
    stats = SolverStats(status="feasible", wall_s=0.0)
    result = assemble(ctx, ps, {}, draft, locked, loads, "feasible", stats, None, None, [])
    report = validate(ctx.problem, result)
    assert report.violations == [] and report.mismatches == []
    return report
