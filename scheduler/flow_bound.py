"""A fast proven coverage bound from a transportation (min-cost flow) relaxation.

Keeps: each request's positions (N officers per moment, as N x its minutes in total), one
position per officer per piece, and per officer the minutes they can possibly work: on each
local day no more than the most minutes they could work of the candidate pieces that start
that day, and in each week no more than the weekly cap (plus the longest
spill of a piece over the week's end, since only one such piece can be worked). Drops the daily,
24-hour and supervisor rules. Every roster is a feasible flow, so the optimum bounds coverage.
"The most they can work" on a day is the largest set of that day's candidate pieces one officer
could work back to back (a weighted interval packing), far tighter than their union.
Solved by OR-Tools' min-cost flow in well under a second at city scale, where the LP relaxation
of the full model takes minutes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date

from ortools.graph.python import min_cost_flow

from scheduler.context import Context
from scheduler.model import max_packing
from scheduler.pieces import PieceSet
from scheduler.timeutil import local_date, local_midnight, week_monday

PRECISION = 1000  # cost units per coverage unit per minute; rounded up to keep the bound valid


def _by_day(
    ctx: Context, ps: PieceSet, cands: dict[int, list[int]]
) -> dict[tuple[int, date], list[int]]:
    """Per officer and local day: the ids of candidate pieces starting that day."""
    by_day: dict[tuple[int, date], list[int]] = defaultdict(list)
    for piece in ps.pieces:
        day = local_date(piece.start, ctx.tz)
        for oi in cands[piece.index]:
            by_day[oi, day].append(piece.index)
    return by_day


def flow_bound(ctx: Context, ps: PieceSet, cands: dict[int, list[int]]) -> float:
    """Upper bound on coverage (in coverage units, as piece weights) of any valid roster."""
    smcf = min_cost_flow.SimpleMinCostFlow()
    nodes: dict[object, int] = {}

    def node(key: object) -> int:
        return nodes.setdefault(key, len(nodes))

    source, sink = node("source"), node("sink")
    total = 0
    by_day = _by_day(ctx, ps, cands)
    for r, piece_ids in ps.by_request.items():
        req = ctx.requests[r]
        need = req.model.officers_needed
        per_minute = -math.ceil(req.model.priority * 1000 * PRECISION / req.minutes)
        cap = need * req.minutes
        smcf.add_arc_with_capacity_and_unit_cost(source, node(("r", r)), cap, 0)
        total += cap
        for p in piece_ids:
            piece = ps.pieces[p]
            for oi in cands[p]:
                day = local_date(piece.start, ctx.tz)
                smcf.add_arc_with_capacity_and_unit_cost(
                    node(("r", r)), node(("d", oi, day)), piece.minutes, per_minute
                )
    weeks: dict[tuple[int, date], int] = defaultdict(int)
    for (oi, day), piece_ids in by_day.items():
        spans = [(ps.pieces[p].start, ps.pieces[p].end) for p in piece_ids]
        most = max_packing([(a, b, b - a) for a, b in spans], ctx.limits.gap)
        week = week_monday(day)
        smcf.add_arc_with_capacity_and_unit_cost(
            node(("d", oi, day)), node(("w", oi, week)), most, 0
        )
        week_end = local_midnight(week, ctx.tz) + 7 * 24 * 60  # next Monday 00:00 local
        spill = max((ps.pieces[p].end - week_end for p in piece_ids), default=0)
        weeks[oi, week] = max(weeks[oi, week], spill)
    for (oi, week), spill in weeks.items():
        smcf.add_arc_with_capacity_and_unit_cost(
            node(("w", oi, week)), sink, ctx.officers[oi].week_cap + max(0, spill), 0
        )
    smcf.add_arc_with_capacity_and_unit_cost(source, sink, total, 0)  # positions left unfilled
    smcf.set_node_supply(source, total)
    smcf.set_node_supply(sink, -total)
    if smcf.solve() != smcf.OPTIMAL:
        return math.inf
    return -smcf.optimal_cost() / PRECISION
