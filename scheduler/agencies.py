"""Agencies as data: the shipped agency files and user-written ones load through one path.

`get_agency(id)` looks in the agencies that ship with offduty, then in the folder named by
`OFFDUTY_AGENCIES_DIR` (read at every call, so a change of the variable or of a file takes effect
at once; a parsed file is cached by its path, modification time and size). Every command, the
import, the store and the service resolve agencies here, so a folder's agency works everywhere.

Rules of the folder:

- A file is named after its agency's id: `<id>.yaml`, `<id>.yml` or `<id>.json`; the `id` inside
  must match the name (then an agency is found without reading every file).
- There is no precedence: an id defined twice (in the folder and shipped, or by two files of the
  folder) is an error naming both files when that agency is asked for. A city that wants other
  terms than a shipped agency's writes them under its own id.
- A file that does not validate is an error naming the file and the field when its agency is
  asked for; the other agencies keep working, and `agency_entries()` lists it as broken.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from models.agency import Agency
from models.common import InputError
from scheduler.problem_io import parse, read_data

log = logging.getLogger(__name__)

AGENCIES_DIR_ENV = "OFFDUTY_AGENCIES_DIR"
AGENCY_SUFFIXES = (".yaml", ".yml", ".json")
_DATA = "data/agencies"


class AgencyFileError(InputError):
    """An agency file of the folder that cannot be used: `str()` names the file and the field
    (for the command line); `public` says the same without the server's paths (for the API)."""

    def __init__(self, field: str, message: str, public: str) -> None:
        super().__init__(field, message)
        self.public = public


@dataclass(frozen=True)
class AgencyEntry:
    """One agency file offduty knows: its id, where it comes from, and the agency or the problem."""

    id: str
    source: str  # "shipped", or the folder file's path
    agency: Agency | None
    problem: str | None


@cache
def _shipped_ids() -> tuple[str, ...]:
    folder = resources.files("scheduler").joinpath(_DATA)
    names = (p.name for p in folder.iterdir())
    return tuple(sorted(name.removesuffix(".yaml") for name in names if name.endswith(".yaml")))


def shipped_agency_ids() -> list[str]:
    """Ids of the agencies that ship with offduty, sorted."""
    return list(_shipped_ids())


def agencies_dir() -> Path | None:
    """The folder `OFFDUTY_AGENCIES_DIR` names, or None when unset; a folder that is not one is
    an input error naming the variable."""
    value = os.environ.get(AGENCIES_DIR_ENV, "").strip()
    if not value:
        return None
    folder = Path(value)
    if not folder.is_dir():
        raise InputError(AGENCIES_DIR_ENV, f"{value} is not a folder")
    return folder


def folder_files(folder: Path) -> dict[str, list[Path]]:
    """The folder's agency files by the id their name gives, in name order."""
    files: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix in AGENCY_SUFFIXES and not path.name.startswith(".") and path.is_file():
            files.setdefault(path.stem, []).append(path)
    return files


def known_agency_ids() -> list[str]:
    """Ids of the shipped agencies and of the folder's files (broken ones too), sorted."""
    folder = agencies_dir()
    user = folder_files(folder) if folder is not None else {}
    return sorted(set(_shipped_ids()) | set(user))


def parse_agency(data: Any, source: str = "agency") -> Agency:
    """Validate an agency mapping; errors name the source and the field."""
    return parse(Agency, data, source)


def load_agency_file(path: str | Path) -> Agency:
    """Load a user-written agency file (YAML or JSON), validated like the shipped ones."""
    return parse(Agency, _agency_data(path), str(path))


def _agency_data(path: str | Path) -> Any:
    """A file's plain data; a folder, a missing or unparsable file is one input error."""
    if Path(path).is_dir():
        raise InputError(str(path), "is a folder, not an agency file")
    return read_data(path)


def check_agency_file(path: str | Path) -> tuple[Agency | None, list[str]]:
    """The file's agency, or every problem of it, one line per field (`FILE: field: what`).

    A file that cannot be read or parsed is one problem; a mapping that does not validate gives
    one line per bad field, where `load_agency_file` stops at the first.
    """
    try:
        data = _agency_data(path)
    except InputError as exc:
        return None, [str(exc)]
    try:
        return Agency.model_validate(data), []
    except ValidationError as exc:
        return None, [_problem_line(path, err) for err in exc.errors(include_url=False)]


def _problem_line(path: str | Path, err: Any) -> str:
    field = _field(tuple(err.get("loc", ())))
    message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    return f"{path}: {field}: {message}" if field else f"{path}: {message}"


def _field(loc: tuple[int | str, ...]) -> str:
    """A pydantic location as the field path the docs use (`rates.regular`, `holidays[0]`)."""
    text = ""
    for key in loc:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


def get_agency(agency_id: str) -> Agency:
    """The agency of that id, shipped or from the folder; unknown, twice defined or broken is an
    input error naming the files (and the field) at fault."""
    folder = agencies_dir()
    user = folder_files(folder).get(agency_id, []) if folder is not None else []
    shipped = agency_id in _shipped_ids()
    if (shipped and user) or len(user) > 1:
        _defined_twice(agency_id, ([_shipped_path(agency_id)] if shipped else []) + user)
    if shipped:
        return _shipped_agency(agency_id)
    if user:
        return folder_agency(user[0])
    known = ", ".join(known_agency_ids())
    raise InputError("agency", f"unknown agency {agency_id!r} (known: {known})")


def _defined_twice(agency_id: str, paths: list[str | Path]) -> None:
    both = " and ".join(str(p) for p in paths)
    raise AgencyFileError("agency", f"{agency_id!r} is defined twice: {both}; give one of them "
                                    "another id (and file name)",
                          f"agency {agency_id!r} is defined twice in the service's agencies")


def _shipped_path(agency_id: str) -> str:
    return str(resources.files("scheduler").joinpath(f"{_DATA}/{agency_id}.yaml"))


@cache
def _shipped_agency(agency_id: str) -> Agency:
    text = resources.files("scheduler").joinpath(f"{_DATA}/{agency_id}.yaml").read_text("utf-8")
    return parse_agency(yaml.safe_load(text), f"{agency_id}.yaml")


def folder_agency(path: Path) -> Agency:
    """A folder file's agency, cached until the file changes; its id must match its name."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise InputError(str(path), f"cannot read file: {exc.strerror}") from exc
    return _folder_agency_cached(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=128)
def _folder_agency_cached(path: str, _mtime_ns: int, _size: int) -> Agency:
    stem = Path(path).stem
    try:
        agency = load_agency_file(path)
    except InputError as exc:
        inner = exc.field.removeprefix(path).removeprefix(": ")
        raise AgencyFileError(exc.field, exc.message, f"agency {stem!r} cannot be used: its file "
                              f"does not validate ({inner + ': ' if inner else ''}{exc.message})"
                              ) from exc
    if agency.id != stem:
        raise AgencyFileError(f"{path}: id", f"{agency.id!r} does not match the file name; a "
                              f"folder's file is named after its id ({agency.id}.yaml)",
                              f"agency {stem!r} cannot be used: its file holds the id "
                              f"{agency.id!r}")
    log.debug("agency %s loaded from %s", agency.id, path)
    return agency


def agency_entries() -> list[AgencyEntry]:
    """Every agency offduty knows, shipped first then the folder's, each loaded or its problem."""
    entries = [AgencyEntry(i, "shipped", _shipped_agency(i), None) for i in _shipped_ids()]
    folder = agencies_dir()
    for agency_id, paths in (folder_files(folder) if folder is not None else {}).items():
        for path in paths:
            entries.append(_folder_entry(agency_id, path))
    return entries


def _folder_entry(agency_id: str, path: Path) -> AgencyEntry:
    try:
        return AgencyEntry(agency_id, str(path), get_agency(agency_id), None)
    except InputError as exc:
        return AgencyEntry(agency_id, str(path), None, str(exc))


def is_agency_file(value: str) -> bool:
    """`--agency` names a file when it ends in .yaml/.yml/.json or holds a path separator."""
    return value.lower().endswith(AGENCY_SUFFIXES) or "/" in value or os.sep in value


def agency_from_arg(value: str) -> Agency:
    """The agency an `--agency` value names: a file's (validated), else the known id's."""
    return load_agency_file(value) if is_agency_file(value) else get_agency(value)


def resolve_agency(agency: str | Agency) -> Agency:
    """An agency object as given, or the known agency (shipped or folder) with that id."""
    return agency if isinstance(agency, Agency) else get_agency(agency)
