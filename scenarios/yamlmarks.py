"""YAML that remembers where each value came from, so errors read `FILE:LINE: key: message`.

A scenario file is written by hand; a message that names the line of the bad key saves the
reader a search. The loader below is PyYAML's SafeLoader with two changes: mappings and lists
come back as `dict`/`list` subclasses that record the 1-based line of every key and item, and a
bare clock time such as `18:00` stays a string (YAML 1.1 would read it as the base-60 int 1080).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from models.common import InputError


class MarkedDict(dict[Any, Any]):
    """A mapping with the line of itself (`line`) and of each key (`lines`)."""

    line: int = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines: dict[Any, int] = {}


class MarkedList(list[Any]):
    """A list with the line of itself (`line`) and of each item (`lines`)."""

    line: int = 0

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.lines: list[int] = []


class _Loader(yaml.SafeLoader):
    """SafeLoader whose containers carry line marks."""


# Clock times resolve to strings before the int resolver (checked in order) sees them.
_CLOCK = re.compile(r"^[0-9]{1,2}:[0-5][0-9](?::[0-5][0-9])?$")
_Loader.yaml_implicit_resolvers = copy.deepcopy(yaml.SafeLoader.yaml_implicit_resolvers)
for _digit in "0123456789":
    _Loader.yaml_implicit_resolvers.setdefault(_digit, []).insert(
        0, ("tag:yaml.org,2002:str", _CLOCK)
    )


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> MarkedDict:
    loader.flatten_mapping(node)
    result = MarkedDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise InputError(f"line {key_node.start_mark.line + 1}: {key}", "key appears twice")
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> MarkedList:
    result = MarkedList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_marked(text: str, source: str) -> Any:
    """Parse YAML text; a syntax error becomes an InputError `SOURCE:LINE: message`."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise InputError(f"{source}{line}", f"not valid YAML: {exc.problem or exc}") from exc
    except RecursionError:
        raise InputError(source, "not valid YAML: nested too deeply to read") from None
    except InputError as exc:
        # A duplicate key: the loader knows the line but not the file.
        raise InputError(f"{source}:{exc.field.removeprefix('line ')}", exc.message) from exc


def load_marked_file(path: Path) -> Any:
    """Read and parse a YAML file with line marks."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror}") from exc
    return load_marked(text, str(path))


def line_of(data: Any, loc: Sequence[int | str], default: int = 0) -> int:
    """The line of the deepest marked container or key along a pydantic-style location."""
    line = getattr(data, "line", default) or default
    node = data
    for key in loc:
        if isinstance(node, MarkedDict) and key in node:
            line = node.lines.get(key, line)
            node = node[key]
        elif isinstance(node, MarkedList) and isinstance(key, int) and 0 <= key < len(node):
            line = node.lines[key]
            node = node[key]
        else:
            break
    return line


def dotted(loc: Sequence[int | str]) -> str:
    """A location as `a.b[2].c`."""
    text = ""
    for key in loc:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


class Where:
    """Where a part of a scenario file lives: the file and its marked data, for error messages."""

    def __init__(self, source: str, data: Any, prefix: Sequence[int | str] = ()) -> None:
        self.source = source
        self.data = data
        self.prefix = tuple(prefix)

    def at(self, *loc: int | str) -> Where:
        """The part of this data at `loc` (its own marks, its key path extended)."""
        node = self.data
        for key in loc:
            node = node[key]
        return Where(self.source, node, self.prefix + loc)

    def line(self, *loc: int | str) -> int:
        return line_of(self.data, loc)

    def error(self, loc: Sequence[int | str], message: str) -> InputError:
        """An InputError `FILE:LINE: key.path: message` for the value at `loc`."""
        key = dotted(self.prefix + tuple(loc)) or "(top)"
        return InputError(f"{self.source}:{line_of(self.data, loc)}: {key}", message)

    def from_validation(self, exc: ValidationError) -> InputError:
        """The first pydantic error, located by line in this data."""
        first = exc.errors(include_url=False)[0]
        loc = tuple(first.get("loc", ()))
        message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
        if first.get("type") == "extra_forbidden":
            message = "unknown key"
        more = len(exc.errors()) - 1
        if more:
            message += f" (and {more} more problem{'s' if more > 1 else ''})"
        return self.error(loc, message)
