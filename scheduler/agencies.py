"""Agencies as data: the shipped agency files and user-written ones load through one path."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from models.agency import Agency
from models.common import InputError
from scheduler.problem_io import parse, read_data

_DATA = "data/agencies"


def shipped_agency_ids() -> list[str]:
    """Ids of the agencies that ship with offduty, sorted."""
    folder = resources.files("scheduler").joinpath(_DATA)
    names = (p.name for p in folder.iterdir())
    return sorted(name.removesuffix(".yaml") for name in names if name.endswith(".yaml"))


def parse_agency(data: Any, source: str = "agency") -> Agency:
    """Validate an agency mapping; errors name the source and the field."""
    return parse(Agency, data, source)


def load_agency_file(path: str | Path) -> Agency:
    """Load a user-written agency file (YAML or JSON), validated like the shipped ones."""
    return parse(Agency, read_data(path), str(path))


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
