"""Where the time limit goes (`solver.phases`), and the LP relaxation's coverage bound.

The phases are measured from a parsed problem to an assembled result and must account for the
whole wall time; the LP bound is a proven upper bound, so it may never fall below a roster the
solver proves optimal."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace
from typing import cast

import pytest
from ortools.sat.python import cp_model

from models.problem import Problem
from scheduler.context import Context, coverage_scale, prepare
from scheduler.rules.eligibility import candidate_pools, candidates
from scheduler.solve import budget
from scheduler.solve.locks import check_locks
from scheduler.solve.model import build
from scheduler.solve.objective import coverage
from scheduler.solve.pieces import build_pieces
from scheduler.solve.relaxation import Relaxing
from scheduler.solve.stages import WALL_GUARD, Clock, parameters
from tests.scheduler.builders import example, solve_checked

PHASES = {"prepare", "screening", "greedy", "model", "search", "polish", "report"}


def _week(**options: object) -> Problem:
    return Problem.model_validate(example("kennesaw-week.json", **options))


def test_the_phases_sum_to_the_wall_time() -> None:
    result = solve_checked(_week(time_limit_s=3, num_workers=2, seed=0))
    phases = result.solver.phases
    assert set(phases) >= PHASES
    assert abs(sum(phases.values()) - result.solver.wall_s) <= 0.05 * result.solver.wall_s
    assert all(seconds >= 0 for seconds in phases.values())


def test_an_infeasible_lock_still_reports_its_phases() -> None:
    data = example("kennesaw-week.json", time_limit_s=2)
    first = data["requests"][0]
    # K-0016 is probationary: locking it breaks the status rule, so nothing is solved.
    data["locked"] = [
        {"request_id": first["id"], "officer_id": "K-0016", "start": first["start"],
         "end": first["end"]}
    ]
    result = solve_checked(Problem.model_validate(data))
    assert result.status == "infeasible"
    assert [v.code for v in result.violations] == ["STATUS_BARRED"]
    assert "prepare" in result.solver.phases
    assert abs(sum(result.solver.phases.values()) - result.solver.wall_s) <= 0.01


def test_the_lp_bound_never_falls_below_the_proven_optimum() -> None:
    prob = _week(num_workers=2, seed=0)
    ctx = prepare(prob)
    ps = build_pieces(ctx)
    _, locked = check_locks(ctx, ps)
    cands = candidates(ctx, ps, locked, candidate_pools(ctx, ps))
    m = build(ctx, ps, cands)
    m.cp.maximize(coverage(ps, m))
    lp = Relaxing(m.cp).solve(30.0)
    assert lp is not None
    exact = cp_model.CpSolver()
    parameters(exact, prob.options, 120.0)  # the solver's own portfolio: max_lp proves it
    assert exact.solve(m.cp) == cp_model.OPTIMAL
    optimum = exact.objective_value
    assert lp.objective >= optimum
    # The relaxation of this week is close: within 1% above the optimum.
    assert lp.objective <= 1.01 * optimum
    # solve() reports at most the LP bound, and the optimum itself once stage 1 is proven.
    # Deterministic: the LP start runs whatever the machine's load.
    result = solve_checked(_week(time_limit_s=5, num_workers=2, seed=0, deterministic=True))
    bound = result.metrics.coverage_upper_bound
    assert optimum / coverage_scale() - 1e-4 <= bound
    # The reported bound keeps GLOP's tolerance (1e-6 relative) and rounds up to 4 places.
    assert bound <= (lp.objective + m.locked_weight) / coverage_scale() + 1e-3


def test_the_lp_start_runs_on_a_model_of_this_size() -> None:
    result = solve_checked(_week(time_limit_s=3, num_workers=2, seed=0))
    names = [stage.name for stage in result.solver.stages]
    assert names[0] == "coverage-lp-neighbourhood"
    assert "coverage" in names


def test_a_deterministic_solve_says_how_its_budget_is_counted() -> None:
    result = solve_checked(_week(time_limit_s=1, num_workers=2, seed=0, deterministic=True))
    [note] = [n for n in result.solver.notes if n.startswith("deterministic:")]
    assert note == (
        "deterministic: the 1 s limit is spent in CP-SAT's deterministic time, so the roster "
        f"does not depend on the machine; it took {result.solver.wall_s:.2f} s of wall time"
    )


def test_a_deterministic_polish_does_not_stop_on_the_wall_clock() -> None:
    # A 2 s limit: a wall-clock run's polish may use what is left of it less the report's 0.5 s
    # (at most 1.5 s from now); a deterministic run's may use the wall guard, 10 x 2 s, less the
    # report's 0.5 s, so a busy machine cannot cut it short and change the roster.
    assert WALL_GUARD == 10
    now = time.monotonic()
    wall = budget.polish_deadline(Clock(2.0), 0.5) - now
    fixed = budget.polish_deadline(Clock(2.0, deterministic=True), 0.5) - now
    assert 1.4 < wall < 1.51
    assert 19.4 < fixed < 19.51


def test_the_polish_reserve_grows_with_the_greedy_roster_at_city_scale() -> None:
    def sized(officers: int, requests: int) -> Context:
        shape = SimpleNamespace(officers=[None] * officers, requests=[None] * requests)
        return cast(Context, shape)

    city, week = sized(2000, 6000), sized(60, 150)
    # 0.3 ms a pair at 2,000 officers: 23,628 pairs need 7.0884 s, above the report's 2.7 s and
    # 4% of 90 s (3.6 s); 8,266 pairs (2.4798 s) leave 4% of the limit standing.
    assert budget.polish_seconds(city, Clock(90.0), 2.7, 23_628) == pytest.approx(7.0884)
    assert budget.polish_seconds(city, Clock(90.0), 2.7, 8_266) == pytest.approx(3.6)
    # At most a fifth of the limit: 2.0 s of 10 s, not 30 s.
    assert budget.polish_seconds(city, Clock(10.0), 0.1, 100_000) == pytest.approx(2.0)
    # 60 officers: 3% of the per-pair cost, 1.35 ms for 150 pairs; 4% of 1 s stands.
    assert budget.polish_seconds(week, Clock(1.0), 0.13, 150) == pytest.approx(0.04)


def test_the_report_reserve_counts_the_requests_and_the_shifts() -> None:
    shape = SimpleNamespace(officers=[None] * 1000, requests=[None] * 3000)
    city = cast(Context, shape)
    idle = Clock(5.0)  # nothing screened yet: the machine counts as idle
    # (0.05 + 0.09 ms x 3,000 requests + 0.16 ms x 11,185 shifts) x 1.25 = 2.637 s: Rockport's
    # fortnight of 1,000 officers with a 4-hour cap, whose report took 1.52-2.03 s (10,753
    # shifts), and 0.23-0.29 s with none.
    assert budget.report_seconds(city, idle, 11_185) == pytest.approx(2.637)
    assert budget.report_seconds(city, idle, 0) == pytest.approx(0.4)
    # A machine twice as slow as idle on the screening and greedy (3.61 s idle): twice the time.
    busy = Clock(5.0)
    busy.phases["screening"], busy.phases["greedy"] = 5.0, 2.22
    assert budget.report_seconds(city, busy, 11_185) == pytest.approx(5.274)


def test_the_work_after_the_search_keeps_a_third_or_what_the_polish_needs() -> None:
    clock = Clock(10.0)
    assert clock.reserve == 0.5  # before the problem's size is known: 5% of 10 s
    clock.reserve_for(4.2)  # a third of the limit at most
    assert clock.reserve == pytest.approx(10 / 3)
    clock.reserve_for(4.2, needed=4.0)  # the polish and the report need 4 s of the 4.2 s
    assert clock.reserve == 4.0
    clock.reserve_for(7.0, needed=6.0)  # half of the limit at most
    assert clock.reserve == 5.0
    clock.reserve_for(1.0)  # never lowered
    assert clock.reserve == 5.0


def test_an_answer_later_than_its_limit_says_so_and_where_the_time_went() -> None:
    # No problem is read, screened and priced in a millisecond: the answer is late and says so,
    # naming its three longest phases.
    result = solve_checked(_week(time_limit_s=0.001))
    [note] = [n for n in result.solver.notes if n.startswith("answered in")]
    assert note.endswith("; a problem this size needs a longer limit")
    assert f"answered in {result.solver.wall_s:.1f} s, over the 0.001 s limit: " in note
    slowest = sorted(result.solver.phases.items(), key=lambda kv: -kv[1])[:3]
    assert [part.split()[0] for part in note.split(": ", 1)[1].split(";")[0].split(", ")] == [
        name for name, _ in slowest
    ]


def test_only_an_answer_past_its_limit_plus_five_percent_says_so() -> None:
    phases = {"prepare": 1.0, "screening": 4.0, "greedy": 3.0, "report": 2.5}
    assert budget.overrun_note(Clock(10), 10.5, phases) is None
    assert budget.overrun_note(Clock(10), 10.6, phases) == (
        "answered in 10.6 s, over the 10 s limit: screening 4.0 s, greedy 3.0 s, report 2.5 s; "
        "a problem this size needs a longer limit"
    )


def test_a_thread_beside_the_search_waits_out_the_model_phases() -> None:
    # The Lagrangian bound runs Python only once the model is written and outside the
    # screening and model phases, which it would slow down by sharing Python's lock.
    clock = Clock(10.0)
    stop = threading.Event()
    assert not clock.turns.wait(_stopped())  # the model not written yet
    clock.turns.written.set()
    assert clock.turns.wait(stop)
    turns: list[bool] = []
    with clock.phase("model"):
        waiter = threading.Thread(target=lambda: turns.append(clock.turns.wait(stop)))
        waiter.start()
        waiter.join(0.1)
        assert waiter.is_alive()  # still waiting
        with clock.phase("search"):  # a window's CP-SAT search inside the model's phase
            waiter.join(1.0)
            assert turns == [True]
        assert not clock.turns.wait(_stopped())
    assert clock.turns.wait(stop)


def _stopped() -> threading.Event:
    stop = threading.Event()
    stop.set()
    return stop


def test_waiting_for_a_bound_beside_the_search_is_the_bound_phase(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The LP bound beside the search is waited for after the polish: 0.3 s here, which the
    # phases once counted as "other" (0.57-0.80 s on Kennesaw's autumn DST fortnight, M).
    class SlowBound:
        def tighter(self, bound: float | None, notes: list[str], wait: float) -> float | None:
            time.sleep(0.3)
            return bound

        def stop(self) -> None:
            pass

    monkeypatch.setattr(budget, "bound_beside", lambda *args: (SlowBound(), None))
    result = solve_checked(_week(time_limit_s=3, num_workers=2, seed=0))
    phases = result.solver.phases
    assert phases["bound"] >= 0.3
    assert phases.get("other", 0.0) < 0.1
