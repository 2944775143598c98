"""The horizon's rows as arrays and the windows cut out of them (solve/rows.py).

The window search writes every rule's rows once and cuts one window at a time out of them, the
roster outside it fixed. A cut must state exactly what a model of the window alone, with the
outside shifts locked, would: these tests check it on cases small enough to work by hand.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from ortools.sat.python import cp_model

from models.problem import Problem
from scenarios.generator import generate
from scheduler.context import Context
from scheduler.solve.model import build
from scheduler.solve.pieces import PieceSet
from scheduler.solve.rows import PAIR, Horizon, Window
from tests.scheduler.builders import ROCKPORT, at, officer, on_duty, problem, request, rows_of


def _piece(ctx: Context, ps: PieceSet, rid: str) -> int:
    [r] = [r.index for r in ctx.requests if r.id == rid]
    return ps.by_request[r][0]


def _officer(ctx: Context, oid: str) -> int:
    [o] = [o.index for o in ctx.officers if o.id == oid]
    return o


def _solve(
    horizon: Horizon, ctx: Context, ps: PieceSet, requests: set[int], fixed_on: list[int]
) -> set[tuple[str, str]]:
    m = horizon.cut(requests, fixed_on).model()
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(m.cp) == cp_model.OPTIMAL
    return {(ctx.requests[ps.pieces[p].request].id, ctx.officers[o].id)
            for (p, o), v in m.x.items() if solver.value(v)}


def weekly_cap() -> Problem:
    # Kennesaw, K-1's own weekly cap 8 h, K-2 with more hours to date. Monday 7 Dec 08:00-14:00
    # (6 h) and Wednesday 9 Dec 10:00-14:00 (4 h): K-1 cannot work both (10 h > 8 h).
    return problem(
        [officer("K-1", max_hours_per_week=8), officer("K-2", hours_to_date=20)],
        [request("R-MON", at(7, 8), at(7, 14)), request("R-WED", at(9, 10), at(9, 14))],
    )


def test_a_cut_moves_the_fixed_shifts_to_the_right_hand_side() -> None:
    ctx, ps, _, horizon = rows_of(weekly_cap())
    mon, wed = _piece(ctx, ps, "R-MON"), _piece(ctx, ps, "R-WED")
    k1, k2 = _officer(ctx, "K-1"), _officer(ctx, "K-2")
    # The window of Wednesday, K-1 fixed on Monday: 480 - 360 = 120 minutes left in the week,
    # so K-1's Wednesday pair (240 minutes) is fixed to 0 and K-2 takes Wednesday.
    win = horizon.cut({ps.pieces[wed].request}, [horizon.x[mon, k1]])
    columns = win.pair_columns()
    assert sorted(columns) == [(wed, k1), (wed, k2)]
    assert win.upper[columns[wed, k1]] == 0
    assert win.upper[columns[wed, k2]] == 1
    week_rows = [r for r in range(len(win.lo)) if win.hi[r] == 120]
    assert len(week_rows) == 1
    assert _solve(horizon, ctx, ps, {ps.pieces[wed].request}, [horizon.x[mon, k1]]) == {
        ("R-WED", "K-2")
    }
    # K-2 fixed on Monday instead: K-1's week is free, and the weekly row keeps 480 minutes
    # (it binds only K-1, whose cap is below the two shifts together).
    win = horizon.cut({ps.pieces[wed].request}, [horizon.x[mon, k2]])
    assert win.upper[win.pair_columns()[wed, k1]] == 1
    assert [win.hi[r] for r in range(len(win.lo)) if win.hi[r] in (120, 480)] == [480]


def test_a_fixed_shift_keeps_the_travel_gap_in_a_cut() -> None:
    # Kennesaw's 30 min gap: R-A 08:00-12:00 fixed to K-1; R-B 12:15-16:00 is too close for K-1.
    prob = problem(
        [officer("K-1"), officer("K-2", hours_to_date=20)],
        [request("R-A", at(2, 8), at(2, 12)), request("R-B", at(2, 12, 15), at(2, 16))],
    )
    ctx, ps, _, horizon = rows_of(prob)
    a, b = _piece(ctx, ps, "R-A"), _piece(ctx, ps, "R-B")
    k1, k2 = _officer(ctx, "K-1"), _officer(ctx, "K-2")
    win = horizon.cut({ps.pieces[b].request}, [horizon.x[a, k1]])
    assert win.upper[win.pair_columns()[b, k1]] == 0
    assert win.upper[win.pair_columns()[b, k2]] == 1
    assert _solve(horizon, ctx, ps, {ps.pieces[b].request}, [horizon.x[a, k1]]) == {("R-B", "K-2")}
    # Nothing fixed: K-1, with fewer hours to date, is as good as K-2 for coverage; both may.
    win = horizon.cut({ps.pieces[b].request}, [])
    assert [win.upper[c] for c in win.pair_columns().values()] == [1, 1]


def test_the_rest_rule_counts_a_fixed_shift_in_a_cut() -> None:
    # Rockport, 16 h in any 24 h, one officer on duty 14:30-24:00 on the 2nd (9.5 h). R-EARLY
    # 06:00-08:00 on the 2nd fixed to R-1 leaves 16 - 9.5 - 2 = 4.5 h for the window holding
    # R-MID 08:30-14:00 (5.5 h): it no longer fits, though it fits alone (5.5 + 9.5 = 15 h).
    tz = ROCKPORT
    prob = problem(
        [officer("R-1", [(at(1, 0, tz=tz), at(3, 0, tz=tz))], tz=tz,
                 on_duty=on_duty((at(2, 14, 30, tz=tz), at(3, 0, tz=tz))))],
        [request("R-EARLY", at(2, 6, tz=tz), at(2, 8, tz=tz)),
         request("R-MID", at(2, 8, 30, tz=tz), at(2, 14, tz=tz))],
        agency="rockport-tx",
    )
    ctx, ps, _, horizon = rows_of(prob)
    early, mid = _piece(ctx, ps, "R-EARLY"), _piece(ctx, ps, "R-MID")
    r1 = _officer(ctx, "R-1")
    fixed = horizon.cut({ps.pieces[mid].request}, [horizon.x[early, r1]])
    assert fixed.upper[fixed.pair_columns()[mid, r1]] == 0
    free = horizon.cut({ps.pieces[mid].request}, [])
    assert free.upper[free.pair_columns()[mid, r1]] == 1
    assert _solve(horizon, ctx, ps, {ps.pieces[mid].request}, []) == {("R-MID", "R-1")}


def test_both_sinks_get_the_same_rows() -> None:
    # Splits (Rockport's 16 h request), a supervisor rule, on-duty time and a weekly cap: every
    # row family writes into the CP-SAT model and into the arrays alike.
    tz = ROCKPORT
    prob = problem(
        [officer("R-1", tz=tz, rank="sergeant", max_hours_per_week=20),
         officer("R-2", tz=tz, on_duty=on_duty((at(3, 14, tz=tz), at(3, 22, tz=tz)))),
         officer("R-3", tz=tz), officer("R-4", tz=tz, rank="sergeant")],
        [request("R-LONG", at(2, 6, tz=tz), at(2, 22, tz=tz), officers_needed=3),
         request("R-DAY", at(3, 8, tz=tz), at(3, 12, tz=tz), officers_needed=2)],
        agency="rockport-tx",
        supervisor_at=2,
    )
    ctx, ps, cands, horizon = rows_of(prob)
    m = build(ctx, ps, cands)
    assert ps.split_requests
    assert len(horizon.lo) == len(m.cp.proto.constraints)
    assert len(horizon.upper) == len(m.cp.proto.variables)
    assert int(np.count_nonzero(horizon.kind == PAIR)) == len(m.x)


def _both_days_none_kept() -> tuple[PieceSet, int, int, int, Window, np.ndarray]:
    """`weekly_cap`'s window of both days, and a `keep` of its columns with no pair in it."""
    ctx, ps, _, horizon = rows_of(weekly_cap())
    mon, wed = _piece(ctx, ps, "R-MON"), _piece(ctx, ps, "R-WED")
    win = horizon.cut({ps.pieces[mon].request, ps.pieces[wed].request}, [])
    return ps, mon, wed, _officer(ctx, "K-1"), win, win.kind != PAIR


def test_a_window_model_leaves_out_the_rows_its_kept_terms_cannot_break() -> None:
    # K-1 alone kept: each request's position row holds one pair, and K-1's weekly row (8 h)
    # breaks only with both days (10 h). Monday alone leaves no row; both days leave that one.
    _, mon, wed, k1, win, keep = _both_days_none_kept()
    columns = win.pair_columns()
    keep[columns[mon, k1]] = True
    assert len(win.model(keep).cp.proto.constraints) == 0
    keep[columns[wed, k1]] = True
    [row] = win.model(keep).cp.proto.constraints
    assert sorted(row.linear.coeffs) == [240, 360]
    assert list(row.linear.domain) == [cp_model.INT_MIN, 480]


def _optimum(m: cp_model.CpModel) -> float:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(m) == cp_model.OPTIMAL
    return solver.objective_value


def test_a_window_model_has_the_optimum_of_the_model_it_was_cut_from() -> None:
    # The window model writes CP-SAT's proto itself (rows, domains, the objective's sign): over
    # every request with nothing fixed, its optimum is the whole model's, maximizing coverage
    # and then minimizing the minutes worked at that coverage.
    tz = ROCKPORT
    prob = problem(
        [officer("R-1", tz=tz, rank="sergeant", max_hours_per_week=20),
         officer("R-2", tz=tz, on_duty=on_duty((at(2, 14, tz=tz), at(2, 22, tz=tz)))),
         officer("R-3", tz=tz, max_hours_per_week=10)],
        [request("R-LONG", at(2, 6, tz=tz), at(2, 19, tz=tz), officers_needed=1),
         request("R-DAY", at(3, 8, tz=tz), at(3, 12, tz=tz), officers_needed=2)],
        agency="rockport-tx",
        supervisor_at=2,
    )
    ctx, ps, cands, horizon = rows_of(prob)
    full = build(ctx, ps, cands)
    pairs = list(full.x.items())
    weights = [ps.pieces[p].weight for (p, _), _ in pairs]
    coverage = cp_model.LinearExpr.weighted_sum([v for _, v in pairs], weights)
    full.cp.maximize(coverage)
    best = _optimum(full.cp)
    win = horizon.cut(set(ps.by_request), [])
    assert _optimum(win.model().cp) == best > 0
    full.cp.add(coverage >= int(best))
    minutes = [ps.pieces[p].minutes for (p, _), _ in pairs]
    full.cp.minimize(cp_model.LinearExpr.weighted_sum([v for _, v in pairs], minutes))
    columns = win.pair_columns()
    win.add_row(list(columns.values()), [ps.pieces[p].weight for p, _ in columns], best, np.inf)
    win.maximize = False
    win.objective[:] = 0
    win.objective[list(columns.values())] = [ps.pieces[p].minutes for p, _ in columns]
    assert _optimum(win.model().cp) == _optimum(full.cp)


def test_the_lp_support_keeps_the_current_roster() -> None:
    ctx, ps, _, horizon = rows_of(weekly_cap())
    wed = _piece(ctx, ps, "R-WED")
    k1, k2 = _officer(ctx, "K-1"), _officer(ctx, "K-2")
    win = horizon.cut({ps.pieces[wed].request}, [])
    values = win.relax(1.0)
    assert values is not None
    assert float(values @ win.objective) == 3000  # one position of priority 3
    keep = win.support(values, {(wed, k2)})
    columns = win.pair_columns()
    assert keep[columns[wed, k2]]
    assert keep[columns[wed, k1]] == (values[columns[wed, k1]] > 1e-6)


def test_a_model_over_some_pairs_writes_only_their_terms() -> None:
    # K-1 alone kept on both days: the cap row keeps K-1's two terms, so K-1 works one of them.
    ps, mon, wed, k1, win, keep = _both_days_none_kept()
    columns = win.pair_columns()
    keep[columns[mon, k1]] = keep[columns[wed, k1]] = True
    m = win.model(keep)
    assert set(m.x) == {(mon, k1), (wed, k1)}
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(m.cp) == cp_model.OPTIMAL
    assert sum(solver.value(v) for v in m.x.values()) == 1
    assert solver.objective_value == max(ps.pieces[mon].weight, ps.pieces[wed].weight)


def test_the_columns_of_pairs_in_arrays_are_those_of_the_pairs_one_by_one() -> None:
    ctx, ps, _, horizon = rows_of(weekly_cap())
    pairs = list(horizon.x)[::-1]
    assert horizon.columns(np.asarray(pairs)).tolist() == [horizon.x[key] for key in pairs]
    assert horizon.columns(np.zeros((0, 2), dtype=np.int64)).tolist() == []
    mon = _piece(ctx, ps, "R-MON")
    absent = (mon, len(ctx.officers))  # no such officer
    with pytest.raises(KeyError):
        horizon.columns(np.asarray([absent]))


def test_a_cut_s_sides_are_the_rows_less_their_fixed_terms_row_by_row() -> None:
    # A generated Rockport week: each window row's sides are the horizon row's, less the terms
    # of the fixed shifts in it, summed here one row at a time.
    prob = generate(20, 60, 7, 5, agency="rockport-tx", start=date(2026, 3, 2), long_share=0.3)
    ctx, ps, _, horizon = rows_of(prob)
    rng = np.random.default_rng(0)
    inside = set(rng.choice(sorted(ps.by_request), 10, replace=False).tolist())
    outside = [c for (p, _), c in horizon.x.items() if ps.pieces[p].request not in inside]
    fixed_on = sorted(rng.choice(outside, len(outside) // 10, replace=False).tolist())
    win = horizon.cut(inside, fixed_on)
    shape = horizon._shapes[tuple(sorted(inside))]
    on = set(fixed_on)
    expected_hi = []
    for r in shape.rows.tolist():
        a, b = horizon.starts[r], horizon.starts[r + 1]
        terms = zip(horizon.cols[a:b].tolist(), horizon.coefs[a:b].tolist(), strict=True)
        fixed = sum(k for c, k in terms if c in on)
        expected_hi.append(horizon.hi[r] - fixed)
    assert win.hi.tolist() == expected_hi
    assert any(h != r for h, r in zip(expected_hi, horizon.hi[shape.rows].tolist(), strict=True))
