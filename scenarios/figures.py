"""The figures a what-if comparison reports for one solved roster.

One flat mapping per roster, label -> number, in a fixed order: positions requested and filled,
coverage against its proven bound, positions left unfilled by reason code and refused by rule
code, hours, customer revenue (the roster's invoice total), officer pay (the sum of the pay
lines of every staffed request) and how evenly hours fall (largest total, spread, Gini).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal

from models.common import elapsed
from models.problem import Problem
from models.result import Assignment, RosterResult
from scheduler.agencies import resolve_agency
from scheduler.pricing.rates import effective_policy, pay_lines

Figures = dict[str, float]

POSITIONS_REQUESTED = "positions requested"
POSITIONS_FILLED = "positions filled"
COVERAGE = "coverage (priority-weighted)"
COVERAGE_BOUND = "coverage upper bound"
COVERAGE_PCT = "coverage % of bound"
HOURS = "hours filled"
REVENUE = "customer revenue $"
PAY = "officer pay $"
MAX_TOTAL = "max total hours"
SPREAD = "spread of total hours"
GINI = "gini of total hours"
UNFILLED = "unfilled: "
REFUSED = "refused: "

# Rows in this order; unfilled and refused codes follow the first five, sorted by code.
HEAD = (POSITIONS_REQUESTED, POSITIONS_FILLED, COVERAGE, COVERAGE_BOUND, COVERAGE_PCT)
TAIL = (HOURS, REVENUE, PAY, MAX_TOTAL, SPREAD, GINI)
MONEY = (REVENUE, PAY)
# A bound this small means nothing can be filled (the solver reports 0.0001, not 0, then).
_NOTHING = 0.001


def officer_pay(problem: Problem, assignments: Iterable[Assignment]) -> Decimal:
    """Sum of the pay-line amounts of every staffed request (vehicle charges are not pay)."""
    agency = resolve_agency(problem.agency)
    policy = effective_policy(agency, problem.policy)
    shifts: dict[str, list[tuple[str, datetime, datetime]]] = {}
    for a in assignments:
        shifts.setdefault(a.request_id, []).append((a.officer_id, a.start, a.end))
    total = Decimal("0")
    for request in problem.requests:
        if request.id in shifts:
            lines = pay_lines(request, shifts[request.id], agency, policy)
            total += sum((line.amount for line in lines), Decimal("0"))
    return total


def unfilled_by_reason(problem: Problem, result: RosterResult) -> Figures:
    """Unfilled positions by their first reason code; a piece counts its share of the request."""
    lengths = {r.id: elapsed(r.start, r.end).total_seconds() for r in problem.requests}
    counts: Figures = {}
    for u in result.unfilled:
        code = u.reasons[0].code if u.reasons else "UNKNOWN"
        length = lengths.get(u.request_id)
        share = elapsed(u.start, u.end).total_seconds() / length if length else 1.0
        counts[UNFILLED + code] = counts.get(UNFILLED + code, 0) + round(u.positions * share, 4)
    return counts


def refused_by_rule(problem: Problem, result: RosterResult) -> Figures:
    """Positions of refused requests, by the refusal's first code."""
    needed = {r.id: r.officers_needed for r in problem.requests}
    counts: Figures = {}
    for r in result.rejected:
        counts[REFUSED + r.code] = counts.get(REFUSED + r.code, 0) + needed.get(r.request_id, 0)
    return counts


def roster_figures(problem: Problem, result: RosterResult) -> Figures:
    """Every figure of one roster, as plain numbers (money in dollars to the cent)."""
    m = result.metrics
    bound = m.coverage_upper_bound
    figures: Figures = {
        POSITIONS_REQUESTED: m.positions_requested,
        POSITIONS_FILLED: m.positions_filled,
        COVERAGE: m.coverage,
        COVERAGE_BOUND: bound,
        COVERAGE_PCT: round(100 * m.coverage / bound, 2) if bound > _NOTHING else 100.0,
    }
    figures |= dict(sorted(unfilled_by_reason(problem, result).items()))
    figures |= dict(sorted(refused_by_rule(problem, result).items()))
    figures |= {
        HOURS: m.hours_filled,
        REVENUE: float(result.pricing.total),
        PAY: float(officer_pay(problem, result.assignments)),
        MAX_TOTAL: m.max_total_hours,
        SPREAD: m.spread_hours,
        GINI: m.gini,
    }
    return figures


def row_order(columns: Iterable[Mapping[str, float]]) -> list[str]:
    """All figure labels of several rosters, in report order (codes sorted within their group)."""
    present = {k for c in columns for k in c}
    codes = sorted(k for k in present if k.startswith((UNFILLED, REFUSED)))
    unfilled = [k for k in codes if k.startswith(UNFILLED)]
    refused = [k for k in codes if k.startswith(REFUSED)]
    head = [k for k in HEAD if k in present]
    return head + unfilled + refused + [k for k in TAIL if k in present]
