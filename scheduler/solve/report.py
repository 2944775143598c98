"""Assembling the roster result: priced assignments, unfilled with reasons, metrics, pricing.

Metrics come from the solver-independent validator, so what the solver reports is exactly what an
outside check recomputes; only the bounds (which need the model) are the solver's own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache

from models.result import (
    Assignment,
    Metrics,
    OfficerHours,
    RosterResult,
    RosterStatus,
    SolverStats,
    Violation,
)
from scheduler.context import Context
from scheduler.pricing.rates import price_roster
from scheduler.pricing.shift_pricing import ShiftPrice, price_shift
from scheduler.rules.load import OfficerLoad
from scheduler.solve.draft import Draft
from scheduler.solve.explain import explain
from scheduler.solve.pieces import PieceSet
from scheduler.timeutil import from_minute, hours
from scheduler.validate.validator import validate

EMPTY_METRICS = Metrics(
    positions_requested=0,
    positions_filled=0,
    coverage=0,
    coverage_upper_bound=0,
    hours_filled=0,
    max_total_hours=0,
    spread_hours=0,
    gini=0,
    improvable_pairs=0,
)


_PriceOf = Callable[[int, int, int], tuple[datetime, datetime, ShiftPrice]]


def _prices(ctx: Context) -> _PriceOf:
    """Each distinct (request, start, end) priced once: the officers on one piece of a request
    are billed alike, and a city's roster has two to three of them a piece."""

    @cache
    def price(r: int, s: int, e: int) -> tuple[datetime, datetime, ShiftPrice]:
        start, end = from_minute(s, ctx.tz), from_minute(e, ctx.tz)
        return start, end, price_shift(ctx.requests[r].model, start, end, ctx.agency, ctx.policy)

    return price


def _assignment(
    ctx: Context, prices: _PriceOf, r: int, o: int, s: int, e: int, locked: bool
) -> tuple[Assignment, ShiftPrice]:
    req = ctx.requests[r]
    start, end, price = prices(r, s, e)
    line = Assignment(
        request_id=req.id,
        officer_id=ctx.officers[o].id,
        start=start,
        end=end,
        hours=hours(price.worked_minutes),
        billable_hours=hours(price.billable_minutes),
        amount=price.amount,
        locked=locked,
    )
    return line, price


def _officer_hours(
    ctx: Context, shifts: list[tuple[int, int, int, int]], cands: dict[int, list[int]]
) -> list[OfficerHours]:
    new: dict[int, int] = {}
    for _, o, s, e in shifts:
        new[o] = new.get(o, 0) + e - s
    listed = set(new) | {o for officers in cands.values() for o in officers}
    rows = []
    for o in sorted(listed, key=lambda i: ctx.officers[i].id):
        off = ctx.officers[o]
        rows.append(
            OfficerHours(
                officer_id=off.id,
                hours_to_date=off.model.hours_to_date,
                new_hours=hours(new.get(o, 0)),
                total_hours=round(off.model.hours_to_date + new.get(o, 0) / 60, 4),
            )
        )
    return rows


def assemble(
    ctx: Context,
    ps: PieceSet,
    cands: dict[int, list[int]],
    draft: Draft,
    locked_loads: dict[int, OfficerLoad],
    final_loads: dict[int, OfficerLoad],
    status: RosterStatus,
    stats: SolverStats,
    coverage_bound: float | None,
    max_total_bound: float | None,
    notes: list[str],
    explain_until: float | None = None,
) -> RosterResult:
    shifts = [(r, o, s, e) for r, o, s, e in ctx.locked]
    locked_keys = set(shifts)
    shifts += [
        (ps.pieces[p].request, o, ps.pieces[p].start, ps.pieces[p].end) for p, o in draft.assign
    ]
    shifts.sort(key=lambda t: (t[2], ctx.requests[t[0]].id, ctx.officers[t[1]].id, t[3]))
    prices = _prices(ctx)
    priced = [
        _assignment(ctx, prices, r, o, s, e, (r, o, s, e) in locked_keys)
        for r, o, s, e in shifts
    ]
    assignments = [a for a, _ in priced]
    requests = {req.id: req.model for req in ctx.requests}
    pricing = price_roster(
        requests,
        [(a.request_id, a.start, a.end) for a in assignments],
        ctx.agency,
        ctx.policy,
        [price for _, price in priced],
    )
    result = RosterResult(
        status=status,
        agency=ctx.agency.id,
        assignments=assignments,
        unfilled=explain(
            ctx, ps, draft, locked_loads, final_loads, status == "optimal", explain_until
        ),
        rejected=[req.rejected for req in ctx.requests if req.rejected is not None],
        officer_hours=_officer_hours(ctx, shifts, cands),
        metrics=EMPTY_METRICS,
        pricing=pricing,
        solver=stats,
        notes=notes,
        warnings=ctx.warnings,
    )
    report = validate(ctx.problem, result)
    metrics = report.metrics.model_copy(
        update={
            "coverage_upper_bound": report.metrics.coverage
            if coverage_bound is None
            else round(max(coverage_bound, report.metrics.coverage) + 0.00005, 4),
            "max_total_lower_bound": max_total_bound,
        }
    )
    extra = [f"validator: {v.code} {v.message}" for v in report.violations]
    extra += [
        f"override: {v.code} waived for this locked shift: {v.message}" for v in report.waived
    ]
    return result.model_copy(update={"metrics": metrics, "notes": notes + extra})


def infeasible(ctx: Context, violations: list[Violation], stats: SolverStats) -> RosterResult:
    """Locked assignments contradict the rules: say which, price nothing."""
    return RosterResult(
        status="infeasible",
        agency=ctx.agency.id,
        violations=violations,
        rejected=[req.rejected for req in ctx.requests if req.rejected is not None],
        metrics=EMPTY_METRICS,
        solver=stats,
        warnings=ctx.warnings,
        notes=["locked assignments break hard rules; nothing was solved"]
        if violations
        else stats.notes,
    )
