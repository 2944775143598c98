"""The `covers` marker: registered once, and collected from whatever a module defines."""

from __future__ import annotations

import types

import pytest

from tests.conftest import covered_codes


def test_the_marker_is_registered(pytestconfig: pytest.Config) -> None:
    names = [line.split(":")[0].split("(")[0] for line in pytestconfig.getini("markers")]
    assert names.count("covers") == 1


def test_marks_on_functions_parametrized_tests_and_methods_are_collected() -> None:
    module = types.ModuleType("fake_tests")

    @pytest.mark.covers("OVERLAP", "DAILY_CAP")
    def test_one() -> None: ...

    @pytest.mark.parametrize("n", [1, 2])
    @pytest.mark.covers("REST_24H")
    def test_two(n: int) -> None: ...

    class TestGroup:
        @pytest.mark.covers("WEEKLY_CAP")
        def test_three(self) -> None: ...

    @pytest.mark.covers("NOT_A_TEST")
    def helper() -> None: ...

    @pytest.mark.slow
    def test_unmarked() -> None: ...

    for name, obj in [("test_one", test_one), ("test_two", test_two), ("TestGroup", TestGroup),
                      ("helper", helper), ("test_unmarked", test_unmarked)]:
        setattr(module, name, obj)
    assert covered_codes(module) == {"OVERLAP", "DAILY_CAP", "REST_24H", "WEEKLY_CAP"}
    assert covered_codes() == set()
