"""Solving scenarios: exact figures on the forced problem, and sweeps equal on every executor."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.common import InputError
from scenarios.runner import Run, execute, plan, reproducible, run
from scenarios.spec import load_scenario

FORCED = Path(__file__).parent / "data" / "forced.yaml"


@pytest.fixture(scope="module")
def compared() -> Run:
    scenario = load_scenario(FORCED)
    names = ("without-b", "two-hour-minimum", "eighty-dollars", "surge")
    variants = [scenario.variant(n) for n in names]
    return run(scenario, variants, executor="inline")


def test_every_solve_is_deterministic_on_one_worker() -> None:
    problem = reproducible(load_scenario(FORCED).baseline)
    assert (problem.options.deterministic, problem.options.num_workers) == (True, 1)
    assert problem.options.time_limit_s == 5


def test_plan_draws_only_random_variants() -> None:
    scenario = load_scenario(FORCED)
    variants = [scenario.variant("absences"), scenario.variant("surge")]
    jobs = plan(scenario, variants, draws=3, seed=10)
    assert [(j.label, j.seed) for j in jobs] == [
        ("baseline", None), ("absences-draw001", 10), ("absences-draw002", 11),
        ("absences-draw003", 12), ("surge", None),
    ]
    one = plan(scenario, variants[:1], draws=1, seed=10, with_baseline=False)
    assert [(j.label, j.seed) for j in one] == [("absences", 10)]
    # Random(10) keeps B only: B's Monday and Tuesday survive, A's are cut.
    officers = {o.id: len(o.availability) for o in one[0].problem.officers}
    assert officers == {"A": 0, "B": 1, "C": 1}


def test_forced_roster_figures(compared: Run) -> None:
    table = compared.table()
    # A takes R1 (Mon 08-12), B takes R2 (Tue 18-21, billed at the 4-hour minimum).
    assert table["baseline"].to_dict() == {
        "positions requested": 2, "positions filled": 2, "coverage (priority-weighted)": 6,
        "coverage upper bound": 6, "coverage % of bound": 100,
        "unfilled: NO_ELIGIBLE_OFFICER": 0,
        "hours filled": 7, "customer revenue $": 608.40,  # 2 x 4 h x $76.05
        "officer pay $": 554.00,  # 8 h x ($76.05 - $6.80)
        "max total hours": 4, "spread of total hours": 1,
        "gini of total hours": 0.0714,  # |4 - 3| x 2 / (2 x 2^2 x 3.5)
    }


def test_differences_against_the_baseline(compared: Run) -> None:
    table = compared.table()
    # Without B nobody may take R2.
    assert table.loc["unfilled: NO_ELIGIBLE_OFFICER", "without-b"] == 1
    assert table.loc["customer revenue $", "Δ without-b"] == -304.20
    # A 2-hour minimum bills R2's 3 worked hours only: 3 x 76.05 = 228.15.
    assert table.loc["customer revenue $", "two-hour-minimum"] == 532.35
    assert table.loc["officer pay $", "Δ two-hour-minimum"] == -69.25
    # $80.00 regular: 8 h x 80 = 640.00; pay 8 x (80.00 - 6.80) = 585.60.
    assert table.loc["customer revenue $", "eighty-dollars"] == 640.00
    assert table.loc["officer pay $", "eighty-dollars"] == 585.60
    # The surge adds Tue 08-12, which only B may take: B works 7 h.
    assert table.loc["positions filled", "surge"] == 3
    assert table.loc["max total hours", "Δ surge"] == 3
    assert table.loc["customer revenue $", "surge"] == 912.60


def test_sweep_is_the_same_on_the_process_pool_and_on_dask() -> None:
    from distributed import LocalCluster

    scenario = load_scenario(FORCED)
    absences = [scenario.variant("absences")]
    pooled = run(scenario, absences, draws=4, seed=10, executor="pool", workers=2).table()
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        spread = run(scenario, absences, draws=4, seed=10, executor="dask", address=address).table()
    assert pooled.equals(spread)
    # Seeds 10-13 each leave one of A and B at work (Random(s).sample of 2 of 3 officers):
    # seed 10 keeps B (3 h), seeds 11-13 keep A (4 h).
    assert pooled.loc["hours filled"].tolist() == [7, 3.75, 3.3, 4, 4, -3.25]
    assert pooled.loc["positions filled", "absences mean"] == 1


def test_unreachable_dask_scheduler_is_an_input_error() -> None:
    problem = reproducible(load_scenario(FORCED).baseline)
    with pytest.raises(InputError, match=r"^--dask: cannot reach a Dask scheduler at tcp://127\.0\.0\.1:9"):
        execute([problem], executor="dask", address="tcp://127.0.0.1:9", connect_timeout=1)
