"""A solve leaves the heap it found out of the collector's full passes, and restores it after."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from scheduler.context import Context
from scheduler.solve import solver
from scheduler.validate import validate
from tests.scheduler.rosters import at, officer, problem, request


def _week() -> Any:
    return problem([officer("K-1")], [request("R-1", at(1, 8), at(1, 12))])


def test_the_heap_is_frozen_while_solving_and_thawed_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[int] = []
    prepare = solver.prepare

    def watched(p: Any) -> Context:
        seen.append(gc.get_freeze_count())
        return prepare(p)

    monkeypatch.setattr(solver, "prepare", watched)
    week = _week()
    assert gc.get_freeze_count() == 0
    result = solver.solve(week)
    assert validate(week, result).ok
    assert result.metrics.positions_filled == 1.0
    assert seen[0] > 1000  # the modules and the problem, at least
    assert gc.get_freeze_count() == 0


def test_a_heap_its_host_froze_stays_frozen() -> None:
    week = _week()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        solver.solve(week)
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
