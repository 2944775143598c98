"""Baseline problems from files: a whole problem file, and errors located inside data files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.common import InputError
from scenarios.spec import load_scenario

DATA = Path(__file__).parent / "data"
STAFF_FILE = "baseline:\n  agency: kennesaw-ga\n  officers: staff.json\n  requests: []\n"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_whole_problem_from_a_relative_file(tmp_path: Path) -> None:
    officers = json.loads((DATA / "forced-officers.json").read_text(encoding="utf-8"))
    problem = {"agency": "rockport-tx", "officers": officers, "policy": {"min_hours": 3}}
    (tmp_path / "data").mkdir()
    _write(tmp_path / "data", "week.json", json.dumps(problem))
    text = "baseline:\n  problem: data/week.json\n  policy: {supervisor_at: 2}\n"
    path = _write(tmp_path, "s.yaml", text)
    baseline = load_scenario(path).baseline
    assert [o.id for o in baseline.officers] == ["A", "B", "C"]
    # The file's policy stays; the scenario's override is added on top.
    assert baseline.policy.model_dump(exclude_none=True) == {"min_hours": 3, "supervisor_at": 2}
    assert load_scenario(path).variants == ()


def test_wrapped_list_in_a_data_file(tmp_path: Path) -> None:
    officers = (DATA / "forced-officers.json").read_text(encoding="utf-8")
    _write(tmp_path, "staff.json", '{"officers": ' + officers + "}")
    path = _write(tmp_path, "s.yaml", STAFF_FILE)
    assert len(load_scenario(path).baseline.officers) == 3


def test_bad_value_in_a_data_file_names_that_file_and_line(tmp_path: Path) -> None:
    text = (DATA / "forced-officers.json").read_text(encoding="utf-8")
    staff = _write(tmp_path, "staff.json", text.replace('"rank": "sergeant"', '"rank": "chief"'))
    path = _write(tmp_path, "s.yaml", STAFF_FILE)
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert str(err.value).startswith(f"{staff}:2: [0].rank: Input should be 'officer'")


def test_officers_need_agency_and_requests(tmp_path: Path) -> None:
    path = _write(tmp_path, "s.yaml", "baseline:\n  agency: kennesaw-ga\n  officers: []\n")
    with pytest.raises(InputError, match=r"s\.yaml:2: baseline: missing key: requests"):
        load_scenario(path)


def test_agency_is_only_for_the_officers_form(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "s.yaml", "baseline:\n  problem: {agency: rockport-tx}\n  agency: kennesaw-ga\n"
    )
    with pytest.raises(InputError, match=r"s\.yaml:3: baseline\.agency: only with officers"):
        load_scenario(path)
