"""OFFDUTY_TIME_LIMIT_CAP_S (solve/limits.py): lowers a longer limit, leaves a shorter one."""

from __future__ import annotations

import pytest

from models import Problem
from scheduler.solve.limits import CAP_VARIABLE, capped, time_limit_cap
from tests.cli.clirun import TINY_PROBLEM


def _problem(limit: float) -> Problem:
    return Problem.model_validate({**TINY_PROBLEM, "options": {"time_limit_s": limit}})


@pytest.mark.parametrize(("value", "cap"), [
    ("1", 1.0), (" 2.5 ", 2.5), ("", None), ("0", None), ("-3", None), ("nan", None),
    ("inf", None), ("soon", None),
])
def test_the_cap_reads_only_positive_finite_seconds(
    monkeypatch: pytest.MonkeyPatch, value: str, cap: float | None
) -> None:
    monkeypatch.setenv(CAP_VARIABLE, value)
    assert time_limit_cap() == cap


def test_a_longer_limit_is_lowered_and_a_shorter_one_kept(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CAP_VARIABLE, "2")
    assert capped(_problem(30)).options.time_limit_s == 2
    assert capped(_problem(1.5)).options.time_limit_s == 1.5
    monkeypatch.delenv(CAP_VARIABLE)
    assert capped(_problem(30)).options.time_limit_s == 30
