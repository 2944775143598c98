"""The LP relaxation of a CP-SAT model (GLOP) and the neighbourhood it restricts the search to,
on models whose LP optimum is worked out by hand."""

from __future__ import annotations

import math
from datetime import date

import pytest
from ortools.linear_solver.python import model_builder_helper as mbh
from ortools.sat.python import cp_model

from scenarios.generator import generate
from scheduler.context import prepare
from scheduler.rules.eligibility import candidates
from scheduler.solve import relaxation
from scheduler.solve.locks import check_locks
from scheduler.solve.model import Model, build
from scheduler.solve.objective import coverage
from scheduler.solve.pieces import build_pieces
from scheduler.solve.relaxation import Relaxing, Written, rounded, support, widened


def test_an_odd_cycle_has_a_half_integral_lp_optimum() -> None:
    # Three pairwise-exclusive shifts: one can be worked, the LP takes half of each (1.5).
    cp = cp_model.CpModel()
    a, b, c = (cp.new_bool_var(n) for n in "abc")
    cp.add(a + b <= 1)
    cp.add(b + c <= 1)
    cp.add(a + c <= 1)
    cp.maximize(a + b + c)
    lp = Relaxing(cp).solve(5)
    assert lp is not None
    assert lp.objective == pytest.approx(1.5)
    assert lp.values.tolist() == pytest.approx([0.5, 0.5, 0.5])


def test_negated_literals_and_at_most_one_are_translated() -> None:
    # at_most_one(a, not b) is a <= b; with 2a + 2b <= 3 the LP takes a = b = 0.75 for
    # 2a + b = 2.25, where the best integer point is a = 0, b = 1 (value 1).
    cp = cp_model.CpModel()
    a, b = cp.new_bool_var("a"), cp.new_bool_var("b")
    cp.add_at_most_one([a, ~b])
    cp.add(2 * a + 2 * b <= 3)
    cp.maximize(2 * a + b)
    lp = Relaxing(cp).solve(5)
    assert lp is not None
    assert lp.objective == pytest.approx(2.25)
    assert lp.values.tolist() == pytest.approx([0.75, 0.75])


def test_a_minimized_objective_keeps_its_offset() -> None:
    cp = cp_model.CpModel()
    x = cp.new_int_var(2, 7, "x")
    cp.minimize(x + 5)
    lp = Relaxing(cp).solve(5)
    assert lp is not None and lp.objective == pytest.approx(7.0)


def test_an_infeasible_model_has_no_relaxation() -> None:
    cp = cp_model.CpModel()
    a = cp.new_bool_var("a")
    cp.add(a >= 2)
    cp.maximize(a)
    assert Relaxing(cp).solve(5) is None


def test_an_enforced_constraint_is_refused_rather_than_dropped() -> None:
    cp = cp_model.CpModel()
    a, b = cp.new_bool_var("a"), cp.new_bool_var("b")
    cp.add(a + b <= 1).only_enforce_if(a)
    cp.maximize(a + b)
    with pytest.raises(ValueError, match="enforced"):
        Relaxing(cp).solve(5)


def two_pieces_one_officer() -> Model:
    """Piece 0 pays 3, piece 1 pays 1, one officer can work one of them: the LP takes piece 0."""
    m = Model(cp_model.CpModel())
    for piece in (0, 1):
        m.x[piece, 7] = m.cp.new_bool_var(f"x{piece}")
    m.cp.add(m.x[0, 7] + m.x[1, 7] <= 1)
    m.cp.maximize(3 * m.x[0, 7] + m.x[1, 7])
    return m


def test_the_support_is_the_lp_pairs_and_the_kept_ones() -> None:
    m = two_pieces_one_officer()
    lp = Relaxing(m.cp).solve(5)
    assert lp is not None and lp.objective == pytest.approx(3.0)
    assert support(m, lp, keep=set()) == {(0, 7)}
    # The current roster's pair stays, so its hint remains a valid roster.
    assert support(m, lp, keep={(1, 7)}) == {(0, 7), (1, 7)}


def test_the_lp_optimum_rounds_to_the_nearest_pairs_and_flows() -> None:
    # Three pairwise-exclusive pairs take 0.5 each (rounded down); a fourth pair takes 1; its
    # piece's flow y (5y <= 7, y >= the pair) takes 1.4, rounded to 1.
    m = Model(cp_model.CpModel())
    for piece in range(3):
        m.x[piece, 1] = m.cp.new_bool_var(f"x{piece}")
    m.cp.add(m.x[0, 1] + m.x[1, 1] <= 1)
    m.cp.add(m.x[1, 1] + m.x[2, 1] <= 1)
    m.cp.add(m.x[0, 1] + m.x[2, 1] <= 1)
    m.x[3, 2] = m.cp.new_bool_var("x3")
    m.y[3] = m.cp.new_int_var(0, 2, "y3")
    m.cp.add(m.x[3, 2] <= m.y[3])
    m.cp.add(5 * m.y[3] <= 7)
    m.cp.maximize(m.x[0, 1] + m.x[1, 1] + m.x[2, 1] + 2 * m.x[3, 2] + m.y[3])
    lp = Relaxing(m.cp).solve(5)
    assert lp is not None and lp.objective == pytest.approx(1.5 + 2 + 1.4)
    assert rounded(m, lp) == ({(3, 2)}, {3: 1})


def knapsack() -> Model:
    """Pieces worth 5, 4, 3 and 1 taking 3, 2, 2 and 2 hours of one officer's 4. The LP takes
    piece 1 whole and two thirds of piece 0 (value 4 + 10/3, the 4 hours priced at 5/3 each);
    among those two pieces the best roster is piece 0 alone (5), while pieces 1 and 2 together
    make 7. Raising piece 2 costs the LP 2 x 5/3 - 3 = 1/3, piece 3 2 x 5/3 - 1 = 7/3."""
    m = Model(cp_model.CpModel())
    for piece in (0, 1, 2, 3):
        m.x[piece, 7] = m.cp.new_bool_var(f"x{piece}")
    hours, worth = [3, 2, 2, 2], [5, 4, 3, 1]
    m.cp.add(sum(h * m.x[p, 7] for p, h in enumerate(hours)) <= 4)
    m.cp.maximize(sum(w * m.x[p, 7] for p, w in enumerate(worth)))
    return m


def test_the_widened_neighbourhood_adds_the_pairs_of_least_reduced_cost() -> None:
    m = knapsack()
    lp = Relaxing(m.cp).solve(5)
    assert lp is not None and lp.objective == pytest.approx(4 + 10 / 3)
    assert lp.reduced is not None
    assert lp.reduced[[m.x[2, 7].index, m.x[3, 7].index]].tolist() == pytest.approx([1 / 3, 7 / 3])
    keep = support(m, lp, keep=set())
    assert keep == {(0, 7), (1, 7)}
    assert widened(m, lp, keep, 1) == {(0, 7), (1, 7), (2, 7)}
    assert widened(m, lp, keep, 0) == keep
    assert widened(m, lp, keep, 5) == {(0, 7), (1, 7), (2, 7), (3, 7)}


def test_a_pair_the_lp_was_solved_without_is_never_added() -> None:
    # Solved with piece 2 fixed to 0, its reduced cost says nothing: piece 3 comes first.
    m = knapsack()
    lp = Relaxing(m.cp).solve(5, zero=[m.x[2, 7].index])
    assert lp is not None and lp.reduced is not None
    assert lp.reduced[m.x[2, 7].index] == math.inf
    assert widened(m, lp, {(0, 7), (1, 7)}, 1) == {(0, 7), (1, 7), (3, 7)}


class _OutOfTime(mbh.ModelSolverHelper):
    """GLOP as it answers when its time runs out before the optimum is proven."""

    def status(self) -> mbh.SolveStatus:
        return mbh.SolveStatus.FEASIBLE


def test_an_lp_out_of_time_gives_its_last_point_only_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GLOP's last point still guides a neighbourhood, but bounds nothing.
    monkeypatch.setattr(relaxation.mbh, "ModelSolverHelper", _OutOfTime)
    m = knapsack()
    assert Relaxing(m.cp).solve(5) is None
    lp = Relaxing(m.cp).solve(5, unproven=True)
    assert lp is not None and not lp.proven and lp.reduced is None
    assert math.isnan(lp.objective)
    assert support(m, lp, keep=set()) == {(0, 7), (1, 7)}


def test_an_interrupt_before_the_solve_starts_stops_it() -> None:
    # `_Beside` may be told to stop before its thread has made GLOP: the stop must not be lost.
    cp = cp_model.CpModel()
    a, b = cp.new_bool_var("a"), cp.new_bool_var("b")
    cp.add(a + b <= 1)
    cp.maximize(a + b)
    relaxing = Relaxing(cp)
    beside = relaxing.copy()
    beside.interrupt()
    assert beside.solve(5) is None
    solved = relaxing.solve(5)  # the instance it was copied from is not stopped
    assert solved is not None
    assert solved.objective == pytest.approx(1.0)


def _city_model(seed: int):  # type: ignore[no-untyped-def]
    ctx, ps, m, _ = city_model_and_candidates(seed)
    return ctx, ps, m


def city_model_and_candidates(seed: int):  # type: ignore[no-untyped-def]
    """A Rockport Christmas week with long requests split at every point and locked shifts
    (20 officers, 40 requests): pairs, split flows and every rule's rows, as the solver builds
    them, with coverage as the objective; and the candidates the model was built from."""
    p = generate(
        20, 40, 7, seed, agency="rockport-tx", start=date(2026, 12, 21), long_share=0.3,
        locked_share=0.1,
    )
    ctx = prepare(p)
    ps = build_pieces(ctx)
    _, locked = check_locks(ctx, ps)
    cands = candidates(ctx, ps, locked)
    m = build(ctx, ps, cands)
    m.cp.maximize(coverage(ps, m))
    return ctx, ps, m, cands


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_relaxation_written_from_the_rules_is_the_translated_one(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx, ps, m = _city_model(seed)
    assert m.y, "the week has split requests"
    translated = Relaxing(m.cp).solve(10)
    assert translated is not None

    def refused(self: Relaxing, cp: object) -> None:
        raise AssertionError("translated instead of written")

    monkeypatch.setattr(Relaxing, "__init__", refused)  # the rows match: no translation
    written = Relaxing.of_model(ctx, ps, m).solve(10)
    assert written is not None
    assert written.objective == pytest.approx(translated.objective, rel=1e-9)
    assert written.objective > 0
    assert len(written.values) == len(translated.values) == len(m.cp.proto.variables)


def test_a_model_with_other_variables_is_translated_after_all() -> None:
    # A variable beyond the rules' columns (a later stage's, say): the columns no longer match
    # the model one for one, so the proto is translated; the LP is the same.
    ctx, ps, m = _city_model(0)
    expected = Relaxing(m.cp).solve(10)
    m.cp.new_int_var(0, 5, "t_max")
    found = Relaxing.of_model(ctx, ps, m).solve(10)
    assert expected is not None and found is not None
    assert found.objective == pytest.approx(expected.objective, rel=1e-9)
    assert len(found.values) == len(expected.values) + 1


def test_a_model_with_another_objective_is_translated_after_all() -> None:
    # The rows state coverage; a model maximizing twice its coverage is translated as it is.
    ctx, ps, m = _city_model(1)
    once = Relaxing(m.cp).solve(10)
    m.cp.maximize(2 * coverage(ps, m))
    twice = Relaxing.of_model(ctx, ps, m).solve(10)
    assert once is not None and twice is not None
    assert twice.objective == pytest.approx(2 * once.objective, rel=1e-9)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_model_written_from_the_rows_is_the_built_one(seed: int) -> None:
    # The solver's model where the early LP's rows are written: its variables are their
    # columns, its views those the rules build, its LP relaxation the same, and each model's
    # roster (CP-SAT, 3 s) is a roster of the other.
    ctx, ps, built, cands = city_model_and_candidates(seed)
    written = Written(ctx, ps, cands)
    m = written.model()
    m.cp.maximize(coverage(ps, m))
    assert written.columns_of(m)
    assert list(m.x) == list(built.x) and list(m.y) == list(built.y)
    assert _officers(m.by_piece) == _officers(built.by_piece)
    assert _officers(m.by_officer) == _officers(built.by_officer)
    assert {oi: pairs.pieces.tolist() for oi, pairs in m.of_officer.items()} == {
        oi: pairs.pieces.tolist() for oi, pairs in built.of_officer.items()
    }
    assert (m.fixed_minutes, m.locked_weight) == (built.fixed_minutes, built.locked_weight)
    assert built.locked_weight > 0, "the week has locked shifts"
    # The same relaxation, and each model's roster a roster of the other.
    lps = [Relaxing(model.cp).solve(10) for model in (m, built)]
    assert lps[0] is not None and lps[1] is not None
    assert lps[0].objective == pytest.approx(lps[1].objective, rel=1e-9)
    rosters = [_roster(m), _roster(built)]
    assert all(rosters), "rosters with shifts"
    for found, other in ((rosters[0], built), (rosters[1], m)):
        for key, var in other.x.items():
            other.cp.add(var == int(key in found))
        assert _status(other) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _roster(m: Model) -> set[tuple[int, int]]:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 3
    solver.parameters.num_workers = 1
    assert solver.solve(m.cp) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return {key for key, var in m.x.items() if solver.value(var)}


def _status(m: Model) -> int:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 10
    solver.parameters.num_workers = 1
    return solver.solve(m.cp)


def _officers(view: dict[int, list[tuple[int, object]]]) -> dict[int, list[int]]:
    return {key: [other for other, _ in held] for key, held in view.items()}
