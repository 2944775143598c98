"""The CSV format of `offduty import` (docs/csv-format.md): columns, cells, and the writer.

One flat row per officer, availability window or request. An empty cell means "the model's
default"; lists are `;`-separated; approvals are `kind:reference` items. Rows become the same
dicts a JSON file would hold, so both formats validate through the same pydantic models.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import AwareDatetime, Field, model_validator

from models import Officer, Problem, Request
from models.common import StrictModel, elapsed

Kind = Literal["officers", "availability", "requests"]

OFFICER_COLUMNS = (
    "agency", "id", "name", "rank", "status", "qualifications", "max_hours_per_week", "conflicts",
)
AVAILABILITY_COLUMNS = ("agency", "officer_id", "kind", "start", "end")
REQUEST_COLUMNS = (
    "agency", "id", "employer_id", "employer_name", "category", "pending_litigation",
    "within_city_limits", "alcohol_served", "post", "uniformed", "job_type", "customer_rate",
    "start", "end", "received_at", "officers_needed", "vehicle_kind", "vehicle_miles",
    "approvals", "priority", "preferred_officers",
)
COLUMNS: dict[str, tuple[str, ...]] = {
    "officers": OFFICER_COLUMNS, "availability": AVAILABILITY_COLUMNS, "requests": REQUEST_COLUMNS,
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "officers": ("id",),
    "availability": ("officer_id", "start", "end"),
    "requests": ("id", "employer_id", "start", "end", "received_at"),
}
LIST_COLUMNS = {"qualifications", "conflicts", "preferred_officers"}

# Request columns that live in nested objects of the model, and the way back for error messages.
_NESTED = {
    "employer_id": ("employer", "id"), "employer_name": ("employer", "name"),
    "category": ("employer", "category"), "pending_litigation": ("employer", "pending_litigation"),
    "within_city_limits": ("venue", "within_city_limits"),
    "alcohol_served": ("venue", "alcohol_served"), "post": ("venue", "post"),
    "vehicle_kind": ("vehicle", "kind"), "vehicle_miles": ("vehicle", "miles"),
}
COLUMN_OF_FIELD = {".".join(path): column for column, path in _NESTED.items()}


class WindowRow(StrictModel):
    """One availability or on-duty window of one officer, as a CSV row or JSON item."""

    officer_id: str = Field(min_length=1)
    kind: Literal["available", "on_duty"] = "available"
    start: AwareDatetime
    end: AwareDatetime

    @model_validator(mode="after")
    def _end_after_start(self) -> WindowRow:
        if elapsed(self.start, self.end) <= timedelta(0):
            raise ValueError(
                f"end {self.end.isoformat()} is not after start {self.start.isoformat()}"
            )
        return self


def row_to_data(kind: str, row: dict[str, str]) -> dict[str, Any]:
    """A CSV row as the dict its model validates (the `agency` cell is left out)."""
    data: dict[str, Any] = {}
    for column, raw in row.items():
        cell = (raw or "").strip()
        if column == "agency" or cell == "":
            continue
        if column in LIST_COLUMNS:
            data[column] = [item.strip() for item in cell.split(";") if item.strip()]
        elif column == "approvals":
            data[column] = [_approval(item) for item in cell.split(";") if item.strip()]
        elif kind == "requests" and column in _NESTED:
            parent, name = _NESTED[column]
            data.setdefault(parent, {})[name] = cell
        else:
            data[column] = cell
    return data


def _approval(item: str) -> dict[str, str]:
    kind, _, reference = item.strip().partition(":")
    return {"kind": kind.strip(), "reference": reference.strip()}


def _join(items: Iterable[str]) -> str:
    return ";".join(items)


def officer_cells(agency: str, officer: Officer) -> list[Any]:
    return [
        agency, officer.id, officer.name, officer.rank.value, officer.status.value,
        _join(officer.qualifications),
        "" if officer.max_hours_per_week is None else officer.max_hours_per_week,
        _join(officer.conflicts),
    ]


def request_cells(agency: str, request: Request) -> list[Any]:
    return [
        agency, request.id, request.employer.id, request.employer.name, request.employer.category,
        request.employer.pending_litigation, request.venue.within_city_limits,
        request.venue.alcohol_served, request.venue.post, request.uniformed, request.job_type,
        request.customer_rate or "", request.start.isoformat(), request.end.isoformat(),
        request.received_at.isoformat(), request.officers_needed, request.vehicle.kind,
        request.vehicle.miles, _join(f"{a.kind}:{a.reference}" for a in request.approvals),
        request.priority, _join(request.preferred_officers),
    ]


def window_rows(agency: str, officers: Iterable[Officer]) -> Iterable[list[Any]]:
    for officer in officers:
        for kind, windows in (("available", officer.availability), ("on_duty", officer.on_duty)):
            for window in windows:
                yield [agency, officer.id, kind, window.start.isoformat(), window.end.isoformat()]


def write_problem_csv(problem: Problem, folder: str | Path) -> list[Path]:
    """Write a problem's officers, availability and requests as the three import files."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    agency = problem.agency if isinstance(problem.agency, str) else problem.agency.id
    tables: dict[str, Iterable[list[Any]]] = {
        "officers": (officer_cells(agency, o) for o in problem.officers),
        "availability": window_rows(agency, problem.officers),
        "requests": (request_cells(agency, r) for r in problem.requests),
    }
    written = []
    for kind, rows in tables.items():
        path = folder / f"{kind}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(COLUMNS[kind])
            for row in rows:
                writer.writerow([_cell(c) for c in row])
        written.append(path)
    return written


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def main(argv: list[str] | None = None) -> int:
    """`python -m store.csvformat PROBLEM.json OUT_DIR`: a problem file as the import CSVs."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m store.csvformat PROBLEM.json OUT_DIR", file=sys.stderr)
        return 2
    problem = Problem.model_validate_json(Path(args[0]).read_text(encoding="utf-8"))
    for path in write_problem_csv(problem, args[1]):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
