"""Write a scenario run to a folder: the table (CSV, Excel), every roster (JSON), the charts (PNG).

Layout of `DIR`:
- `table.csv`, `table.xlsx`: the comparison table, figures as rows;
- `rosters/LABEL.json`: each roster result (`baseline`, a variant's name, or `NAME-draw001`);
- `charts/hours-LABEL.png`, `charts/timeline-LABEL.png`, `charts/coverage-LABEL.png` for the
  baseline, each variant and the first draw of a sweep; `charts/compare.png` across scenarios.
  Past 40 officers the timeline is split into pages: `timeline-LABEL-1.png`, `-2.png`...
"""

from __future__ import annotations

from pathlib import Path

from models.common import InputError
from scenarios.charts import compare_chart, coverage_chart, hours_histogram, timeline
from scenarios.runner import Outcome, Run


def _charted(run: Run) -> list[Outcome]:
    """The baseline, every variant solved once, and the first draw of each sweep."""
    return [o for o in run.outcomes if o.job.draw in (None, 0)]


def write_outputs(run: Run, folder: Path) -> list[Path]:
    """Write everything; returns the files written, in order."""
    try:
        (folder / "rosters").mkdir(parents=True, exist_ok=True)
        (folder / "charts").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError("--out", f"cannot create {folder}: {exc.strerror}") from exc
    table = run.table()
    written = [folder / "table.csv", folder / "table.xlsx"]
    table.to_csv(written[0])
    table.to_excel(written[1], sheet_name=run.scenario.name[:31] or "scenario")
    for outcome in run.outcomes:
        path = folder / "rosters" / f"{outcome.job.label}.json"
        path.write_text(outcome.result.model_dump_json(indent=2) + "\n", encoding="utf-8")
        written.append(path)
    charts = folder / "charts"
    for outcome in _charted(run):
        label, problem, result = outcome.job.label, outcome.job.problem, outcome.result
        written.append(hours_histogram(result, charts / f"hours-{label}.png", label))
        written += timeline(problem, result, charts / f"timeline-{label}.png", label)
        written.append(coverage_chart(problem, result, charts / f"coverage-{label}.png", label))
    written.append(compare_chart(table, charts / "compare.png", title=run.scenario.name))
    return written
