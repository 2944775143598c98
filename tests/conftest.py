"""The suite-wide `covers` marker: which rule codes a test exercises.

`@pytest.mark.covers("OVERLAP", "DAILY_CAP")` on a test records the codes it checks; the marker
is registered in pyproject.toml. `covered_codes` collects them from a test module's functions
as defined, so a registry test holds whatever order or subset of tests runs. The registry tests
(`tests/scheduler/rules/test_registry.py`, `test_request_rules.py`, `test_validation.py`)
compare them with the rule registries: a rule without a test of its own fails there.

The `serial` marker: `make test` runs the suite on two processes (pytest-xdist), then the tests
marked `serial` alone. Those are the ones whose outcome depends on having the machine to
themselves: every solver test (a time-limited CP-SAT search uses both cores, and what it finds in
its limit is asserted) and the service tests that time an answer. `SERIAL` lists them by path;
a path that no longer exists fails `test_every_serial_path_exists`, so a moved file is not
quietly run beside another. Tests marked `slow` are put first, so the longest ones start while
the short ones fill the other process.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

MARKER = "covers"

ROOT = Path(__file__).resolve().parent.parent
SERIAL = (
    "tests/scheduler/solve/",
    "tests/api/test_serve.py",
    "tests/api/test_serve_load.py",
    "tests/api/test_pool.py",
    "tests/api/test_isolation.py",
    "tests/api/routes/test_rosters.py",
    "tests/api/console/test_browser.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        where = item.path.resolve().relative_to(ROOT).as_posix()
        if where.startswith(SERIAL):
            item.add_marker(pytest.mark.serial)
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def marked_codes(test: object) -> set[str]:
    """The codes of every `covers` mark on one test function (none for anything else)."""
    marks = getattr(test, "pytestmark", [])
    return {code for mark in marks if isinstance(mark, pytest.Mark) and mark.name == MARKER
            for code in mark.args}


def covered_codes(*modules: ModuleType) -> set[str]:
    """Every code a `covers` mark names on a test function or test method of the modules."""
    found: set[str] = set()
    for module in modules:
        for name, obj in vars(module).items():
            if name.startswith("test") and callable(obj):
                found |= marked_codes(obj)
            if name.startswith("Test") and isinstance(obj, type):
                found |= {c for attr in vars(obj).values() for c in marked_codes(attr)}
    return found
