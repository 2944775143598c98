"""Scenario files: the three baseline forms, variants, and every mistake as FILE:LINE: key."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from models.common import InputError
from scenarios.changes import AddDemand, RemoveOfficers
from scenarios.spec import load_scenario

DATA = Path(__file__).parent / "data"
FORCED = DATA / "forced.yaml"


def _variant_file(tmp_path: Path, variants: str, baseline: str | None = None) -> Path:
    """The forced scenario with its variants (and optionally its baseline) replaced."""
    shutil.copy(DATA / "forced-officers.json", tmp_path)
    text = FORCED.read_text(encoding="utf-8")
    head = text[: text.index("variants:")]
    if baseline is not None:
        head = head[: head.index("baseline:")] + baseline
    path = tmp_path / "s.yaml"
    path.write_text(head + "variants:\n" + variants, encoding="utf-8")
    return path


def _error(path: Path) -> str:
    with pytest.raises(InputError) as err:
        load_scenario(path)
    return str(err.value)


def test_forced_scenario_loads_with_officers_from_a_relative_file() -> None:
    scenario = load_scenario(FORCED)
    assert scenario.name == "forced"
    assert [o.id for o in scenario.baseline.officers] == ["A", "B", "C"]
    assert [r.id for r in scenario.baseline.requests] == ["R1", "R2"]
    assert scenario.baseline.options.time_limit_s == 5
    assert [v.name for v in scenario.variants] == [
        "without-b", "two-hour-minimum", "eighty-dollars", "surge", "absences"
    ]
    assert scenario.variant("without-b").description == "B leaves; nobody else may take R2."
    assert [v.is_random for v in scenario.variants] == [False, False, False, False, True]


def test_changes_are_parsed_in_order_with_their_lines() -> None:
    scenario = load_scenario(FORCED)
    removal = scenario.variant("without-b").changes[0]
    assert removal.kind == "remove_officers"
    assert removal.change == RemoveOfficers(ids=["B"])
    assert removal.where == f"{FORCED}:25"
    surge = scenario.variant("surge").changes[0].change
    assert isinstance(surge, AddDemand)
    assert (surge.dates, surge.start.isoformat()) == ([date(2026, 12, 8)], "08:00:00")


def test_unknown_variant_lists_the_known() -> None:
    with pytest.raises(InputError, match=r"no variant 'x' .*known: without-b, two-hour-minimum"):
        load_scenario(FORCED).variant("x")


def test_generator_baseline(tmp_path: Path) -> None:
    baseline = (
        "baseline:\n"
        "  generator: {officers: 6, requests: 5, days: 2, seed: 4, agency: rockport-tx}\n"
        "  policy: {min_hours: 3}\n"
    )
    path = _variant_file(tmp_path, "  none:\n    - policy: {min_hours: 2}\n", baseline)
    scenario = load_scenario(path)
    assert (len(scenario.baseline.officers), len(scenario.baseline.requests)) == (6, 5)
    assert (scenario.baseline.agency, scenario.baseline.policy.min_hours) == ("rockport-tx", 3)


def test_inline_problem_baseline(tmp_path: Path) -> None:
    baseline = "baseline:\n  problem: {agency: rockport-tx}\n  options: {seed: 9}\n"
    path = _variant_file(tmp_path, "  v:\n    - policy: {min_hours: 2}\n", baseline)
    scenario = load_scenario(path)
    assert (scenario.baseline.agency, scenario.baseline.options.seed) == ("rockport-tx", 9)


@pytest.mark.parametrize(
    ("variants", "message"),
    [
        ("  v:\n    - remove_officers: {rank: chief}\n",
         ":23: variants.v[0].remove_officers.rank[0]: Input should be 'officer'"),
        ("  v:\n    - add_demand: {dates: [2026-12-08], start: 08:00, hours: 4, colour: red}\n",
         ":23: variants.v[0].add_demand.colour: unknown key"),
        ("  v:\n    - policy: {min_hours: 2}\n    - teleport: {}\n",
         ":24: variants.v[1].teleport: unknown change (known: remove_officers,"),
        ("  v:\n    - unavailable: {dates: [2026-12-08], ids: [Z]}\n",
         ":23: variants.v[0].unavailable.ids: unknown officer Z"),
        ("  v:\n    - policy: {supervisor_at: 0}\n",
         ":23: variants.v[0].policy.supervisor_at: Input should be greater than or equal to 1"),
        ("  v:\n    - rates: {regular: '-1'}\n",
         ":23: variants.v[0].rates.regular: Input should be"),
        ("  v:\n    description: x\n    chnages: []\n", ":24: variants.v.chnages: unknown key"),
        ("  baseline:\n    - policy: {min_hours: 2}\n", ":22: variants.baseline: 'baseline' names"),
        ("  v: []\n", ":22: variants.v: expected a non-empty list of changes"),
        ("  v:\n    - scale_demand: {factor: 0.5, mode: duplicate}\n",
         ":23: variants.v[0].scale_demand: duplicate needs a factor of at least 1"),
    ],
)
def test_mistakes_name_file_line_and_key(tmp_path: Path, variants: str, message: str) -> None:
    path = _variant_file(tmp_path, variants)
    error = _error(path)
    assert error.startswith(str(path) + message), error


def test_bad_baseline_values_are_located(tmp_path: Path) -> None:
    path = _variant_file(tmp_path, "  v:\n    - policy: {min_hours: 2}\n")
    text = path.read_text(encoding="utf-8").replace("time_limit_s: 5", "time_limit_s: -1")
    path.write_text(text.replace("name: Church", "name: Church, x: 1"), encoding="utf-8")
    assert _error(path) == f"{path}:16: baseline.requests[1].employer.x: unknown key"
    path.write_text(text, encoding="utf-8")
    assert _error(path).startswith(f"{path}:20: baseline.options.time_limit_s: Input should be")


def test_two_baseline_forms_are_refused(tmp_path: Path) -> None:
    baseline = "baseline:\n  problem: {agency: rockport-tx}\n  generator: {officers: 1}\n"
    path = _variant_file(tmp_path, "  v:\n    - policy: {min_hours: 2}\n", baseline)
    expected = ":7: baseline: give exactly one of problem, generator, or officers + requests"
    assert _error(path) == f"{path}{expected}"


def test_unknown_top_level_key(tmp_path: Path) -> None:
    path = _variant_file(tmp_path, "  v:\n    - policy: {min_hours: 2}\nvariantz: 1\n")
    known = "name, description, baseline, variants, sweep"
    assert _error(path) == f"{path}:24: variantz: unknown key (known: {known})"


def test_missing_officers_file(tmp_path: Path) -> None:
    path = _variant_file(tmp_path, "  v:\n    - policy: {min_hours: 2}\n")
    (tmp_path / "forced-officers.json").unlink()
    assert _error(path).startswith(f"{path}:8: baseline.officers: cannot read")


def test_an_officers_file_that_is_not_utf8_is_named_at_its_line(tmp_path: Path) -> None:
    # The error named the scenario file as not UTF-8, sending the user to the wrong file.
    path = _variant_file(tmp_path, "  v:\n    - policy: {min_hours: 2}\n")
    (tmp_path / "forced-officers.json").write_bytes(b"\x9e[]")
    assert _error(path) == (f"{path}:8: baseline.officers: {tmp_path / 'forced-officers.json'} "
                            "is not UTF-8 text (byte 0x9e at offset 0)")
