"""Applying a variant: changes in order, the draw seed, errors naming the change's line."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.common import InputError
from scenarios.apply import PlacedChange, Variant, apply_variant
from scenarios.changes import ChangePolicy, RemoveOfficers, ScaleDemand
from scenarios.spec import load_scenario

FORCED = Path(__file__).parent / "data" / "forced.yaml"


def _variant(*changes: PlacedChange) -> Variant:
    return Variant(name="v", description="", changes=changes)


def test_changes_apply_in_order_and_leave_the_baseline() -> None:
    baseline = load_scenario(FORCED).baseline
    before = baseline.model_dump_json()
    variant = _variant(
        PlacedChange("scale_demand", ScaleDemand(factor=2, mode="duplicate"), "f:1"),
        PlacedChange("scale_demand", ScaleDemand(factor=2), "f:2"),
        PlacedChange("policy", ChangePolicy(min_hours=2), "f:3"),
    )
    after = apply_variant(baseline, variant)
    assert [(r.id, r.officers_needed) for r in after.requests] == [
        ("R1", 2), ("R1-copy2", 2), ("R2", 2), ("R2-copy2", 2)
    ]
    assert after.policy.min_hours == 2
    assert baseline.model_dump_json() == before


def test_draw_seed_replaces_the_file_seed() -> None:
    baseline = load_scenario(FORCED).baseline
    removal = RemoveOfficers(fraction=0.34, seed=7)
    variant = _variant(PlacedChange("remove_officers", removal, "f:1"))
    # round_half_up(0.34 x 3) = 1; Random(7) draws B first, Random(10) draws C.
    assert [o.id for o in apply_variant(baseline, variant).officers] == ["A", "C"]
    assert [o.id for o in apply_variant(baseline, variant, seed=10).officers] == ["A", "B"]
    assert variant.is_random


def test_error_names_where_the_change_is_written() -> None:
    baseline = load_scenario(FORCED).baseline
    placed = PlacedChange("remove_officers", RemoveOfficers(ids=["Q"]), "s.yaml:9", "variants.v[0]")
    with pytest.raises(InputError) as err:
        apply_variant(baseline, _variant(placed))
    assert str(err.value) == "s.yaml:9: variants.v[0].ids: unknown officer Q"
