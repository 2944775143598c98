"""The line-marking YAML loader: lines of keys and items, clock times as text, located errors."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from models.common import InputError
from scenarios.yamlmarks import MarkedDict, MarkedList, Where, dotted, line_of, load_marked

TEXT = """\
name: x
baseline:
  options:
    time_limit_s: 5
variants:
  - a
  - {b: 1}
"""


def test_keys_and_items_carry_their_lines() -> None:
    data = load_marked(TEXT, "f.yaml")
    assert isinstance(data, MarkedDict) and isinstance(data["variants"], MarkedList)
    assert data.lines == {"name": 1, "baseline": 2, "variants": 5}
    assert data["variants"].lines == [6, 7]
    assert line_of(data, ("baseline", "options", "time_limit_s")) == 4
    assert line_of(data, ("variants", 1, "b")) == 7
    # A location that goes past the data stops at the deepest line known.
    assert line_of(data, ("baseline", "options", "nothing", "here")) == 3


def test_clock_times_stay_text_but_numbers_stay_numbers() -> None:
    data = load_marked("a: 18:00\nb: 7:05:30\nc: 1080\nd: 2026-07-04\n", "f.yaml")
    assert (data["a"], data["b"], data["c"]) == ("18:00", "7:05:30", 1080)
    assert str(data["d"]) == "2026-07-04"


def test_duplicate_key_names_file_and_line() -> None:
    with pytest.raises(InputError) as err:
        load_marked("a: 1\nb: 2\na: 3\n", "f.yaml")
    assert str(err.value) == "f.yaml:3: a: key appears twice"


def test_syntax_error_names_file_and_line() -> None:
    with pytest.raises(InputError, match=r"^f\.yaml:2: not valid YAML"):
        load_marked("a: [1, 2\nb: 3\n", "f.yaml")


def test_dotted_location() -> None:
    assert dotted(("variants", "x", "changes", 2, "policy")) == "variants.x.changes[2].policy"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")
    hours: float


def test_validation_error_is_located_by_line() -> None:
    data = load_marked("top:\n  item:\n    hours: lots\n", "f.yaml")
    where = Where("f.yaml", data).at("top", "item")
    with pytest.raises(ValidationError) as exc:
        _Strict.model_validate(data["top"]["item"])
    err = where.from_validation(exc.value)
    assert str(err).startswith("f.yaml:3: top.item.hours: Input should be a valid number")


def test_unknown_key_reads_as_such() -> None:
    data = load_marked("hours: 2\ncolour: red\n", "f.yaml")
    with pytest.raises(ValidationError) as exc:
        _Strict.model_validate(data)
    assert str(Where("f.yaml", data).from_validation(exc.value)) == "f.yaml:2: colour: unknown key"
