"""`offduty validate PROBLEM.json RESULT.json`: check any roster against every hard rule.

The check is independent of the solver, so it can judge the solver's output, a hand-edited roster
or another tool's. Exit 0 when the roster is valid, 1 when it breaks a rule, 2 when a file cannot
be read or is not a valid problem or result.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from models.common import InputError, describe_validation_error
from models.problem import Problem
from models.result import RosterResult
from scheduler.problem_io import load_json
from scheduler.validate.validator import ValidationReport, validate

Model = TypeVar("Model", bound=BaseModel)


def register(sub: Any) -> None:
    """Add the `validate` subcommand."""
    parser = sub.add_parser(
        "validate",
        help="check a roster result against every hard rule and recompute its metrics",
        description="Exit 0 if valid, 1 if the roster breaks a rule, 2 if a file is unreadable.",
    )
    parser.add_argument("problem", type=Path, help="roster problem (JSON)")
    parser.add_argument("result", type=Path, help="roster result (JSON), e.g. from `solve --json`")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(func=run)


def read_model(path: Path, model: type[Model]) -> Model:
    """Read and validate a JSON file; any problem is an InputError naming the file."""
    try:
        data = load_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"not valid JSON: {exc}") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = describe_validation_error(exc, data)
        raise InputError(f"{path}: {err.field}" if err.field else str(path), err.message) from exc


def format_report(report: ValidationReport) -> str:
    """The report as text: each violation on a line (or "valid"), then the recomputed metrics."""
    lines = ["valid"] if report.ok else [f"{len(report.violations)} violation(s):"]
    for v in report.violations:
        where = "/".join(x for x in (v.request_id, v.officer_id) if x)
        lines.append(f"  {v.code} [{where}] {v.message}")
    lines.append("metrics (recomputed):")
    lines.extend(f"  {name}: {value}" for name, value in report.metrics.model_dump().items())
    if report.mismatches:
        lines.append("the result states these metrics differently:")
        lines.extend(f"  {m}" for m in report.mismatches)
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    problem = read_model(args.problem, Problem)
    result = read_model(args.result, RosterResult)
    report = validate(problem, result)
    print(report.model_dump_json(indent=2) if args.json else format_report(report))
    return 0 if report.ok else 1
