"""Agencies a user adds: the `OFFDUTY_AGENCIES_DIR` folder beside the shipped agencies.

The third city is `tests/data/agencies/pine-hollow-or.yaml`, copied into a temporary folder per
test; the variable is set with monkeypatch, so nothing leaks between tests.
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from models.common import InputError
from models.quote import QuoteRequest
from scheduler.agencies import (
    AGENCIES_DIR_ENV,
    agency_entries,
    check_agency_file,
    get_agency,
    is_agency_file,
    known_agency_ids,
    resolve_agency,
    shipped_agency_ids,
)
from scheduler.pricing.rates import quote

DATA = Path(__file__).resolve().parents[1] / "data" / "agencies"
PINE_HOLLOW = DATA / "pine-hollow-or.yaml"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding the third city, named by the variable."""
    folder = tmp_path / "agencies"
    folder.mkdir()
    shutil.copy(PINE_HOLLOW, folder / "pine-hollow-or.yaml")
    monkeypatch.setenv(AGENCIES_DIR_ENV, str(folder))
    return folder


def test_a_folder_agency_is_found_by_id(folder: Path) -> None:
    agency = get_agency("pine-hollow-or")
    assert (agency.name, agency.time_zone, agency.rates.regular, agency.policy.min_hours) == (
        "Pine Hollow (OR) Police Department", "America/Los_Angeles", Decimal("62.40"), 3)
    assert resolve_agency("pine-hollow-or") is agency  # cached while the file is unchanged
    assert known_agency_ids() == ["kennesaw-ga", "pine-hollow-or", "rockport-tx"]
    assert shipped_agency_ids() == ["kennesaw-ga", "rockport-tx"]


def test_without_the_variable_only_the_shipped_agencies_are_known(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert get_agency("pine-hollow-or").id == "pine-hollow-or"
    monkeypatch.delenv(AGENCIES_DIR_ENV)
    with pytest.raises(InputError) as caught:
        get_agency("pine-hollow-or")
    assert str(caught.value) == (
        "agency: unknown agency 'pine-hollow-or' (known: kennesaw-ga, rockport-tx)")


def test_an_edited_file_is_read_again(folder: Path) -> None:
    path = folder / "pine-hollow-or.yaml"
    assert get_agency("pine-hollow-or").rates.regular == Decimal("62.40")
    path.write_text(path.read_text(encoding="utf-8").replace('"62.40"', '"64.90"'), "utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert get_agency("pine-hollow-or").rates.regular == Decimal("64.90")


def test_an_id_also_shipped_is_an_error_naming_both_files(folder: Path) -> None:
    text = PINE_HOLLOW.read_text(encoding="utf-8").replace("id: pine-hollow-or", "id: rockport-tx")
    (folder / "rockport-tx.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        get_agency("rockport-tx")
    message = str(caught.value)
    assert message.startswith("agency: 'rockport-tx' is defined twice: ")
    assert "scheduler/data/agencies/rockport-tx.yaml and " in message
    assert message.endswith(f"{folder / 'rockport-tx.yaml'}; give one of them another id "
                            "(and file name)")
    assert get_agency("kennesaw-ga").id == "kennesaw-ga"  # the other agencies keep working


def test_two_folder_files_of_one_id_are_an_error_naming_both(folder: Path) -> None:
    shutil.copy(PINE_HOLLOW, folder / "pine-hollow-or.yml")
    with pytest.raises(InputError) as caught:
        get_agency("pine-hollow-or")
    assert str(caught.value) == (
        f"agency: 'pine-hollow-or' is defined twice: {folder / 'pine-hollow-or.yaml'} and "
        f"{folder / 'pine-hollow-or.yml'}; give one of them another id (and file name)")


def test_a_broken_folder_file_names_the_file_and_the_field(folder: Path) -> None:
    path = folder / "pine-hollow-or.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "time_zone: America/Los_Angeles", "time_zone: Pacific/Nowhere"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        get_agency("pine-hollow-or")
    assert str(caught.value) == f"{path}: time_zone: unknown time zone 'Pacific/Nowhere'"


def test_a_file_named_other_than_its_id_is_refused(folder: Path) -> None:
    (folder / "pine-hollow-or.yaml").rename(folder / "pine-hollow.yaml")
    with pytest.raises(InputError) as caught:
        get_agency("pine-hollow")
    assert str(caught.value) == (
        f"{folder / 'pine-hollow.yaml'}: id: 'pine-hollow-or' does not match the file name; a "
        "folder's file is named after its id (pine-hollow-or.yaml)")


def test_a_variable_that_names_no_folder_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(AGENCIES_DIR_ENV, str(tmp_path / "missing"))
    with pytest.raises(InputError) as caught:
        get_agency("kennesaw-ga")
    assert str(caught.value) == f"OFFDUTY_AGENCIES_DIR: {tmp_path / 'missing'} is not a folder"


def test_entries_list_the_source_and_flag_a_broken_file(folder: Path) -> None:
    # name, time_zone, rates, holidays and policy are missing: the first is named, 4 more counted
    (folder / "harbor-city-ca.json").write_text('{"id": "harbor-city-ca"}', encoding="utf-8")
    (folder / "notes.txt").write_text("not an agency", encoding="utf-8")
    entries = [(e.id, e.source, e.agency is not None, e.problem) for e in agency_entries()]
    assert entries == [
        ("kennesaw-ga", "shipped", True, None),
        ("rockport-tx", "shipped", True, None),
        ("harbor-city-ca", str(folder / "harbor-city-ca.json"), False,
         f"{folder / 'harbor-city-ca.json'}: name: Field required (and 4 more problems)"),
        ("pine-hollow-or", str(folder / "pine-hollow-or.yaml"), True, None),
    ]


def test_the_third_city_is_quoted_to_the_cent(folder: Path) -> None:
    # Juneteenth (Friday 19 June 2026) 22:00 - 00:30 PDT, 2 officers, a static vehicle:
    # holiday 2 x 2 h = 4 h x 80.10 = 320.40; regular 2 x 0.5 h = 1 h x 62.40 = 62.40;
    # padding to the 3 h minimum 2 x 0.5 h at the start's rate (holiday) = 1 h x 80.10 = 80.10;
    # vehicle 2 x 3 billable h = 6 h x 12.35 = 74.10; total 537.00.
    request = QuoteRequest(
        agency="pine-hollow-or", start=datetime.fromisoformat("2026-06-19T22:00:00-07:00"),
        end=datetime.fromisoformat("2026-06-20T00:30:00-07:00"),
        received_at=datetime.fromisoformat("2026-06-01T09:00:00-07:00"), officers=2,
        vehicle={"kind": "static"},
    )
    result = quote(request)
    assert [(line.rate_type, line.quantity, line.amount) for line in result.lines] == [
        ("regular", Decimal("1"), Decimal("62.40")),
        ("holiday", Decimal("4"), Decimal("320.40")),
        ("minimum_padding", Decimal("1"), Decimal("80.10")),
        ("vehicle_static", Decimal("6"), Decimal("74.10")),
    ]
    assert (result.total, result.emergency, result.holiday_hours) == (Decimal("537.00"), False, 2)


def test_check_lists_every_bad_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(PINE_HOLLOW.read_text(encoding="utf-8")
                    .replace('regular: "62.40"', 'regular: "-5"')
                    .replace("  - juneteenth\n", "  - boxing_day\n")
                    .replace("  min_hours: 3\n", ""), encoding="utf-8")
    agency, problems = check_agency_file(path)
    assert agency is None
    assert problems == [
        f"{path}: rates.regular: Input should be greater than 0",
        f"{path}: holidays[3]: Input should be 'new_years_eve', 'new_years_day', 'mlk_day', "
        "'presidents_day', 'good_friday', 'easter_sunday', 'memorial_day', 'juneteenth', "
        "'independence_day', 'labor_day', 'columbus_day', 'veterans_day', 'thanksgiving', "
        "'day_after_thanksgiving', 'christmas_eve' or 'christmas_day'",
        f"{path}: policy.min_hours: Field required",
    ]


@pytest.mark.parametrize(
    ("write", "problem"),
    [
        (None, "{path}: cannot read file: No such file or directory"),
        ("folder", "{path}: is a folder, not an agency file"),
        ("id: [open\n", "{path}: not valid yaml: expected ',' or ']', but got '<stream end>' "
                        "(line 2, column 1)"),
        ("- a list\n", "{path}: Input should be a valid dictionary or instance of Agency"),
    ],
)
def test_check_gives_one_line_for_a_file_it_cannot_use(
    tmp_path: Path, write: str | None, problem: str
) -> None:
    path = tmp_path / "city.yaml"
    if write == "folder":
        path.mkdir()
    elif write is not None:
        path.write_text(write, encoding="utf-8")
    assert check_agency_file(path) == (None, [problem.format(path=path)])


@pytest.mark.parametrize(
    ("value", "is_file"),
    [("pine-hollow-or", False), ("kennesaw-ga", False), ("city.yaml", True), ("city.YML", True),
     ("city.json", True), ("./city", True), ("agencies/city", True)],
)
def test_a_value_is_a_file_by_its_suffix_or_a_separator(value: str, is_file: bool) -> None:
    assert is_agency_file(value) is is_file
