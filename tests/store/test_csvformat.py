"""The CSV format round trip: a problem written as the three import files and imported again
gives back the same officers and requests (store/csvformat.py, docs/csv-format.md)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from models import Officer, Problem, SolveOptions
from store import Store
from store.csvformat import write_problem_csv
from store.importer import import_file
from store.problem_builder import Horizon, build_problem

EXAMPLE = Path(__file__).resolve().parents[2] / "scenarios" / "examples" / "kennesaw-week.json"


def comparable(officer: Officer) -> Officer:
    """An officer as the store keeps it: windows in time order, no imported hours to date."""
    return officer.model_copy(update={
        "hours_to_date": 0.0,
        "availability": sorted(officer.availability, key=lambda w: (w.start, w.end)),
        "on_duty": sorted(officer.on_duty, key=lambda w: (w.start, w.end)),
    })


def test_the_bundled_week_survives_csv_and_the_store(store: Store, tmp_path: Path) -> None:
    original = Problem.model_validate_json(EXAMPLE.read_text(encoding="utf-8"))
    paths = write_problem_csv(original, tmp_path)
    assert [p.name for p in paths] == ["officers.csv", "availability.csv", "requests.csv"]
    for path in paths:
        import_file(store, path.stem, path)  # type: ignore[arg-type]
    first = min(r.start for r in original.requests)
    with store.transaction() as session:
        rebuilt = build_problem(session, "kennesaw-ga", Horizon(first, 30, 28), SolveOptions())
    assert sorted(rebuilt.requests, key=lambda r: r.id) == sorted(original.requests,
                                                                  key=lambda r: r.id)
    span_start = first - timedelta(days=1)
    expected = {o.id: comparable(o) for o in original.officers}
    for officer in rebuilt.officers:
        want = expected[officer.id]
        want = want.model_copy(update={
            "availability": [w for w in want.availability if w.end > span_start],
            "on_duty": [w for w in want.on_duty if w.end > span_start],
        })
        assert comparable(officer) == want, officer.id
    assert len(rebuilt.officers) == len(original.officers)
