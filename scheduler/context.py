"""One prepared view of a roster problem: integer minutes, indexes, policy, refusals.

Everything the solver, the greedy baseline and the explanations need is converted here once, so
the rest of the scheduler works on plain integers: time is converted in one place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from models.agency import Agency, PolicySettings
from models.common import InputError
from models.officer import Officer, Status
from models.problem import AssignmentRef, Problem
from models.request import Request
from models.result import InputWarning, Rejected
from scheduler.agencies import resolve_agency
from scheduler.timeutil import to_minute


@dataclass(frozen=True)
class Limits:
    """Policy figures in minutes."""

    min_minutes: int
    max_continuous: int
    per_day: int
    per_week: int
    per_24h: int
    gap: int
    supervisor_at: int


@dataclass
class OfficerData:
    index: int
    model: Officer
    active: bool
    supervisor: bool
    quals: frozenset[str]
    conflicts: frozenset[str]
    availability: list[tuple[int, int]]
    on_duty: list[tuple[int, int]]
    week_cap: int
    hours_to_date: int  # minutes
    prior: list[tuple[int, int]] = field(default_factory=list)  # shifts outside the problem

    @property
    def id(self) -> str:
        return self.model.id

    def total(self, load_minutes: int) -> int:
        """Fairness total: hours to date plus the roster's minutes. A load holds the prior
        shifts too; their hours are already in hours_to_date, so they do not count again."""
        return self.hours_to_date + load_minutes - sum(e - s for s, e in self.prior)


@dataclass
class RequestData:
    index: int
    model: Request
    start: int
    end: int
    rejected: Rejected | None

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def minutes(self) -> int:
        return self.end - self.start


@dataclass
class Context:
    problem: Problem
    agency: Agency
    policy: PolicySettings
    tz: ZoneInfo
    limits: Limits
    officers: list[OfficerData]
    requests: list[RequestData]
    officer_index: dict[str, int]
    request_index: dict[str, int]
    locked: list[tuple[int, int, int, int]] = field(default_factory=list)  # (r, o, start, end)
    # A lock -> the rule codes a supervisor overrode for that shift alone (rules.md section 8).
    waived: dict[tuple[int, int, int, int], frozenset[str]] = field(default_factory=dict)
    hinted: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # r -> (start, end)
    warnings: list[InputWarning] = field(default_factory=list)  # ids that match nothing


def merge_windows(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort and merge overlapping or touching windows (availability is a union)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _minutes(hours: float) -> int:
    return int(round(hours * 60))


def _limits(policy: PolicySettings) -> Limits:
    return Limits(
        min_minutes=_minutes(policy.min_hours),
        max_continuous=_minutes(policy.max_continuous_hours),
        per_day=_minutes(policy.max_hours_per_day),
        per_week=_minutes(policy.max_hours_per_week),
        per_24h=_minutes(policy.max_hours_per_24h),
        gap=policy.travel_gap_minutes,
        supervisor_at=policy.supervisor_at,
    )


def _officer(index: int, officer: Officer, limits: Limits) -> OfficerData:
    own_cap = officer.max_hours_per_week
    week_cap = limits.per_week if own_cap is None else min(limits.per_week, _minutes(own_cap))
    return OfficerData(
        index=index,
        model=officer,
        active=officer.status == Status.ACTIVE,
        supervisor=officer.rank.is_supervisor,
        quals=frozenset(officer.qualifications),
        conflicts=frozenset(officer.conflicts),
        availability=merge_windows(
            [(to_minute(w.start), to_minute(w.end)) for w in officer.availability]
        ),
        # Merged: a block declared twice, or inside another, is on-duty time once.
        on_duty=merge_windows([(to_minute(w.start), to_minute(w.end)) for w in officer.on_duty]),
        week_cap=week_cap,
        hours_to_date=_minutes(officer.hours_to_date),
        prior=sorted((to_minute(w.start), to_minute(w.end)) for w in officer.prior_shifts),
    )


def _check_request_against_agency(request: Request, agency: Agency, index: int) -> None:
    """Inputs that no roster can price are errors, not refusals (an unknown contract rate)."""
    rate = request.customer_rate
    if rate is not None and agency.rates.contract_rate_named(rate) is None:
        known = ", ".join(sorted(agency.rates.contract_rates)) or "none"
        raise InputError(
            f"requests[{index}] ({request.id}).customer_rate",
            f"unknown customer rate {rate!r} at {agency.id} (known: {known})",
        )


def prepare(problem: Problem) -> Context:
    """Resolve the agency and policy and convert the problem to minutes and indexes."""
    # Imported here: request_rules imports nothing of ours but models, and keeping the import
    # local avoids a cycle when request_rules grows helpers that use the context.
    from scheduler.rules.request_rules import refusal

    agency = resolve_agency(problem.agency)
    policy = problem.policy.apply(agency.policy)
    limits = _limits(policy)
    officers = [_officer(i, o, limits) for i, o in enumerate(problem.officers)]
    requests = []
    for i, request in enumerate(problem.requests):
        _check_request_against_agency(request, agency, i)
        requests.append(
            RequestData(
                i,
                request,
                to_minute(request.start),
                to_minute(request.end),
                refusal(request, agency, policy),
            )
        )
    ctx = Context(
        problem=problem,
        agency=agency,
        policy=policy,
        tz=agency.tz,
        limits=limits,
        officers=officers,
        requests=requests,
        officer_index={o.id: o.index for o in officers},
        request_index={r.id: r.index for r in requests},
    )
    ctx.locked = [_lock(ctx, lock) for lock in problem.locked]
    ctx.waived = {
        key: frozenset(lock.overrides)
        for key, lock in zip(ctx.locked, problem.locked, strict=True)
        if lock.overrides
    }
    for h in problem.hint:
        if h.request_id in ctx.request_index:
            r = ctx.request_index[h.request_id]
            ctx.hinted.setdefault(r, []).append((to_minute(h.start), to_minute(h.end)))
    ctx.warnings = unknown_hint_ids(problem) + unknown_preferred_officers(problem)
    return ctx


def _unknown(code: str, at: str, kind: str, value: str) -> InputWarning:
    return InputWarning(
        code=code, field=at, id=value, message=f"no {kind} {value!r} in this problem; ignored"
    )


def unknown_hint_ids(problem: Problem) -> list[InputWarning]:
    """UNKNOWN_OFFICER / UNKNOWN_REQUEST: hint rows naming an id the problem does not have."""
    officers = {o.id for o in problem.officers}
    requests = {r.id for r in problem.requests}
    found = []
    for i, ref in enumerate(problem.hint):
        if ref.officer_id not in officers:
            found.append(_unknown("UNKNOWN_OFFICER", f"hint[{i}].officer_id", "officer",
                                  ref.officer_id))
        if ref.request_id not in requests:
            found.append(_unknown("UNKNOWN_REQUEST", f"hint[{i}].request_id", "request",
                                  ref.request_id))
    return found


def unknown_preferred_officers(problem: Problem) -> list[InputWarning]:
    """UNKNOWN_OFFICER: a request prefers an officer the problem does not have."""
    officers = {o.id for o in problem.officers}
    return [
        _unknown("UNKNOWN_OFFICER", f"requests[{i}] ({r.id}).preferred_officers[{j}]", "officer",
                 officer_id)
        for i, r in enumerate(problem.requests)
        for j, officer_id in enumerate(r.preferred_officers)
        if officer_id not in officers
    ]


def _lock(ctx: Context, lock: AssignmentRef) -> tuple[int, int, int, int]:
    return (
        ctx.request_index[lock.request_id],
        ctx.officer_index[lock.officer_id],
        to_minute(lock.start),
        to_minute(lock.end),
    )


def coverage_scale() -> int:
    """Coverage units per priority point of one whole position (integers inside CP-SAT)."""
    return 1000


def piece_weight(req: RequestData, start: int, end: int) -> int:
    """Priority-weighted coverage of [start, end) of one position, in integer units.

    Defined as F(end) - F(start) with F rounding the cumulative share, so the pieces of any
    partition of a position sum to exactly priority x scale (no rounding drift between splits).
    """
    total = req.model.priority * coverage_scale()

    def cumulative(t: int) -> int:
        return math.floor(total * (t - req.start) / req.minutes + 0.5)

    return cumulative(end) - cumulative(start)
