"""The suite-wide `covers` marker: which rule codes a test exercises.

`@pytest.mark.covers("OVERLAP", "DAILY_CAP")` on a test records the codes it checks; the marker
is registered in pyproject.toml. `covered_codes` collects them from a test module's functions
as defined, so a registry test holds whatever order or subset of tests runs. The registry tests
(`tests/scheduler/rules/test_registry.py`, `test_request_rules.py`, `test_validation.py`)
compare them with the rule registries: a rule without a test of its own fails there.
"""

from __future__ import annotations

from types import ModuleType

import pytest

MARKER = "covers"


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
