"""Every registered rule has solver tests of its own: one ordered registry, all tested.

Each solver test marks the codes it exercises with `@pytest.mark.covers(...)`; this module
collects the marks of the solver test modules (`tests.conftest.covered_codes`) and compares them
with the registries in `scheduler.rules.codes`, so a rule added to a registry without a solver
test fails here, and so does a mark naming a code that does not exist.

Each solver layer keeps a registry of the officer rules (`scheduler.rules.rule_layers`): every code
must be in every layer, either implemented there or sent to a layer that implements it, and each
layer must run what its registry lists. The validator reads none of them.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from scheduler.context import Context, prepare
from scheduler.rules import load as officer_load
from scheduler.rules.codes import OFFICER_RULES, REQUEST_RULES, ROSTER_RULES, UNFILLED_REASONS
from scheduler.rules.eligibility import (
    SCREENING,
    STATIC_RULES,
    StaticRule,
    StaticScreen,
    candidates,
    static_block,
)
from scheduler.rules.load import LOAD_RULES, OfficerLoad
from scheduler.rules.rule_layers import LAYERS, Elsewhere, own_rules, registry_gaps
from scheduler.solve import mip as mip_model
from scheduler.solve import model, pair_checks
from scheduler.solve.mip import MIP_ROWS, formulate
from scheduler.solve.model import CP_SAT_ROWS, build
from scheduler.solve.pair_checks import GREEDY_POLISH, bind_checks, may_take
from scheduler.solve.pieces import build_pieces
from tests.conftest import covered_codes
from tests.scheduler.builders import at, officer, problem, request
from tests.scheduler.solve import (
    test_solver_explain,
    test_solver_fairness,
    test_solver_locks,
    test_solver_requests,
    test_solver_rules,
    test_solver_schedule_rules,
    test_solver_splitting,
)

MODULES: tuple[ModuleType, ...] = (
    test_solver_rules,
    test_solver_schedule_rules,
    test_solver_locks,
    test_solver_requests,
    test_solver_fairness,
    test_solver_splitting,
    test_solver_explain,
)

# The unfilled reasons a small instance can be built for; NOT_PLACED and TIME_LIMIT depend
# on the solver's search, not on the instance alone.
REQUIRED_REASONS = ("NO_ELIGIBLE_OFFICER", "ALL_ELIGIBLE_BUSY", "NO_VALID_SPLIT")


def covered() -> set[str]:
    return covered_codes(*MODULES)


def test_every_officer_rule_has_a_solver_test() -> None:
    assert set(OFFICER_RULES) - covered() == set()


def test_every_roster_rule_has_a_solver_test() -> None:
    assert set(ROSTER_RULES) - covered() == set()


def test_every_request_rule_has_a_solver_test() -> None:
    assert set(REQUEST_RULES) - covered() == set()


def test_the_instance_driven_unfilled_reasons_have_solver_tests() -> None:
    assert set(REQUIRED_REASONS) <= set(UNFILLED_REASONS)
    assert set(REQUIRED_REASONS) - covered() == set()


def test_every_covered_code_is_registered() -> None:
    known = set(OFFICER_RULES) | set(ROSTER_RULES) | set(REQUEST_RULES) | set(UNFILLED_REASONS)
    assert covered() - known == set()


def test_each_module_covers_something() -> None:
    assert [m.__name__ for m in MODULES if not covered_codes(m)] == []


# --- one registry of the officer rules per solver layer --------------------------------------

REGISTRIES = {
    "screening": SCREENING,
    "cp_sat": CP_SAT_ROWS,
    "greedy_polish": GREEDY_POLISH,
    "mip": MIP_ROWS,
}


def test_every_layer_has_a_registry() -> None:
    assert tuple(REGISTRIES) == LAYERS


@pytest.mark.parametrize("layer", LAYERS)
def test_every_officer_rule_is_in_every_layer(layer: str) -> None:
    assert registry_gaps(REGISTRIES[layer]) == ([], [])


def test_a_layer_missing_a_rule_or_naming_an_unknown_one_is_caught() -> None:
    without = {code: rule for code, rule in CP_SAT_ROWS.items() if code != "DAILY_CAP"}
    assert registry_gaps(without) == (["DAILY_CAP"], [])
    assert registry_gaps({**GREEDY_POLISH, "NAP": GREEDY_POLISH["OVERLAP"]}) == ([], ["NAP"])


@pytest.mark.parametrize("layer", LAYERS)
def test_a_rule_sent_elsewhere_is_implemented_by_that_layer(layer: str) -> None:
    for code, entry in REGISTRIES[layer].items():
        if isinstance(entry, Elsewhere):
            assert entry.layer != layer, code
            assert not isinstance(REGISTRIES[entry.layer][code], Elsewhere), (layer, code)


def test_what_each_layer_implements_itself() -> None:
    static = ["STATUS_BARRED", "MISSING_QUALIFICATION", "EMPLOYER_CONFLICT", "NOT_AVAILABLE",
              "ON_DUTY"]
    load = ["OVERLAP", "REST_24H", "DAILY_CAP", "WEEKLY_CAP"]
    assert own_rules(SCREENING) == static + load
    assert own_rules(CP_SAT_ROWS) == ["OVERLAP", "DAILY_CAP", "WEEKLY_CAP", "REST_24H",
                                      "SUPERVISOR_REQUIRED"]
    assert own_rules(MIP_ROWS) == own_rules(CP_SAT_ROWS)
    assert own_rules(GREEDY_POLISH) == ["EMPLOYER_CONFLICT", "SUPERVISOR_REQUIRED", *load]
    assert list(STATIC_RULES) == static and list(LOAD_RULES) == load
    assert all(isinstance(rule, StaticRule) for rule in STATIC_RULES.values())


def test_elsewhere_names_a_known_layer() -> None:
    with pytest.raises(ValueError, match="Elsewhere.layer: unknown layer 'nowhere'"):
        Elsewhere("nowhere", "no reason")


def _context() -> Context:
    crew = [officer("K-1"), officer("K-2", rank="sergeant")]
    return prepare(problem(crew, [request("R-1", at(1, 8), at(1, 12), officers_needed=2)],
                           supervisor_at=2))


def _always(*_: object) -> bool:
    return True


def test_the_screening_runs_its_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = _context()
    req, (k1, _) = ctx.requests[0], ctx.officers
    s, e = req.start, req.end
    assert static_block(k1, req, s, e, ctx) is None
    assert StaticScreen(ctx).screen(req, s, e) == ({}, [0, 1])
    assert OfficerLoad(ctx, k1).blocking(s, e) == []
    # A registry entry that bars everyone is what static_block, the screen and blocking report.
    bars_all = StaticRule(_always, lambda a, r, s, e, pool: pool >= 0)
    monkeypatch.setitem(STATIC_RULES, "EMPLOYER_CONFLICT", bars_all)
    monkeypatch.setitem(LOAD_RULES, "DAILY_CAP", _always)
    assert static_block(k1, req, s, e, ctx) == "EMPLOYER_CONFLICT"
    assert StaticScreen(ctx).screen(req, s, e) == ({"EMPLOYER_CONFLICT": 2}, [])
    assert OfficerLoad(ctx, k1).blocking(s, e) == ["DAILY_CAP"]
    ps = build_pieces(ctx)
    assert candidates(ctx, ps, {}) == {0: []}


def test_fits_checks_every_load_rule_of_the_registry() -> None:
    assert sorted(map(id, officer_load._CHEAPEST_FIRST)) == sorted(map(id, LOAD_RULES.values()))


def test_the_greedy_and_polish_checks_are_the_registry_entries() -> None:
    # The load rules share one `fits` call; each distinct check runs once per officer tried.
    own = [GREEDY_POLISH[code] for code in own_rules(GREEDY_POLISH)]
    assert list(pair_checks._CHECKS) == list(dict.fromkeys(own))
    assert [c.__name__ for c in pair_checks._CHECKS] == [
        "employer_conflict", "supervisor_required", "load_rules"
    ]
    ctx = _context()
    ps = build_pieces(ctx)
    piece, load = ps.pieces[0], OfficerLoad(ctx, ctx.officers[0])
    assert may_take(bind_checks(ctx, piece, None), 0, load)
    # K-1 joining alone a crew that needs a supervisor; the sergeant K-2 may.
    crew = lambda oi: [(piece.start, piece.end, ctx.officers[oi].supervisor)]  # noqa: E731
    assert not may_take(bind_checks(ctx, piece, crew), 0, load)
    assert may_take(bind_checks(ctx, piece, crew), 1, OfficerLoad(ctx, ctx.officers[1]))
    # Bound once, the crew is asked once for every officer who is not a supervisor, and never
    # for a supervisor (a supervisor joining leaves no moment unsupervised).
    asked: list[int] = []
    checks = bind_checks(ctx, piece, lambda oi: asked.append(oi) or crew(oi))
    answers = [may_take(checks, oi, OfficerLoad(ctx, ctx.officers[oi])) for oi in (1, 0, 0, 1)]
    assert (answers, asked) == ([True, False, False, True], [0])
    load.add(piece.start, piece.end)
    assert not may_take(bind_checks(ctx, piece, None), 0, load)  # OVERLAP with itself
    # An officer with the employer on their conflict list (the pools keep them).
    barred = prepare(problem([officer("K-3", conflicts=["EMP-R-1"])],
                             [request("R-1", at(1, 8), at(1, 12))]))
    piece = build_pieces(barred).pieces[0]
    alone = OfficerLoad(barred, barred.officers[0])
    assert not may_take(bind_checks(barred, piece, None), 0, alone)


@pytest.mark.parametrize(("registry", "run", "families"), [
    (model.CP_SAT_ROWS, build, ["_no_overlap", "_daily_and_weekly_caps", "_rolling_24h",
                                "_supervisor"]),
    (mip_model.MIP_ROWS, formulate, ["no_overlap", "daily_and_weekly_caps", "rolling_24h",
                                     "supervisor"]),
], ids=["cp_sat", "mip"])
def test_the_model_layers_run_each_row_family_of_their_registry_once(
    monkeypatch: pytest.MonkeyPatch,
    registry: dict[str, Any],
    run: Callable[..., object],
    families: list[str],
) -> None:
    calls: list[str] = []
    recorders: dict[object, Callable[..., None]] = {}
    for code, entry in list(registry.items()):
        if not isinstance(entry, Elsewhere):
            if entry not in recorders:
                recorders[entry] = _recorder(calls, entry.__name__)
            monkeypatch.setitem(registry, code, recorders[entry])
    ctx = _context()
    run(ctx, build_pieces(ctx), {0: [0, 1]})
    assert calls == families


def _recorder(calls: list[str], name: str) -> Callable[..., None]:
    def record(*_: object) -> None:
        calls.append(name)

    return record


VALIDATOR = Path(__file__).resolve().parents[3] / "scheduler" / "validate"
SOLVER_SIDE = {"scheduler.rules.eligibility", "scheduler.solve.model", "scheduler.solve.greedy",
               "scheduler.solve.polish", "scheduler.rules.rule_layers", "scheduler.solve.solver",
               "scheduler.rules.free_time", "scheduler.rules.load", "scheduler.rules.supervisor",
               "scheduler.solve.pair_checks", "scheduler.solve.draft"}


@pytest.mark.parametrize("path", sorted(VALIDATOR.glob("*.py")), ids=lambda p: p.name)
def test_the_validator_reads_no_registry(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert imported & SOLVER_SIDE == set()
    assert not any(name.startswith("benchmarks") for name in imported)
