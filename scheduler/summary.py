"""The head of a roster result as text: status, coverage and its bound, fairness, money, reasons.

scheduler/roster_text.py puts the roster itself (by request, by officer, unfilled) under it.
"""

from __future__ import annotations

from collections import Counter

from models.result import RosterResult
from scheduler.display import FRACTIONAL_POSITIONS, packed


def _coverage(result: RosterResult) -> list[str]:
    m = result.metrics
    gap = m.coverage_upper_bound - m.coverage
    return [
        f"status        {result.status} ({result.solver.wall_s:.2f} s, "
        f"{result.solver.workers} worker(s), OR-Tools {result.solver.ortools})",
        f"positions     {m.positions_filled:g} of {m.positions_requested} filled "
        f"({len(result.rejected)} request(s) refused)",
        *([f"              ({FRACTIONAL_POSITIONS})"] if not float(m.positions_filled).is_integer()
          else []),
        f"coverage      {m.coverage:g} priority-weighted, proven bound {m.coverage_upper_bound:g}"
        f" (gap {gap:.4g})",
    ]


def _fairness(result: RosterResult) -> list[str]:
    m = result.metrics
    bound = "" if m.max_total_lower_bound is None else f" (lower bound {m.max_total_lower_bound:g})"
    return [
        f"hours         {m.hours_filled:g} h assigned",
        f"fairness      max total {m.max_total_hours:g} h{bound}, spread {m.spread_hours:g} h, "
        f"gini {m.gini:.3f}, improvable pairs {m.improvable_pairs}",
        f"revenue       ${result.pricing.total:,.2f} {result.pricing.currency}",
    ]


def _counts(result: RosterResult) -> list[str]:
    lines = []
    codes = Counter(r.code for u in result.unfilled for r in u.reasons for _ in range(u.positions))
    if codes:
        lines += packed([f"{n} {c}" for c, n in codes.most_common()], "unfilled      ", sep=", ")
    refused = Counter(r.code for r in result.rejected)
    if refused:
        lines += packed([f"{n} {c}" for c, n in refused.most_common()], "refused       ", sep=", ")
    return lines


def header_lines(result: RosterResult) -> list[str]:
    """Status, positions, coverage against its bound, hours, fairness, revenue, reason counts."""
    return _coverage(result) + _fairness(result) + _counts(result)


def summary_tail(result: RosterResult) -> list[str]:
    """Violations and the solver's notes, if any."""
    lines = []
    if result.violations:
        lines.append(
            "violations    " + "; ".join(f"{v.code}: {v.message}" for v in result.violations)
        )
    return lines + [f"note          {n}" for n in result.notes]

