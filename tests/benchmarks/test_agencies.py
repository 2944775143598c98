"""The many-agencies benchmark's store and table, and the load benchmark's percentiles."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from benchmarks.agencies import BenchRow, generate_store, markdown
from benchmarks.jobs_load import _percentile
from store import open_store
from store.records import agency_of
from store.schema import AgencyRow, OfficerRow, RequestRow


def test_each_generated_agency_is_the_demo_week_under_its_own_id(tmp_path: Path) -> None:
    generate_store(tmp_path / "a.db", 2)
    store = open_store(tmp_path / "a.db")
    try:
        with store.transaction() as session:
            agencies = list(session.scalars(select(AgencyRow).order_by(AgencyRow.id)))
            counts = [
                (a.id,
                 session.scalar(select(func.count()).where(OfficerRow.agency_id == a.id)),
                 session.scalar(select(func.count()).where(RequestRow.agency_id == a.id)))
                for a in agencies
            ]
            rules = agency_of(agencies[1])
    finally:
        store.close()
    assert counts == [("agency-001", 60, 150), ("agency-002", 60, 150)]
    assert (rules.id, rules.name, rules.time_zone) == ("agency-002", "Generated agency-002",
                                                       "America/New_York")


def test_the_table_divides_the_agencies_time_by_the_wall_time() -> None:
    one = BenchRow("1 process", 50, 0, wall_s=160.0, agencies_s=160.0, solve_s=140.0)
    two = BenchRow("2 processes", 50, 0, wall_s=100.0, agencies_s=180.0, solve_s=150.0)
    assert markdown([one, two], 50, 1).splitlines()[-2:] == [
        "| 1 process | 50 | 0 | 160.0 | 160.0 | 140.0 | 1.00 | 1.00 |",
        "| 2 processes | 50 | 0 | 100.0 | 180.0 | 150.0 | 1.80 | 1.60 |",
    ]


def test_percentiles_of_the_load_latencies() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (_percentile(values, 0.5), _percentile(values, 0.95)) == (50.5, 95.05)
    assert _percentile([3.0], 0.95) == 3.0
    assert _percentile([], 0.95) == 0.0
