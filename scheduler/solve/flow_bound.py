"""A fast proven coverage bound from a transportation (min-cost flow) relaxation.

Keeps: each request's positions (N officers per moment, as N x its minutes in total), one
position per officer at a time on a request (no more of it than the union of the pieces they
may take that start on one day: one arc for them all, where every piece had its own), and per
officer the minutes they can possibly work: from the pieces starting on a local day no more
than their availability from that midnight until the longest piece could end, and in each week
no more than the weekly cap less their shifts outside the problem that week (plus the longest
spill of a piece over the week's end: such pieces all contain the Monday midnight, so only one
is worked).
Drops overlap, the daily and 24-hour rules, and the supervisor rule but where supervisors are
few (`crew_bound`). Every roster is a feasible flow, so the
optimum bounds coverage. Built from the candidate pools (a superset of the candidates) with
array operations and solved by OR-Tools' min-cost flow: about a second at city scale, where the
LP relaxation of the full model takes minutes.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date, timedelta

import numpy as np
from ortools.graph.python import min_cost_flow

from scheduler.context import Context, piece_weight
from scheduler.solve.pieces import GRID, Piece, PieceSet
from scheduler.timeutil import local_date, local_midnight, split_by_local_week, week_monday

PRECISION = 1000  # cost units per coverage unit per minute; rounded up to keep the bound valid
WEEK = 7 * 24 * 60


def _crew(ctx: Context, r: int, crews: bool) -> int:
    """The positions one supervisor's minute on request `r` stands for (`flow_bound(crews=True)`),
    0 where the request needs no supervisor or the rule is not counted."""
    need = ctx.requests[r].model.officers_needed
    return need if crews and need >= ctx.limits.supervisor_at else 0


def _day_budgets(ctx: Context, first: date, days: int, reach: int) -> np.ndarray:
    """Officer x day: availability minutes from the day's midnight to midnight + reach."""
    budgets = np.zeros((len(ctx.officers), days), dtype=np.int64)
    starts = [local_midnight(first + timedelta(days=d), ctx.tz) for d in range(days + 1)]
    for o in ctx.officers:
        if not o.active:
            continue
        for d in range(days):
            lo, hi = starts[d], starts[d + 1] + reach
            budgets[o.index, d] = sum(max(0, min(e, hi) - max(s, lo)) for s, e in o.availability)
    return budgets


def _reach(group: list[Piece], pools: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The officers of a request's pieces that start on one day, and for each the minutes of
    the union of the pieces they may take: one position per officer at any moment, so no roster
    gives them more of this request (the pieces of a split overlap one another).

    In array operations: the pairs sorted by officer and start, each officer's times shifted
    past the previous officer's, so one running maximum of the ends merges every officer's
    pieces at once."""
    if len(group) == 1:
        pool = pools[group[0].index]
        return pool, np.full(len(pool), group[0].minutes, dtype=np.int64)
    officers = np.concatenate([pools[p.index] for p in group])
    if not len(officers):
        return officers, np.zeros(0, dtype=np.int64)
    sizes = [len(pools[p.index]) for p in group]
    starts = np.repeat(np.array([p.start for p in group], dtype=np.int64), sizes)
    ends = np.repeat(np.array([p.end for p in group], dtype=np.int64), sizes)
    order = np.lexsort((starts, officers))
    officers, starts, ends = officers[order], starts[order], ends[order]
    changed = officers[1:] != officers[:-1]
    rank = np.concatenate(([0], np.cumsum(changed)))
    origin = int(starts.min())
    shift = rank * (int(ends.max()) - origin + 1)
    starts, ends = starts - origin + shift, ends - origin + shift
    merged = np.maximum.accumulate(ends)
    first = np.flatnonzero(np.concatenate(([True], starts[1:] > merged[:-1])))
    last = np.concatenate((first[1:] - 1, [len(starts) - 1]))
    reach = np.bincount(rank[first], weights=merged[last] - starts[first]).astype(np.int64)
    return officers[np.flatnonzero(np.concatenate(([True], changed)))], reach


def windows(ctx: Context, ps: PieceSet) -> PieceSet:
    """The pieces of a cheaper flow bound that holds for every split of `ps`: a long request's
    windows of the agency minimum, one from and one to each of its grid points, where `ps` has
    every split's segments (a 16-hour request at Rockport's 2-hour minimum: 29 windows against
    273 segments); other requests keep their pieces.

    A segment runs between grid points and is at least the minimum long, so it is the union of
    the windows inside it, and an officer who may take it passes the pool rules for each of
    them (availability and on-duty time, qualifications, and the day and week minutes of a
    shorter span). A roster's segment is then a flow through the windows: its minutes before
    the first grid point after a midnight through the windows that start before it (the
    windows' own spill covers a week's end), the rest through the next day's. The arcs'
    reach is the union of each officer's windows, and the days' availability spans the
    longest window or whole piece, so every roster is still a feasible flow and the optimum a
    valid bound."""
    out = PieceSet([], {}, set(ps.split_requests), set(ps.no_valid_split), {})
    least = ctx.limits.min_minutes
    for r, ids in ps.by_request.items():
        req = ctx.requests[r]
        if r in ps.split_requests:
            points = [*range(req.start, req.end, GRID), req.end]
            starts = {a for a in points if a + least <= req.end}
            starts |= {b - least for b in points if b - least >= req.start}
            spans = [(a, a + least) for a in sorted(starts)]
        else:
            spans = [(ps.pieces[i].start, ps.pieces[i].end) for i in ids]
        for start, end in spans:
            out.by_request.setdefault(r, []).append(len(out.pieces))
            out.pieces.append(Piece(len(out.pieces), r, start, end, 0, r in ps.split_requests))
    return out


def crew_bound(ctx: Context, ps: PieceSet, pools: list[np.ndarray]) -> float:
    """`flow_bound`, and where the supervisors could not work every minute of the requests that
    need one (`few_supervisors`), the lower of it and the flow bound that sees them
    (`flow_bound(crews=True)`): with 3% of the officers supervisors and a supervisor from 2
    positions, the plain bound stood nearly three times above the roster (docs/solver.md)."""
    plain = flow_bound(ctx, ps, pools)
    if not few_supervisors(ctx, ps):
        return plain
    return min(plain, flow_bound(ctx, ps, pools, crews=True))


def few_supervisors(ctx: Context, ps: PieceSet) -> bool:
    """Whether the supervisors' weekly caps over the weeks of the requests fall short of the
    minutes of the requests that need a supervisor. Where they do not, a supervisor's minute
    may stand for a whole crew's in the crews bound, which then bounds no lower than the plain
    one (on five M families where they did not, from 0.7% lower to 9.5% higher), so it is not
    solved."""
    needed = sum(ctx.requests[r].minutes for r in ps.by_request if _crew(ctx, r, True))
    if not needed:
        return False
    days = {local_date(ctx.requests[r].start, ctx.tz) for r in ps.by_request}
    weeks = len({week_monday(d) for d in days})
    capacity = sum(
        min(o.week_cap * weeks, sum(e - s for s, e in o.availability))
        for o in ctx.officers
        if o.supervisor and o.active
    )
    return capacity < needed


def flow_bound(ctx: Context, ps: PieceSet, pools: list[np.ndarray], crews: bool = False) -> float:
    """Upper bound on coverage (in piece-weight units) of any valid roster.

    With `crews`, a request of `supervisor_at` or more positions is staffed only while a
    supervisor is on it, so its coverage is at most its positions times the minutes some
    supervisor works it: its arcs come from the supervisors alone, carry at most its minutes,
    and each minute is worth all its positions. That bound sees how few supervisors there are,
    and where they are many it is the weaker one (a supervisor's minute stands for a crew's)."""
    waived = _waived_minutes(ctx)
    outside = sum(
        piece_weight(ctx.requests[r], s, e) for (r, _, s, e), codes in ctx.waived.items() if codes
    )
    live = [p for p in ps.pieces if len(pools[p.index])]
    if not live:
        return float(outside)
    # Each distinct start's local date and week once: a split week has many pieces to a start
    # (6,409 pieces, 0.11 s of a 1-second limit on Rockport's Christmas week when per piece).
    date_at = {s: local_date(s, ctx.tz) for s in {p.start for p in live}}
    day_of = {p.index: date_at[p.start] for p in live}
    first = min(date_at.values())
    days = (max(date_at.values()) - first).days + 1
    first_monday = week_monday(first)
    weeks = (week_monday(max(date_at.values())) - first_monday).days // 7 + 1
    week_of = {d: (week_monday(d) - first_monday).days // 7 for d in set(date_at.values())}
    week_end = [
        local_midnight(first_monday + timedelta(days=7 * (w + 1)), ctx.tz) for w in range(weeks)
    ]
    n_off, n_req = len(ctx.officers), len(ctx.requests)
    req_base, day_base = 2, 2 + n_req
    week_base = day_base + n_off * days
    tails, heads, caps, costs = [], [], [], []
    spill = np.zeros(n_off * weeks, dtype=np.int64)
    groups: dict[tuple[int, int], list[Piece]] = defaultdict(list)
    for piece in live:
        day = day_of[piece.index]
        groups[piece.request, (day - first).days].append(piece)
        w = week_of[day]
        if piece.end > week_end[w]:
            pool = pools[piece.index]
            np.maximum.at(spill, pool * weeks + w, piece.end - week_end[w])
    chief = np.asarray([o.supervisor for o in ctx.officers], dtype=bool)
    for (r, d), group in groups.items():
        req = ctx.requests[r]
        officers, minutes = _reach(group, pools)
        crew = 0 if r in waived else _crew(ctx, r, crews)
        if crew:
            keep = chief[officers]
            officers, minutes = officers[keep], minutes[keep]
        positions = crew or 1  # what one minute of an arc fills
        per_minute = -math.ceil(positions * req.model.priority * 1000 * PRECISION / req.minutes)
        tails.append(np.full(len(officers), req_base + r))
        heads.append(day_base + officers * days + d)
        caps.append(minutes)
        costs.append(np.full(len(officers), per_minute))
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails), np.concatenate(heads), np.concatenate(caps), np.concatenate(costs)
    )
    total = 0
    for r in ps.by_request:
        req = ctx.requests[r]
        if r in waived:  # its overridden locks stand outside the flow
            cap = req.model.officers_needed * req.minutes - waived[r]
        else:
            cap = (1 if _crew(ctx, r, crews) else req.model.officers_needed) * req.minutes
        smcf.add_arc_with_capacity_and_unit_cost(0, req_base + r, cap, 0)
        total += cap
    reach = max(p.minutes for p in live)
    budgets = _day_budgets(ctx, first, days, reach)
    officers = np.repeat(np.arange(n_off), days)
    day_idx = np.tile(np.arange(days), n_off)
    week_idx = np.array(
        [
            (week_monday(first + timedelta(days=int(d))) - first_monday).days // 7
            for d in range(days)
        ]
    )[day_idx]
    smcf.add_arcs_with_capacity_and_unit_cost(
        day_base + officers * days + day_idx,
        week_base + officers * weeks + week_idx,
        budgets.reshape(-1),
        np.zeros(n_off * days, dtype=np.int64),
    )
    cap_of = np.repeat(np.array([o.week_cap for o in ctx.officers], dtype=np.int64), weeks)
    week_caps = np.maximum(0, cap_of - _prior_week_minutes(ctx, first_monday, weeks)) + spill
    smcf.add_arcs_with_capacity_and_unit_cost(
        week_base + np.arange(n_off * weeks),
        np.full(n_off * weeks, 1),
        week_caps,
        np.zeros(n_off * weeks, dtype=np.int64),
    )
    smcf.add_arc_with_capacity_and_unit_cost(0, 1, total, 0)  # positions left unfilled
    smcf.set_node_supply(0, total)
    smcf.set_node_supply(1, -total)
    if smcf.solve() != smcf.OPTIMAL:
        return math.inf
    return -smcf.optimal_cost() / PRECISION + outside


def _prior_week_minutes(ctx: Context, first_monday: date, weeks: int) -> np.ndarray:
    """Officer x week (flattened as the week arcs are): the minutes of the officer's shifts
    outside the problem in each week of the flow, which count toward the weekly cap as the
    roster's do (`locks.check_locks` loads them). Without them the flow gave an officer with a
    prior shift their whole cap: on Kennesaw's autumn DST fortnight with a 12-hour weekly cap and
    a quarter of the officers holding prior shifts, the bound at city scale (seed 0) was 33,197.6
    where it is now 32,565.7 (the roster at 90 s: 30,869.5), 1.1% and 1.9% higher at M (seeds 0
    and 1) and 5.3% on the week (S, seed 0; docs/solver.md)."""
    used = np.zeros(len(ctx.officers) * weeks, dtype=np.int64)
    for o in ctx.officers:
        for s, e in o.prior:
            for monday, minutes in split_by_local_week(s, e, ctx.tz):
                w = (monday - first_monday).days // 7
                if 0 <= w < weeks:
                    used[o.index * weeks + w] += minutes
    return used


def _waived_minutes(ctx: Context) -> Counter[int]:
    """Per request, the minutes of its locks that carry an override (rules.md section 8). Such a
    lock may break a rule the pools keep (an officer on duty, unavailable, unqualified), so its
    officer may be in no pool of it, and the flow could not carry it: its coverage is counted
    outside the flow, its position-minutes taken from the request's, and the request is not
    bounded by its supervisors (a waived lock may be the supervisor on it)."""
    out: Counter[int] = Counter()
    for (r, _, s, e), codes in ctx.waived.items():
        if codes:
            out[r] += e - s
    return out
