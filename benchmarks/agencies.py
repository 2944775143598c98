"""The many-agencies night: a store of N generated agencies, run with `nightly --all-agencies`
on 1 process, 2 processes and a local Dask cluster of 2 workers.

Each generated agency is the bundled demo week (60 officers, 150 requests, Kennesaw's rules
under its own id), so every agency solves the same size of problem. The store is built once and
copied for each configuration, so every configuration starts from the same untouched store. The
figures are the night's wall time against the sum of the agencies' own times (build, solve,
write): their ratio is how many agencies ran side by side in effect.
"""

from __future__ import annotations

import logging
import os
import platform
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path

from scheduler.agencies import get_agency
from store import open_store
from store.importer import import_file
from store.nightly_all import NightReport, run_all_agencies
from store.schema import AgencyRow

log = logging.getLogger(__name__)

NOW = datetime.fromisoformat("2026-12-07T00:00:00-05:00")
HORIZON_DAYS = 7
TEMPLATE = "kennesaw-ga"


@dataclass(frozen=True)
class BenchRow:
    where: str
    agencies: int
    failed: int
    wall_s: float
    agencies_s: float
    solve_s: float

    @property
    def side_by_side(self) -> float:
        return self.agencies_s / self.wall_s if self.wall_s else 0.0


def agency_ids(count: int) -> list[str]:
    return [f"agency-{i:03d}" for i in range(1, count + 1)]


def generate_store(path: Path, count: int) -> None:
    """A store of `count` agencies, each the demo week under its own id."""
    store = open_store(path)
    template = get_agency(TEMPLATE).model_dump(mode="json")
    ids = agency_ids(count)
    try:
        with store.transaction() as session:
            for agency_id in ids:
                definition = {**template, "id": agency_id, "name": f"Generated {agency_id}"}
                session.add(AgencyRow(id=agency_id, name=definition["name"],
                                      time_zone=template["time_zone"], definition=definition,
                                      policy_overrides={}))
        demo = Path(str(resources.files("scenarios").joinpath("examples/demo")))
        with tempfile.TemporaryDirectory() as folder:
            for kind in ("officers", "availability", "requests"):
                lines = (demo / f"{kind}.csv").read_text(encoding="utf-8").splitlines()
                rows = [line.replace(TEMPLATE, agency_id, 1)
                        for agency_id in ids for line in lines[1:]]
                target = Path(folder) / f"{kind}.csv"
                target.write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")
                import_file(store, kind, target)
    finally:
        store.close()


@contextmanager
def local_cluster(workers: int) -> Iterator[str]:
    from distributed import LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def _row(where: str, night: NightReport) -> BenchRow:
    solve = sum(o.report.timings.get("solve_s", 0.0) for o in night.outcomes if o.report)
    return BenchRow(where, len(night.outcomes), len(night.failed), night.wall_s,
                    night.agencies_s, round(solve, 3))


def run_bench(count: int, time_limit_s: float, folder: Path) -> list[BenchRow]:
    """The night on 1 process, 2 processes and a local Dask cluster of 2 workers."""
    pristine = folder / "agencies.db"
    generate_store(pristine, count)
    rows: list[BenchRow] = []
    for name, jobs, dask in (("1 process", 1, False), ("2 processes", 2, False),
                             ("local Dask cluster, 2 workers", 1, True)):
        copy = folder / f"{len(rows)}.db"
        shutil.copyfile(pristine, copy)
        store = open_store(copy)
        try:
            if dask:
                with local_cluster(2) as address:
                    night = run_all_agencies(store, dask_address=address, now=NOW,
                                             horizon_days=HORIZON_DAYS, time_limit_s=time_limit_s)
            else:
                night = run_all_agencies(store, jobs=jobs, now=NOW, horizon_days=HORIZON_DAYS,
                                         time_limit_s=time_limit_s)
        finally:
            store.close()
        log.info("%s", night.summary())
        rows.append(_row(name, night))
    return rows


def markdown(rows: list[BenchRow], count: int, time_limit_s: float) -> str:
    """The results as the page `benchmarks/AGENCIES.md` holds."""
    lines = [
        "# Every agency in one night",
        "",
        f"`offduty bench-agencies --agencies {count} --time-limit {time_limit_s:g}`: {count} "
        "generated agencies, each the bundled demo week (60 officers, 150 requests, "
        f"{HORIZON_DAYS}-day horizon), solved deterministically with a {time_limit_s:g} s limit "
        "per agency, on a SQLite store. `agencies' own` is the sum of each agency's build, "
        "solve and write time (an agency runs only when a solve slot is free, so this is not "
        "inflated by waiting); `side by side` is that sum over the night's wall time; "
        "`speed-up` is the 1-process night's wall time over this night's.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}.",
        "",
        "| where | agencies | failed | night wall (s) | agencies' own (s) | solves (s) "
        "| side by side | speed-up |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.where} | {r.agencies} | {r.failed} | {r.wall_s:.1f} | {r.agencies_s:.1f} "
        f"| {r.solve_s:.1f} | {r.side_by_side:.2f} | {rows[0].wall_s / r.wall_s:.2f} |"
        for r in rows
    ]
    return "\n".join(lines) + "\n"
