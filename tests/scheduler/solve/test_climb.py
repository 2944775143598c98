"""Climbing split tiers (`splits.climbing_splits`, `lp_start.lp_start`): the tier that
fits the limit is searched first, then the next larger one where its LP is solved in time.

Rockport: minimum 2 h, continuous maximum 12 h. One 16-hour request 06:00-22:00 for one officer;
O-1 is free 06:00-08:00, O-2 08:00-20:00, O-3 20:00-22:00. The even splits (points 06:00, 10:00,
11:30, 14:00, 16:30, 18:00 and 22:00) give none of them more than O-2's 10:00-18:00: half the
position, 1,500 of its 3,000 coverage units (priority 3, the default). The 2-hour points hold
08:00 and 20:00, so the three of them fill all of it."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from scheduler.context import prepare
from scheduler.rules.eligibility import candidate_pools, candidates
from scheduler.solve import lp_start, pieces, relaxation, splits
from scheduler.solve.draft import Draft
from scheduler.solve.locks import check_locks
from scheduler.solve.model import build
from scheduler.solve.objective import coverage, covered
from scheduler.solve.pieces import build_pieces
from scheduler.solve.relaxation import Relaxing, fix_outside, outside
from scheduler.solve.stages import Clock
from tests.scheduler.builders import at, officer, problem, request, solve_checked
from tests.scheduler.solve.test_relaxation import _OutOfTime

ROCKPORT = ZoneInfo("America/Chicago")


def _at(hour: int, minute: int = 0):
    return at(9, hour, minute, tz=ROCKPORT)


def _relay():
    officers = [
        officer("O-1", [(_at(6), _at(8))], tz=ROCKPORT),
        officer("O-2", [(_at(8), _at(20))], tz=ROCKPORT),
        officer("O-3", [(_at(20), _at(22))], tz=ROCKPORT),
    ]
    return problem(officers, [request("R-1", _at(6), _at(22))], agency="rockport-tx")


def _key(p) -> tuple[int, int, int]:
    return (p.request, p.start, p.end)


def _model(monkeypatch: pytest.MonkeyPatch):
    """The 2-hour points' model of the relay, the even splits marked as the first tier; the LP
    start runs on it whatever its size."""
    monkeypatch.setattr(lp_start, "LP_START_ABOVE", 0)
    ctx = prepare(_relay())
    ps = build_pieces(ctx, sparse=True)
    even = {_key(p) for p in build_pieces(ctx, sparse=True, step=None, duty_edges=False).pieces}
    first = np.array([_key(p) in even for p in ps.pieces])
    _, locked = check_locks(ctx, ps)
    m = build(ctx, ps, candidates(ctx, ps, locked, candidate_pools(ctx, ps)))
    m.cp.maximize(coverage(ps, m))
    return ctx, ps, m, first


def _fixed(m) -> set[tuple[int, int]]:
    return {key for key, var in m.x.items() if m.cp.proto.variables[var.index].domain[1] == 0}


def test_the_larger_tier_adds_what_the_first_could_not(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx, ps, m, first = _model(monkeypatch)
    notes: list[str] = []
    start, outcomes, bound = lp_start.lp_start(
        ctx, ps, m, Draft(), Clock(10.0), None, first, notes
    )
    assert notes == []
    assert [o.name for o in outcomes] == ["coverage-lp-neighbourhood"] * 2
    assert [o.objective for o in outcomes] == [1500, 3000]
    assert covered(ps, start) == 3000
    shifts = sorted(
        (ctx.officers[o].id, ps.pieces[p].start, ps.pieces[p].end) for p, o in start.assign
    )
    t0 = ctx.requests[0].start
    assert [(oid, (s - t0) / 60, (e - t0) / 60) for oid, s, e in shifts] == [
        ("O-1", 0, 2),
        ("O-2", 2, 14),
        ("O-3", 14, 16),
    ]
    assert bound is None  # the LP of the pieces offered bounds only them: the caller's stands
    assert _fixed(m) == set()  # the stages after may use every piece


def test_without_the_larger_lp_the_stages_keep_to_the_first_tier(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ctx, ps, m, first = _model(monkeypatch)

    def not_in_time(self, wait: float):
        self._thread.join()
        return None

    monkeypatch.setattr(lp_start._Beside, "result", not_in_time)
    notes: list[str] = []
    start, outcomes, _ = lp_start.lp_start(
        ctx, ps, m, Draft(), Clock(10.0), None, first, notes
    )
    assert notes == [
        "the larger tier was not searched in time: the roster uses the first tier's pieces"
    ]
    assert [o.objective for o in outcomes] == [1500]
    assert covered(ps, start) == 1500
    [(p, o)] = start.assign
    assert ctx.officers[o].id == "O-2" and first[p]
    # Every pair on a piece outside the even splits is fixed to 0 for the stages, none inside.
    assert _fixed(m) == {key for key in m.x if not first[key[0]]}
    assert any(not first[p] for p, _ in m.x)


def test_where_the_first_tiers_lp_gives_nothing_the_larger_one_is_not_waited_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The first tier's LP (solved with the pairs outside it fixed) gives no point: the larger
    # one, solved beside it, would not either in time, and the stages get the time instead.
    ctx, ps, m, first = _model(monkeypatch)
    real_solve = Relaxing.solve
    # The larger LP is held until it has been asked for: on this small model it would otherwise
    # finish first on a fast machine, and an LP that is done is taken without waiting.
    asked = threading.Event()

    def first_gives_nothing(self, seconds, zero=None, unproven=False):  # type: ignore[no-untyped-def]
        if zero is not None:
            return None
        asked.wait(10.0)
        return real_solve(self, seconds, zero, unproven)

    waits: list[float] = []
    real_result = lp_start._Beside.result

    def waited(self, wait: float):  # type: ignore[no-untyped-def]
        waits.append(wait)
        try:
            return real_result(self, wait)
        finally:
            asked.set()

    monkeypatch.setattr(Relaxing, "solve", first_gives_nothing)
    monkeypatch.setattr(lp_start._Beside, "result", waited)
    notes: list[str] = []
    start, outcomes, _ = lp_start.lp_start(
        ctx, ps, m, Draft(), Clock(10.0), None, first, notes
    )
    assert (outcomes, start.assign) == ([], [])
    assert waits and set(waits) == {0.0}
    assert notes == [
        "the larger tier was not searched in time: the roster uses the first tier's pieces"
    ]


def test_a_relaxation_solved_with_pairs_fixed_restores_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, _, m, first = _model(monkeypatch)
    relaxing = Relaxing(m.cp)
    inside = {key for key in m.x if first[key[0]]}
    part = relaxing.solve(10.0, outside(m, inside))
    whole = relaxing.solve(10.0)
    assert part is not None and whole is not None
    assert (part.objective, whole.objective) == pytest.approx((1500, 3000))
    # The same as translating a copy with those pairs fixed.
    copy = m.cp.clone()
    alone = dataclasses.replace(m, cp=copy)
    fix_outside(alone, inside)
    again = Relaxing(copy).solve(10.0)
    assert again is not None and again.objective == pytest.approx(part.objective)


def _sixteen_hours(**kw):
    officers = [officer(f"O-{i}", tz=ROCKPORT) for i in range(1, 4)]
    return problem(
        officers, [request("R-1", _at(6), _at(22), officers_needed=2)], agency="rockport-tx", **kw
    )


def test_the_next_tier_is_offered_where_it_fits_twice_the_limit() -> None:
    # test_pieces_sparse: the even splits (with no duty edges here) make 18 segments and 54
    # pairs, the 2-hour points 48 segments and 144 pairs, every split 273 and 819; 0.4 ms a
    # pair. At 0.03 s the 18 fit (0.022 s) and the 48 fit twice the limit (0.058 s of 0.06).
    ctx = prepare(_sixteen_hours())
    full = build_pieces(ctx)
    pools = candidate_pools(ctx, full)
    ps, _, offered, climb = splits.climbing_splits(ctx, full, pools, 0.03)
    assert (len(ps.pieces), offered) == (18, "only their even splits and the duty edges")
    assert climb is not None
    assert (len(climb.pieces.pieces), climb.offered) == (
        48,
        "splits at 2-hour points, even splits and the duty edges",
    )
    assert int(climb.first.sum()) == 18
    marked = {_key(p) for p, on in zip(climb.pieces.pieces, climb.first, strict=True) if on}
    assert marked == {_key(p) for p in ps.pieces}
    assert [len(pool) for pool in climb.pools] == [3] * 48
    # At 0.025 s the 48 would take 0.058 s, over twice the limit: nothing to climb to.
    assert splits.climbing_splits(ctx, full, pools, 0.025)[3] is None
    # Where the 2-hour points fit, the next tier is every split.
    ps, _, _, climb = splits.climbing_splits(ctx, full, pools, 60)
    assert climb is not None and climb.offered == "every split"
    assert (len(ps.pieces), len(climb.pieces.pieces), int(climb.first.sum())) == (48, 273, 48)


def _counting_builds(monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    """The sixteen-hour request with every split and its pools, its even splits screened, and
    the list each later `splits.build_pieces` call adds its (step, duty_edges) to."""
    ctx = prepare(_sixteen_hours())
    full = build_pieces(ctx)
    pools = candidate_pools(ctx, full)
    even = splits.even_splits(ctx)
    built: list[tuple[int | None, bool]] = []

    def counted(ctx, sparse=False, step=pieces.ANCHOR_STEP, duty_edges=True):  # type: ignore[no-untyped-def]
        built.append((step, duty_edges))
        return build_pieces(ctx, sparse, step, duty_edges)

    monkeypatch.setattr(splits, "build_pieces", counted)
    return ctx, full, pools, (even, candidate_pools(ctx, even)), built


def test_a_climb_builds_each_tier_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # As in the test above at 0.03 s: the 2-hour points are built and screened while finding
    # the tier that fits, then offered as the climb's larger tier without being built again;
    # the even splits, screened before, are not built at all.
    ctx, full, pools, known, built = _counting_builds(monkeypatch)
    ps, _, _, climb = splits.climbing_splits(ctx, full, pools, 0.03, known)
    assert built == [(pieces.ANCHOR_STEP, True), (None, True)]
    assert climb is not None and len(climb.pieces.pieces) == 48 and len(ps.pieces) == 18


def test_no_tier_is_built_where_the_even_splits_alone_do_not_fit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The even splits make 18 pieces and 54 pairs here, 0.0216 s at 0.4 ms a pair. Below that
    # no larger tier fits either (each holds their pieces), so the 2-hour points are not built
    # to find it out; below half of it nothing fits twice the limit, so nothing is built to
    # climb to. The answers are those of building and refusing them: the even splits, with
    # the even splits and duty edges to climb to at 0.02 s, and nothing at 0.01 s.
    ctx, full, pools, known, built = _counting_builds(monkeypatch)
    ps, _, offered, climb = splits.climbing_splits(ctx, full, pools, 0.01, known)
    assert (len(ps.pieces), offered, climb, built) == (18, "only their even splits", None, [])
    ps, _, offered, climb = splits.climbing_splits(ctx, full, pools, 0.02, known)
    assert (len(ps.pieces), offered, built) == (18, "only their even splits", [(None, True)])
    assert climb is not None and climb.offered == "only their even splits and the duty edges"


def test_a_solve_says_which_tiers_it_offered(monkeypatch: pytest.MonkeyPatch) -> None:
    # At 40 ms a pair the relay's 2-hour points (48 pieces) do not fit 1 s but fit twice it;
    # the even splits and the duty edges (31 pieces) fit, and the edges 08:00 and 20:00 are
    # among them: the whole position is filled.
    monkeypatch.setattr(lp_start, "LP_START_ABOVE", 0)
    monkeypatch.setattr(splits, "SECONDS_PER_PAIR", 0.04)
    prob = _relay()
    prob = prob.model_copy(update={"options": prob.options.model_copy(update={"time_limit_s": 1})})
    result = solve_checked(prob)
    assert result.metrics.positions_filled == 1
    [note] = [n for n in result.solver.notes if n.startswith("large model")]
    assert note == (
        "large model: long requests were offered only their even splits and the duty edges "
        "(31 pieces), then splits at 2-hour points, even splits and the duty edges (48 pieces) "
        "where its LP was solved in time; the bound covers every split"
    )


def test_the_neighbourhood_is_hinted_with_the_lp_optimum_rounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # From an empty roster, the relay's LP fills all 3,000 units with O-1 06-08, O-2 08-20 and
    # O-3 20-22: those pairs, not the empty roster, are the neighbourhood's hint.
    ctx, ps, m, _ = _model(monkeypatch)
    hinted: list[set[tuple[int, int]]] = []
    real_hint = lp_start.hint
    monkeypatch.setattr(
        lp_start, "hint", lambda sub, x_on, y: (hinted.append(x_on), real_hint(sub, x_on, y))
    )
    start, outcomes, _ = lp_start.lp_start(ctx, ps, m, Draft(), Clock(10.0), None)
    shifts = sorted(
        (ctx.officers[o].id, ps.pieces[p].start, ps.pieces[p].end) for p, o in hinted[0]
    )
    assert [(o, (e - s) // 60) for o, s, e in shifts] == [("O-1", 2), ("O-2", 12), ("O-3", 2)]
    assert sorted(hinted[0]) == sorted(start.assign)
    assert [o.objective for o in outcomes] == [3000]


def test_a_deterministic_lp_start_takes_four_tenths_of_the_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A deterministic run's shares come out of a virtual budget whether or not GLOP uses them:
    # the LP 40% (not the 60% a timed run gives it), then the neighbourhood 30% of the rest.
    ctx, ps, m, _ = _model(monkeypatch)
    clock = Clock(10.0, deterministic=True)
    before = clock.virtual_left
    lp_start.lp_start(ctx, ps, m, Draft(), clock, None)
    assert clock.virtual_left == pytest.approx(before * 0.6 * 0.7)


def test_an_lp_out_of_time_still_guides_a_timed_neighbourhood_but_bounds_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GLOP's last point (here its optimum, reported as merely feasible) guides the neighbourhood
    # to the relay's 3,000 units, but gives no bound; a deterministic run does not use it.
    ctx, ps, m, _ = _model(monkeypatch)
    monkeypatch.setattr(relaxation.mbh, "ModelSolverHelper", _OutOfTime)
    start, outcomes, bound = lp_start.lp_start(ctx, ps, m, Draft(), Clock(10.0), None)
    assert bound is None
    assert [(o.name, o.objective) for o in outcomes] == [("coverage-lp-neighbourhood", 3000)]
    assert covered(ps, start) == 3000
    clock = Clock(10.0, deterministic=True)
    assert lp_start.lp_start(ctx, ps, m, Draft(), clock, None) == (Draft(), [], None)
