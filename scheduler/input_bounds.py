"""Years and magnitudes the scheduler computes with, checked on any input model before use.

The models accept any aware time and any float; the rate engine and the solver do not: a time in
year 9999 overflows when a day is added to it, `Infinity` or 1e308 hours overflow the integer
minutes of the CP-SAT model, and a Decimal made from them has no cents. One walk over a parsed
input (a problem, a quote request, one imported row) refuses such a value as an `InputError`
naming the field (with the officer or request id), before any work starts. The supported years
are the service's (api/limits.py), so a file and a call accept the same times.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from models.common import InputError

EARLIEST_YEAR = 1971
LATEST_YEAR = 2199
# Far above any real cap, rate, mileage or duration, far below what overflows a CP-SAT integer
# (minutes) or loses cents in a Decimal.
MAX_MAGNITUDE = 1_000_000
MAX_INTEGER = 2**31 - 1


def typed_time(text: str, field: str) -> datetime:
    """A time a user typed (a command's option, a console form): ISO 8601 with its UTC offset,
    within the supported years. A naive time is refused, never guessed."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InputError(field, f"not an ISO 8601 time: {text!r}") from exc
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InputError(field, f"{text!r} has no UTC offset (write e.g. {text}-05:00)")
    _refuse_year(moment, field)
    return moment


def typed_date(text: str, field: str) -> date:
    """A local date a user typed (YYYY-MM-DD), within the supported years."""
    try:
        value = date.fromisoformat(text)
    except ValueError as exc:
        raise InputError(field, f"not a date (YYYY-MM-DD): {text!r}") from exc
    _refuse_year(value, field)
    return value


def typed_number(text: str, field: str, low: float, high: float, *,
                 low_open: bool = False) -> float:
    """A finite number a user typed, in [low, high] (or (low, high] with `low_open`): `float`
    takes `nan`, `inf` and `1e999`."""
    try:
        value = float(text)
    except ValueError as exc:
        raise InputError(field, f"not a number: {text!r}") from exc
    too_low = value <= low if low_open else value < low
    if not math.isfinite(value) or too_low or value > high:
        bracket = "(" if low_open else "["
        raise InputError(field, f"{text!r} is not a finite number in {bracket}{low:g}, {high:g}]")
    return value


def typed_whole(text: str, field: str, low: int, high: int) -> int:
    """A whole number a user typed, in [low, high]; `int` of thousands of digits is slow and
    then refused by Python, so the length is bounded first."""
    stripped = text.strip()
    if len(stripped) > 20:
        raise InputError(field, f"must be a whole number from {low} to {high}")
    try:
        value = int(stripped)
    except ValueError as exc:
        raise InputError(field, f"not a whole number: {text!r}") from exc
    if not low <= value <= high:
        raise InputError(field, f"{value} is not between {low} and {high}")
    return value


def _refuse_year(value: date, field: str) -> None:
    problem = year_problem(value)
    if problem is not None:
        raise InputError(field, problem)


def check_bounds(model: BaseModel, where: str = "") -> None:
    """Raise an `InputError` for the first out-of-range value, named `where: path`."""
    for path, value in _leaves(model, ""):
        problem = value_problem(value)
        if problem is not None:
            field = f"{where}: {path}" if where and path else where or path
            raise InputError(field, problem)


def value_problem(value: Any) -> str | None:
    """What is wrong with one value, or None when offduty can compute with it."""
    if isinstance(value, bool):
        return None
    if isinstance(value, date):
        return year_problem(value)
    if isinstance(value, int):
        if abs(value) > MAX_INTEGER:
            return f"{value} is too large (at most {MAX_INTEGER:,})"
        return None
    if isinstance(value, float | Decimal):
        return _number_problem(value)
    return None


def year_problem(moment: date) -> str | None:
    """A time or date outside the supported years."""
    if EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        return None
    return (f"{moment.isoformat()} is outside the supported years "
            f"{EARLIEST_YEAR}-{LATEST_YEAR}")


def _number_problem(value: float | Decimal) -> str | None:
    finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
    if not finite:
        return f"{value} is not a finite number"
    if abs(float(value)) > MAX_MAGNITUDE:
        return f"{value:g} is too large (at most {MAX_MAGNITUDE:,})"
    return None


def _leaves(node: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Every scalar in a model, with its path as the error messages write it."""
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _leaves(getattr(node, name), f"{path}.{name}" if path else name)
    elif isinstance(node, list | tuple):
        for index, item in enumerate(node):
            ident = getattr(item, "id", None)
            label = f"{path}[{index}]" + (f" ({ident})" if isinstance(ident, str) else "")
            yield from _leaves(item, label)
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from _leaves(item, f"{path}.{key}" if path else str(key))
    else:
        yield path, node
