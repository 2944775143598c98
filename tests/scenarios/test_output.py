"""The --out folder: table as CSV and Excel, each roster as JSON, every chart a valid PNG."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from models.result import RosterResult
from scenarios.output import write_outputs
from scenarios.runner import run
from scenarios.spec import load_scenario
from tests.scenarios.test_charts import png_size

FORCED = Path(__file__).parent / "data" / "forced.yaml"


def test_outputs_of_a_sweep_and_a_single_variant(tmp_path: Path) -> None:
    scenario = load_scenario(FORCED)
    variants = [scenario.variant("absences"), scenario.variant("without-b")]
    result = run(scenario, variants, draws=2, seed=10, executor="inline")
    written = write_outputs(result, tmp_path)
    names = sorted(str(p.relative_to(tmp_path)) for p in written)
    assert names == sorted([
        "table.csv", "table.xlsx",
        "rosters/baseline.json", "rosters/absences-draw001.json", "rosters/absences-draw002.json",
        "rosters/without-b.json",
        *(f"charts/{kind}-{label}.png" for kind in ("hours", "timeline", "coverage")
          for label in ("baseline", "absences-draw001", "without-b")),
        "charts/compare.png",
    ])
    for png in (p for p in written if p.suffix == ".png"):
        width, height = png_size(png)
        assert 300 <= width <= 2000 and 150 <= height <= 2000, png
    roster = RosterResult.model_validate_json((tmp_path / "rosters/without-b.json").read_text())
    assert [(a.request_id, a.officer_id) for a in roster.assignments] == [("R1", "A")]
    table = pd.read_csv(tmp_path / "table.csv", index_col="figure")
    assert list(table.columns) == [
        "baseline", "absences mean", "absences p10", "absences p50", "absences p90", "without-b",
        "Δ absences", "Δ without-b",
    ]
