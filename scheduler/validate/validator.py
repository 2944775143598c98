"""A solver-independent check of any roster against every hard rule, and its metrics recomputed.

`validate(problem, result)` never trusts the solver: it re-derives refusals, re-reads every
assignment in integer minutes and re-checks each rule of rules.md sections 4-6 with its own code
(it does not import the solver or its eligibility module), so a bug in either shows up as a
disagreement. Officer rules live in `validation_officer`, metrics in `validation_metrics`; this
module holds the rules about requests and the roster as a whole.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import cache

from pydantic import Field

from models.common import OutputModel
from models.problem import Problem
from models.result import Metrics, RosterResult, Violation
from scheduler.validate.metrics import compare_metrics, recompute_metrics
from scheduler.validate.officer import officer_violations
from scheduler.validate.view import RequestView, RosterView, Shift, build_view, lock_key

GRID = 30


class ValidationReport(OutputModel):
    """What `validate` found: every violation, the metrics recomputed, and whether all is well."""

    ok: bool
    violations: list[Violation] = Field(default_factory=list)
    metrics: Metrics
    mismatches: list[str] = Field(
        default_factory=list,
        description="Where the result's own statements (metrics, refusals) differ from the "
        "recomputation; these are not rule violations.",
    )
    waived: list[Violation] = Field(
        default_factory=list,
        description="Rules a locked shift breaks that a supervisor overrode for it "
        "(the lock's `overrides`, rules.md section 8): recorded, not violations.",
    )


def unknown_reference(view: RosterView) -> list[Violation]:
    """Every assignment names an officer and a request of the problem."""
    found = []
    for shift in view.shifts:
        missing = [
            f"{kind} {ref}"
            for kind, ref, known in (
                ("officer", shift.officer_id, view.officers),
                ("request", shift.request_id, view.requests),
            )
            if ref not in known
        ]
        if missing:
            found.append(
                Violation(
                    code="UNKNOWN_REFERENCE",
                    message=f"assignment {shift.index} names unknown {' and '.join(missing)}",
                    officer_id=shift.officer_id,
                    request_id=shift.request_id,
                )
            )
    return found


def request_refused_staffed(view: RosterView) -> list[Violation]:
    """A refused request is never staffed."""
    found = []
    for request_id, shifts in view.by_request.items():
        refused = view.requests[request_id].refused
        if refused is None:
            continue
        for shift in shifts:
            found.append(
                _on(
                    shift,
                    "REQUEST_REFUSED_STAFFED",
                    f"{shift.officer_id} is staffed on {request_id}, which is refused "
                    f"({', '.join(refused.codes)})",
                )
            )
    return found


def outside_request(view: RosterView) -> list[Violation]:
    """An assignment lies within its request's start and end."""
    found = []
    for request_id, shifts in view.by_request.items():
        rv = view.requests[request_id]
        for shift in shifts:
            if shift.start < rv.start or shift.end > rv.end:
                found.append(
                    _on(
                        shift,
                        "OUTSIDE_REQUEST",
                        f"{shift.officer_id} on {request_id} "
                        f"{view.span(shift.start, shift.end)} lies outside the request "
                        f"{view.span(rv.start, rv.end)}",
                    )
                )
    return found


def _on(shift: Shift, code: str, message: str) -> Violation:
    return Violation(
        code=code, message=message, officer_id=shift.officer_id, request_id=shift.request_id
    )


def staffing_runs(view: RosterView, shifts: list[Shift]) -> list[tuple[int, int, int, int]]:
    """Maximal stretches of constant staffing: (start, end, officers on, supervisors on)."""
    deltas: Counter[int] = Counter()
    sup_deltas: Counter[int] = Counter()
    for shift in shifts:
        if shift.end <= shift.start:
            continue
        deltas[shift.start] += 1
        deltas[shift.end] -= 1
        if view.officers[shift.officer_id].officer.rank.is_supervisor:
            sup_deltas[shift.start] += 1
            sup_deltas[shift.end] -= 1
    points = sorted(set(deltas) | set(sup_deltas))
    runs, on, sups = [], 0, 0
    for t0, t1 in zip(points, points[1:], strict=False):
        on += deltas[t0]
        sups += sup_deltas[t0]
        if on:
            runs.append((t0, t1, on, sups))
    return runs


def _joined(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and out[-1][1] == s:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def supervisor_required(view: RosterView) -> list[Violation]:
    """A request of supervisor_at or more positions has a supervisor on it whenever staffed."""
    found = []
    for request_id, shifts in view.by_request.items():
        rv = view.requests[request_id]
        if rv.request.officers_needed < view.policy.supervisor_at:
            continue
        bare = [(t0, t1) for t0, t1, _, sups in staffing_runs(view, shifts) if sups == 0]
        for t0, t1 in _joined(bare):
            found.append(
                Violation(
                    code="SUPERVISOR_REQUIRED",
                    message=(
                        f"{request_id} needs {rv.request.officers_needed} officers, so a "
                        "sergeant or above must be on it whenever staffed; none is from "
                        f"{view.span(t0, t1)}"
                    ),
                    request_id=request_id,
                )
            )
    return found


def overstaffed(view: RosterView) -> list[Violation]:
    """No request has more officers on at once than it asked for."""
    found = []
    for request_id, shifts in view.by_request.items():
        needed = view.requests[request_id].request.officers_needed
        for t0, t1, on, _ in staffing_runs(view, shifts):
            if on > needed:
                found.append(
                    Violation(
                        code="OVERSTAFFED",
                        message=(
                            f"{request_id} has {on} officers on from {view.span(t0, t1)} but asked "
                            f"for {needed}"
                        ),
                        request_id=request_id,
                    )
                )
    return found


@cache
def _split_points(length: int, low: float, high: float) -> tuple[frozenset[int], frozenset[int]]:
    """Grid offsets reachable from the start, and from which the end is reachable, by pieces.

    A piece runs between grid offsets (multiples of 30 min, plus the request's end) and lasts
    between `low` and `high` minutes. A segment is part of some valid split exactly when its start
    is reachable from the request start and the end is reachable from its end (rules.md 6).
    """
    grid = [*range(0, length, GRID), length]

    def reach(order: list[int]) -> frozenset[int]:
        seen = {order[0]}
        for point in order[1:]:
            if any(low <= abs(point - p) <= high for p in seen):
                seen.add(point)
        return frozenset(seen)

    return reach(grid), reach(grid[::-1])


def _segment_problem(view: RosterView, rv: RequestView, shift: Shift) -> str | None:
    """Why this assignment is not a valid piece of its request, or None."""
    policy = view.policy
    low, high = policy.min_hours * 60, policy.max_continuous_hours * 60
    if rv.minutes <= high:
        if (shift.start, shift.end) != (rv.start, rv.end):
            return f"is worked whole (it is at most {high / 60:g} h)"
        return None
    a, b = shift.start - rv.start, shift.end - rv.start
    if any(x % GRID and x != rv.minutes for x in (a, b)):
        return "has a boundary off the 30-minute grid counted from the request start"
    if not low <= b - a <= high:
        return f"lasts {(b - a) / 60:g} h, outside {policy.min_hours:g}-{high / 60:g} h"
    from_start, to_end = _split_points(rv.minutes, low, high)
    if a not in from_start or b not in to_end:
        return "leaves a remainder of the position that no split into valid pieces can cover"
    return None


def invalid_segment(view: RosterView) -> list[Violation]:
    """Short requests are worked whole; long ones split on the grid into min..max-hour pieces."""
    found = []
    for request_id, shifts in view.by_request.items():
        rv = view.requests[request_id]
        for shift in shifts:
            problem = _segment_problem(view, rv, shift)
            if problem is not None:
                found.append(
                    _on(
                        shift,
                        "INVALID_SEGMENT",
                        f"{shift.officer_id} on {request_id} "
                        f"{view.span(shift.start, shift.end)}: the request "
                        f"{view.span(rv.start, rv.end)} {problem}",
                    )
                )
    return found


def locked_changed(view: RosterView) -> list[Violation]:
    """Every locked assignment appears exactly (officer, request, start and end)."""
    # Only shifts that match some lock matter; most rosters have few locks and many shifts.
    keys = [s.key for s in view.shifts]
    held = Counter(key for key in keys if key in view.locked_keys)
    found = []
    for lock in view.problem.locked:
        key = lock_key(lock.request_id, lock.officer_id, lock.start, lock.end)
        if held[key] > 0:
            held[key] -= 1
            continue
        found.append(
            Violation(
                code="LOCKED_CHANGED",
                message=(
                    f"locked assignment of {lock.officer_id} on {lock.request_id} "
                    f"{view.span(key[2], key[3])} is missing or moved"
                ),
                officer_id=lock.officer_id,
                request_id=lock.request_id,
            )
        )
    return found


RosterRule = Callable[[RosterView], list[Violation]]

# Reference checks first: later rules only see assignments whose ids resolve.
ROSTER_CHECKS: tuple[tuple[str, RosterRule], ...] = (
    ("UNKNOWN_REFERENCE", unknown_reference),
    ("REQUEST_REFUSED_STAFFED", request_refused_staffed),
    ("OUTSIDE_REQUEST", outside_request),
    ("SUPERVISOR_REQUIRED", supervisor_required),
    ("OVERSTAFFED", overstaffed),
    ("INVALID_SEGMENT", invalid_segment),
    ("LOCKED_CHANGED", locked_changed),
)


def _refusal_note(request_id: str, said: list[str] | None, found: list[str] | None) -> str:
    if not found:
        return f"{request_id}: the result refuses it ({', '.join(said or [])}), the rules do not"
    if not said:
        return f"{request_id}: the rules refuse it ({', '.join(found)}), the result does not"
    return f"{request_id}: refused for ({', '.join(said)}), the rules say ({', '.join(found)})"


def compare_refusals(view: RosterView, result: RosterResult) -> list[str]:
    """Requests the result lists as rejected, or with other codes, than the rules say."""
    stated = {r.request_id: r.codes for r in result.rejected}
    out = []
    for request_id, rv in view.requests.items():
        found = rv.refused.codes if rv.refused is not None else None
        said = stated.pop(request_id, None)
        if said != found:
            out.append(_refusal_note(request_id, said, found))
    out.extend(f"{rid}: rejected in the result but not in the problem" for rid in stated)
    return out


def overridden_codes(problem: Problem) -> dict[tuple[str, str], frozenset[str]]:
    """(officer, request) of each lock with overrides -> the rule codes overridden for it."""
    out: dict[tuple[str, str], frozenset[str]] = {}
    for lock in problem.locked:
        if lock.overrides:
            key = (lock.officer_id, lock.request_id)
            out[key] = out.get(key, frozenset()) | frozenset(lock.overrides)
    return out


def split_waived(
    problem: Problem, violations: list[Violation]
) -> tuple[list[Violation], list[Violation]]:
    """Violations kept, and those an overridden lock of the same officer and request waives.

    A rule between two shifts is reported on the later one, so an override waives it only when
    the overridden shift is that later one; every other shift still answers for it."""
    codes = overridden_codes(problem)
    kept: list[Violation] = []
    waived: list[Violation] = []
    for v in violations:
        key = (v.officer_id or "", v.request_id or "")
        (waived if v.code in codes.get(key, frozenset()) else kept).append(v)
    return kept, waived


def validate(problem: Problem, result: RosterResult) -> ValidationReport:
    """Check `result` against every hard rule for `problem`, and recompute its metrics."""
    view = build_view(problem, result)
    violations: list[Violation] = []
    for _, rule in ROSTER_CHECKS:
        violations.extend(rule(view))
    for ov in view.officers.values():
        violations.extend(officer_violations(view, ov))
    metrics = recompute_metrics(view, result.metrics)
    violations, waived = split_waived(problem, violations)
    return ValidationReport(
        ok=not violations,
        violations=violations,
        waived=waived,
        metrics=metrics,
        mismatches=compare_metrics(result.metrics, metrics) + compare_refusals(view, result),
    )
