"""A roster result as text a dispatcher reads: coverage and its bound, reasons, fairness, money."""

from __future__ import annotations

from collections import Counter

from models.result import RosterResult


def _coverage(result: RosterResult) -> list[str]:
    m = result.metrics
    gap = m.coverage_upper_bound - m.coverage
    return [
        f"status        {result.status} ({result.solver.wall_s:.2f} s, "
        f"{result.solver.workers} worker(s), OR-Tools {result.solver.ortools})",
        f"positions     {m.positions_filled:g} of {m.positions_requested} filled "
        f"({len(result.rejected)} request(s) refused)",
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


def _reasons(result: RosterResult, limit: int) -> list[str]:
    lines = []
    codes = Counter(r.code for u in result.unfilled for r in u.reasons for _ in range(u.positions))
    if codes:
        lines.append("unfilled      " + ", ".join(f"{n} {c}" for c, n in codes.most_common()))
    for u in result.unfilled[:limit]:
        when = f"{u.start:%a %d %b %H:%M}-{u.end:%H:%M}"
        lines.append(f"  {u.request_id} {when} x{u.positions}: {u.reasons[0].message}")
    if len(result.unfilled) > limit:
        lines.append(f"  ... and {len(result.unfilled) - limit} more (see --json)")
    refused = Counter(r.code for r in result.rejected)
    if refused:
        lines.append("refused       " + ", ".join(f"{n} {c}" for c, n in refused.most_common()))
    return lines


def summarize(result: RosterResult, limit: int = 10) -> str:
    lines = _coverage(result) + _fairness(result) + _reasons(result, limit)
    if result.violations:
        lines.append(
            "violations    " + "; ".join(f"{v.code}: {v.message}" for v in result.violations)
        )
    lines += [f"note          {n}" for n in result.notes]
    return "\n".join(lines)
