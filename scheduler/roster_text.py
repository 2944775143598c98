"""A solved roster as a person reads it: by request, by officer, then what stayed unfilled.

What `offduty solve` prints by default (`--json` is for programs). Every time is local to the
agency and a shift past midnight carries "+1" (scheduler/display.py); every line fits a
100-column terminal. The header is scheduler/summary.py's; a fractional count of positions is
explained the first time it appears.
"""

from __future__ import annotations

from collections import defaultdict
from zoneinfo import ZoneInfo

from models.agency import PolicySettings
from models.problem import Problem
from models.request import Request
from models.result import Assignment, RosterResult
from scheduler.agencies import resolve_agency
from scheduler.display import (
    clip,
    elapsed_hours,
    hours_text,
    local_span,
    local_when,
    packed,
    unfilled_line,
)
from scheduler.hours_view import week_loads
from scheduler.pricing.rates import effective_policy
from scheduler.summary import header_lines, summary_tail

JSON_HINT = "full result as JSON: add --json, or --out FILE to write it to a file"


def filled_share(request: Request, shifts: list[Assignment]) -> float:
    """Positions filled: each shift counts the share of the request's hours it covers."""
    whole = elapsed_hours(request.start, request.end)
    return round(sum(elapsed_hours(a.start, a.end) for a in shifts) / whole, 2)


def positions_text(needed: int, filled: float) -> str:
    """`needs 4, filled 1, 3 open` (`needs 2, filled 2` when nothing is open)."""
    open_ = round(needed - filled, 2)
    text = f"needs {needed}, filled {filled:g}"
    return text + (f", {open_:g} open" if open_ > 0 else "")


def request_lines(problem: Problem, result: RosterResult, tz: ZoneInfo) -> list[str]:
    """BY REQUEST: each request in time order with its officers and their pieces."""
    shifts: dict[str, list[Assignment]] = defaultdict(list)
    for a in sorted(result.assignments, key=lambda a: (a.start, a.officer_id)):
        shifts[a.request_id].append(a)
    refused = {r.request_id: r.code for r in result.rejected}
    names = {o.id: o.name for o in problem.officers}
    lines = ["BY REQUEST"]
    for request in sorted(problem.requests, key=lambda r: (r.start, r.id)):
        employer = clip(request.employer.name or request.employer.id, 22)
        head = f"{request.id:<10} {employer:<22} {local_when(request.start, request.end, tz):<24}"
        if request.id in refused:
            lines.append(f"{head} refused: {refused[request.id]}")
            continue
        filled = filled_share(request, shifts[request.id])
        lines.append(f"{head} {positions_text(request.officers_needed, filled)}")
        pieces = [f"{a.officer_id} {clip(names.get(a.officer_id, ''), 18)} "
                  f"{local_span(a.start, a.end, tz)}".replace("  ", " ")
                  for a in shifts[request.id]]
        lines += packed(pieces, "    ")
    return lines


def officer_lines(problem: Problem, result: RosterResult, policy: PolicySettings,
                  tz: ZoneInfo) -> list[str]:
    """BY OFFICER: shifts, hours this run, and the busiest week against the weekly cap."""
    shifts: dict[str, list[Assignment]] = defaultdict(list)
    for a in result.assignments:
        shifts[a.officer_id].append(a)
    lines = ["BY OFFICER"]
    for officer in sorted(problem.officers, key=lambda o: o.id):
        mine = shifts.get(officer.id, [])
        if not mine:
            continue
        cap = min(policy.max_hours_per_week, officer.max_hours_per_week or 1e9)
        spans = [(a.start, a.end) for a in mine] + [(p.start, p.end) for p in officer.prior_shifts]
        loads = week_loads(officer.id, spans, tz, cap, policy.max_hours_per_day)
        busiest = max(loads, key=lambda w: w.hours)
        prior = " with prior shifts" if officer.prior_shifts else ""
        flag = "  OVER" if any(w.flag for w in loads) else ""
        run = sum(elapsed_hours(a.start, a.end) for a in mine)
        lines.append(
            f"{officer.id:<10} {clip(officer.name, 20):<20} {len(mine):>2} shift(s) "
            f"{hours_text(run):>8}; week of {busiest.week:%d %b}: {busiest.hours:g} of "
            f"{hours_text(cap)} cap{prior}{flag}"
        )
    return lines


def unfilled_section(problem: Problem, result: RosterResult, tz: ZoneInfo) -> list[str]:
    """UNFILLED and REFUSED: short lines in time order, with the employer and the codes."""
    employers = {r.id: r.employer.name or r.employer.id for r in problem.requests}
    lines = []
    if result.unfilled:
        lines.append("UNFILLED")
        for u in sorted(result.unfilled, key=lambda u: (u.start, u.request_id)):
            codes = list(dict.fromkeys(r.code for r in u.reasons))
            lines.append(unfilled_line(u.request_id, employers.get(u.request_id, ""), u.start,
                                       u.end, u.positions, codes, tz))
    if result.rejected:
        lines += ["", "REFUSED"] if lines else ["REFUSED"]
        requests = {r.id: r for r in problem.requests}
        order = sorted(result.rejected, key=lambda r: (requests[r.request_id].start, r.request_id))
        for rej in order:
            request = requests[rej.request_id]
            when = local_when(request.start, request.end, tz)
            employer = clip(employers[rej.request_id], 22)
            lines.append(f"{rej.request_id:<10} {employer:<22} {when:<24} {rej.code}")
    return lines


def roster_text(problem: Problem, result: RosterResult) -> str:
    """The whole report: header, BY REQUEST, BY OFFICER, UNFILLED, REFUSED, how to get JSON."""
    agency = resolve_agency(problem.agency)
    policy = effective_policy(agency, problem.policy)
    tz = agency.tz
    sections = [
        header_lines(result),
        request_lines(problem, result, tz),
        officer_lines(problem, result, policy, tz),
        unfilled_section(problem, result, tz),
        [*summary_tail(result), JSON_HINT],
    ]
    return "\n\n".join("\n".join(s) for s in sections if s)
