"""The scenario files that ship with offduty load, and their variants apply to their baselines."""

from __future__ import annotations

from pathlib import Path

import pytest

import scenarios
from scenarios.spec import load_scenario

SHIPPED = Path(scenarios.__file__).parent


@pytest.mark.parametrize(
    ("file", "variants", "size"),
    [
        ("kennesaw-july4.yaml", ["absences", "surge", "both", "both-supervisor-at-8"], (50, 90)),
        ("rockport-minimum-hours.yaml", ["three-hour-minimum", "four-hour-minimum"], (30, 60)),
        ("city-scale.yaml", ["attrition-10pct", "demand-up-20pct", "weekly-cap-40"], (300, 600)),
    ],
)
def test_shipped_scenario_loads(file: str, variants: list[str], size: tuple[int, int]) -> None:
    scenario = load_scenario(SHIPPED / file)
    assert [v.name for v in scenario.variants] == variants
    assert (len(scenario.baseline.officers), len(scenario.baseline.requests)) == size
    assert scenario.baseline.options.time_limit_s <= 15


def test_july4_baseline_is_the_holiday_week() -> None:
    scenario = load_scenario(SHIPPED / "kennesaw-july4.yaml")
    days = {r.start.date().isoformat() for r in scenario.baseline.requests}
    assert min(days) == "2026-06-29" and "2026-07-04" in days
    fireworks = [r for r in scenario.variant("surge").changes if r.kind == "add_demand"]
    assert fireworks[0].where.endswith("kennesaw-july4.yaml:22")
