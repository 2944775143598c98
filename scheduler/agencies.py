"""Agencies as data: the shipped agency files and user-written ones load through one path."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from models.agency import Agency
from models.common import InputError, describe_validation_error

_DATA = "data/agencies"


def shipped_agency_ids() -> list[str]:
    """Ids of the agencies that ship with offduty, sorted."""
    folder = resources.files("scheduler").joinpath(_DATA)
    names = (p.name for p in folder.iterdir())
    return sorted(name.removesuffix(".yaml") for name in names if name.endswith(".yaml"))


def parse_agency(data: Any, source: str = "agency") -> Agency:
    """Validate an agency mapping; errors name the source and the field."""
    try:
        return Agency.model_validate(data)
    except ValidationError as exc:
        err = describe_validation_error(exc, data)
        raise InputError(f"{source}: {err.field}" if err.field else source, err.message) from exc


def load_agency_file(path: str | Path) -> Agency:
    """Load a user-written agency file (YAML or JSON), validated like the shipped ones."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError("agency", f"cannot read {path}: {exc.strerror}") from exc
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        kind = path.suffix.lstrip(".") or "YAML"
        raise InputError(str(path), f"not valid {kind}: {exc}") from exc
    return parse_agency(data, str(path))


@cache
def get_agency(agency_id: str) -> Agency:
    """A shipped agency by id; an unknown id is an input error naming the known ones."""
    if agency_id not in shipped_agency_ids():
        known = ", ".join(shipped_agency_ids())
        raise InputError("agency", f"unknown agency {agency_id!r} (known: {known})")
    text = resources.files("scheduler").joinpath(f"{_DATA}/{agency_id}.yaml").read_text("utf-8")
    return parse_agency(yaml.safe_load(text), f"{agency_id}.yaml")


def resolve_agency(agency: str | Agency) -> Agency:
    """An agency object as given, or the shipped agency with that id."""
    return agency if isinstance(agency, Agency) else get_agency(agency)
