"""Every registered rule has solver tests of its own (STYLE.md: one ordered registry, all tested).

Each solver test module keeps a `COVERED` set filled at import by its `@covers(...)` marks; this
module collects them and compares with the registries in `scheduler.codes`, so a rule added to a
registry without a solver test fails here, and so does a mark naming a code that does not exist.
"""

from __future__ import annotations

from types import ModuleType

from scheduler.codes import OFFICER_RULES, REQUEST_RULES, ROSTER_RULES, UNFILLED_REASONS
from tests.scheduler import (
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
    found: set[str] = set()
    for module in MODULES:
        found |= module.COVERED
    return found


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
    assert [m.__name__ for m in MODULES if not m.COVERED] == []
