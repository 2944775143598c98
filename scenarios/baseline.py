"""The baseline problem of a scenario file: inline, from JSON/YAML files, or generated.

Three forms, exactly one per file:
- `problem:` a whole problem (roster-contract.md), inline or a file name;
- `agency:` + `officers:` + `requests:` (each list inline or a file name; `locked:` optional);
- `generator: {officers, requests, days, seed, agency, start}` (seeded realistic problem).
`policy:` and `options:` may accompany any form and override the problem's own.
File names are relative to the scenario file, and so is an `agency:` (of either form) that names
an agency file rather than an id (`../agencies/pine-hollow-or.yaml`): it is read by the same
reader as every command's `--agency FILE` (`scheduler.agencies`).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import Field, TypeAdapter, ValidationError

from models.agency import Agency
from models.common import InputError, StrictModel
from models.officer import Officer
from models.problem import AssignmentRef, Problem
from models.request import Request
from scenarios.yamlmarks import MarkedDict, Where, load_marked
from scheduler.agencies import is_agency_file, load_agency_file
from scheduler.problem_io import load_json

_FORMS = ("problem", "generator", "officers")
_KEYS = ("problem", "generator", "agency", "officers", "requests", "locked", "policy", "options")


class GeneratorSettings(StrictModel):
    """Arguments of `scenarios.generator.generate`."""

    officers: int = Field(ge=1, le=20_000)
    requests: int = Field(ge=0, le=100_000)
    days: int = Field(ge=1, le=366)
    seed: int = Field(default=0, ge=0)
    agency: str = "kennesaw-ga"
    start: date = date(2026, 12, 7)


def _read_data_file(
    where: Where, loc: tuple[str, ...], name: str, folder: Path
) -> tuple[Any, Where]:
    """A data file named in the scenario, parsed with line marks when it is YAML-readable."""
    path = folder / name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise where.error(loc, f"cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        # Named as the scenario file's own error, it sent the user to the wrong file.
        byte = exc.object[exc.start:exc.start + 1].hex()
        raise where.error(loc, f"{path} is not UTF-8 text (byte 0x{byte} at offset "
                               f"{exc.start})") from exc
    try:
        data = load_marked(text, str(path))
    except InputError:
        # Plain JSON that YAML 1.1 dislikes (rare escapes): parse it, without line numbers.
        try:
            data = load_json(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{exc.lineno}", f"not valid JSON: {exc.msg}") from exc
    return data, Where(str(path), data)


def _part(where: Where, doc: MarkedDict, key: str, folder: Path) -> tuple[Any, Where]:
    """The value at `key`, or the parsed file it names; a file may wrap it as `{key: [...]}`."""
    value = doc[key]
    if not isinstance(value, str):
        return value, where.at(key)
    data, at = _read_data_file(where, (key,), value, folder)
    if isinstance(data, dict) and key in data:
        return data[key], at.at(key)
    return data, at


def _validate(adapter: TypeAdapter[Any], value: Any, at: Where) -> Any:
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        raise at.from_validation(exc) from exc


def _agency(at: Where, value: Any, folder: Path) -> Any:
    """An agency id as given, or the agency of the file it names (relative to the scenario)."""
    if not isinstance(value, str) or not is_agency_file(value):
        return value
    try:
        agency: Agency = load_agency_file(folder / value)
    except InputError as exc:
        raise at.error(("agency",), str(exc)) from exc
    return agency


def _generated(where: Where, doc: MarkedDict, folder: Path) -> Problem:
    at = where.at("generator")
    settings = _validate(TypeAdapter(GeneratorSettings), doc["generator"] or {}, at)
    try:
        from scenarios.generator import generate
    except ImportError as exc:
        raise where.error(("generator",), "the problem generator is not available") from exc
    problem: Problem = generate(
        settings.officers, settings.requests, settings.days, settings.seed,
        agency=_agency(at, settings.agency, folder), start=settings.start,
    )
    return problem


def _assembled(where: Where, doc: MarkedDict, folder: Path) -> Problem:
    for key in ("agency", "requests"):
        if key not in doc:
            raise where.error((), f"missing key: {key} (needed with officers)")
    officers = _validate(TypeAdapter(list[Officer]), *_part(where, doc, "officers", folder))
    requests = _validate(TypeAdapter(list[Request]), *_part(where, doc, "requests", folder))
    locks_at = where.at("locked") if "locked" in doc else where
    locked = _validate(TypeAdapter(list[AssignmentRef]), doc.get("locked") or [], locks_at)
    fields = {"agency": _agency(where, doc["agency"], folder), "officers": officers,
              "requests": requests, "locked": locked}
    try:
        return Problem.model_validate(fields)
    except ValidationError as exc:
        raise where.from_validation(exc) from exc


def _overridden(problem: Problem, where: Where, doc: MarkedDict) -> Problem:
    """The problem with the file's `policy` and `options` on top of its own."""
    if "policy" not in doc and "options" not in doc:
        return problem
    data = problem.model_dump(exclude_none=True)
    for key in ("policy", "options"):
        if key in doc:
            own = getattr(problem, key).model_dump(exclude_none=True)
            data[key] = {**own, **(doc[key] or {})}
    try:
        return Problem.model_validate(data)
    except ValidationError as exc:
        raise where.from_validation(exc) from exc


def build_baseline(where: Where, folder: Path) -> Problem:
    """The baseline problem described at `where` (the `baseline:` mapping of a scenario)."""
    if not isinstance(where.data, dict):
        raise where.error((), "expected a mapping with problem, generator or officers")
    doc = where.data if isinstance(where.data, MarkedDict) else MarkedDict(where.data)
    for key in doc:
        if key not in _KEYS:
            raise where.error((key,), f"unknown key (known: {', '.join(_KEYS)})")
    forms = [k for k in _FORMS if k in doc]
    if len(forms) != 1:
        raise where.error((), "give exactly one of problem, generator, or officers + requests")
    stray = [k for k in ("agency", "requests", "locked") if k in doc and forms[0] != "officers"]
    if stray:
        raise where.error((stray[0],), f"only with officers + requests, not with {forms[0]}")
    if forms[0] == "problem":
        data, at = _part(where, doc, "problem", folder)
        problem = _validate(TypeAdapter(Problem), data, at)
    elif forms[0] == "generator":
        problem = _generated(where, doc, folder)
    else:
        problem = _assembled(where, doc, folder)
    return _overridden(problem, where, doc)
