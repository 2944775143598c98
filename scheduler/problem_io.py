"""Reading roster problems and results from files: one path for the CLI, the store and scenarios.

A file that cannot be read, is not UTF-8, does not validate or holds a time or number offduty
cannot compute with is an `InputError` naming the file and the field (with the officer or request
id), never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from models.common import InputError, describe_validation_error
from models.problem import Problem
from models.result import RosterResult
from scheduler.input_bounds import check_bounds

M = TypeVar("M", bound=BaseModel)


def read_data(path: str | Path) -> Any:
    """Parse a JSON or YAML file into plain data."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(str(path), f"cannot read file: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        byte = exc.object[exc.start:exc.start + 1].hex()
        raise InputError(str(path), f"not UTF-8 text (byte 0x{byte} at offset {exc.start})") \
            from exc
    try:
        if path.suffix in (".yaml", ".yml"):
            try:
                return yaml.safe_load(text)
            except RecursionError:
                raise yaml.YAMLError("nested too deeply to read") from None
        return load_json(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InputError(
            str(path), f"not valid {path.suffix.lstrip('.') or 'JSON'}: {_one_line(exc)}"
        ) from exc


def load_json(text: str) -> Any:
    """`json.loads`, where JSON nested too deeply for Python's parser (about a thousand levels)
    is a `JSONDecodeError` like any other unreadable JSON: it raised RecursionError, an internal
    error."""
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply to read", text, 0) from None


def _one_line(exc: Exception) -> str:
    """A parser's error in one line: YAML's own message spans several, with a caret drawing."""
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        return f"{exc.problem} (line {mark.line + 1}, column {mark.column + 1})"
    return " ".join(str(exc).split())


def parse(model: type[M], data: Any, source: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = describe_validation_error(exc, data)
        raise InputError(f"{source}: {err.field}" if err.field else source, err.message) from exc


def load_problem(path: str | Path) -> Problem:
    """A problem file, validated, with its times and numbers within what offduty computes with."""
    problem = parse(Problem, read_data(path), str(path))
    check_bounds(problem, str(path))
    return problem


def problem_schema() -> dict[str, Any]:
    return Problem.model_json_schema()


def result_schema() -> dict[str, Any]:
    return RosterResult.model_json_schema(mode="serialization")
