"""Scenario files: a baseline problem plus named variants, parsed with line numbers.

```yaml
name: rockport-minimum-hours
baseline:                      # `problem`, `generator`, or `agency` + `officers` + `requests`
  generator: {officers: 30, requests: 40, days: 7, seed: 3, agency: rockport-tx}
  options: {time_limit_s: 10}
variants:
  four-hour-minimum:
    description: Rockport adopts Kennesaw's 4-hour minimum.
    changes:
      - policy: {min_hours: 4}
```

Every mistake is an `InputError` reading `FILE:LINE: key: message`. Loading builds the baseline
and applies every variant once, so an unknown officer id is reported before any solving.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from models.common import InputError, StrictModel
from models.problem import Problem
from scenarios.apply import PlacedChange, Variant, apply_variant
from scenarios.baseline import build_baseline
from scenarios.changes import CHANGES
from scenarios.yamlmarks import MarkedDict, Where, dotted, load_marked_file
from scheduler.input_bounds import check_bounds

BASELINE = "baseline"


MAX_DRAWS = 10_000  # draws of a sweep, in the file or on the command line


class Sweep(StrictModel):
    """Default sweep settings of a file (the command line may override them)."""

    draws: int = Field(default=1, ge=1, le=MAX_DRAWS)
    seed: int = Field(default=0, ge=0)


@dataclass(frozen=True)
class Scenario:
    """A parsed scenario file: its baseline problem and its variants, in file order."""

    name: str
    description: str
    path: Path
    baseline: Problem
    variants: tuple[Variant, ...]
    sweep: Sweep = field(default_factory=Sweep)

    def variant(self, name: str) -> Variant:
        """The variant called `name`; an unknown name is an input error listing the known."""
        for v in self.variants:
            if v.name == name:
                return v
        known = ", ".join(v.name for v in self.variants) or "none"
        raise InputError("--variant", f"no variant {name!r} in {self.path} (known: {known})")


_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_TOP_KEYS = ("name", "description", "baseline", "variants", "sweep")


def _mapping(where: Where, loc: tuple[int | str, ...], value: Any, what: str) -> MarkedDict:
    if not isinstance(value, dict):
        raise where.error(loc, f"expected {what}, got {type(value).__name__}")
    return value if isinstance(value, MarkedDict) else MarkedDict(value)


def _parse_change(where: Where, index: int, item: Any) -> PlacedChange:
    if not isinstance(item, dict) or len(item) != 1:
        raise where.error((index,), f"a change is a one-key mapping, one of: {', '.join(CHANGES)}")
    kind, params = next(iter(item.items()))
    if kind not in CHANGES:
        raise where.at(index).error((kind,), f"unknown change (known: {', '.join(CHANGES)})")
    at = where.at(index, kind)
    try:
        change = CHANGES[kind].model_validate(params if params is not None else {})
    except ValidationError as exc:
        raise at.from_validation(exc) from exc
    where_at = f"{where.source}:{where.line(index)}"
    try:
        check_bounds(change)  # a date in 9999, say: the years and sizes the scheduler takes
    except InputError as exc:
        raise InputError(f"{where_at}: {dotted(at.prefix)}.{exc.field}", exc.message) from exc
    return PlacedChange(kind=kind, change=change, where=where_at, path=dotted(at.prefix))


def _check_name(where: Where, name: Any) -> None:
    if name == BASELINE:
        raise where.error((name,), f"{BASELINE!r} names the unchanged problem; pick another name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise where.error((name,), "a variant name is letters, digits, '-', '_', '.' (names files)")


def _parse_variant(where: Where, name: str, body: Any) -> Variant:
    description = ""
    changes_at = where
    if isinstance(body, dict):
        for key in body:
            if key not in ("description", "changes"):
                raise where.error((key,), "unknown key (known: description, changes)")
        if "changes" not in body:
            raise where.error((), "missing key: changes")
        description = str(body.get("description") or "")
        changes_at, body = where.at("changes"), body["changes"]
    if not isinstance(body, list) or not body:
        raise changes_at.error((), "expected a non-empty list of changes")
    changes = tuple(_parse_change(changes_at, i, item) for i, item in enumerate(body))
    return Variant(name=str(name), description=description, changes=changes)


def _parse_variants(where: Where, data: Any) -> tuple[Variant, ...]:
    if data is None:
        return ()
    body = _mapping(where, (), data, "a mapping of variant name to changes")
    for name in body:
        _check_name(where, name)
    return tuple(_parse_variant(where.at(name), name, value) for name, value in body.items())


def parse_scenario(data: Any, path: Path) -> Scenario:
    """A scenario from parsed (marked) YAML; relative file names resolve next to `path`."""
    top = Where(str(path), data)
    doc = _mapping(top, (), data, "a mapping with baseline and variants")
    for key in doc:
        if key not in _TOP_KEYS:
            raise top.error((key,), f"unknown key (known: {', '.join(_TOP_KEYS)})")
    if "baseline" not in doc:
        raise top.error((), "missing key: baseline")
    try:
        sweep = Sweep.model_validate(doc.get("sweep") or {})
    except ValidationError as exc:
        raise top.at("sweep").from_validation(exc) from exc
    baseline = build_baseline(top.at("baseline"), path.parent)
    variants_at = top.at("variants") if "variants" in doc else top
    variants = _parse_variants(variants_at, doc.get("variants"))
    for variant in variants:
        apply_variant(baseline, variant)  # reports a bad id or setting now, not after solving
    return Scenario(
        name=str(doc.get("name") or path.stem),
        description=str(doc.get("description") or ""),
        path=path,
        baseline=baseline,
        variants=variants,
        sweep=sweep,
    )


def load_scenario(path: str | Path) -> Scenario:
    """Read, parse and check a scenario file."""
    path = Path(path)
    return parse_scenario(load_marked_file(path), path)
