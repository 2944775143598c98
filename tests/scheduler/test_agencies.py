"""Agencies as data: the shipped files, and a user-written file through the same validation."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest
import yaml

from models.common import InputError
from scheduler.agencies import get_agency, load_agency_file, shipped_agency_ids


def rockport_data() -> dict[str, object]:
    text = resources.files("scheduler").joinpath("data/agencies/rockport-tx.yaml").read_text()
    data: dict[str, object] = yaml.safe_load(text)
    return data


def test_the_shipped_agencies() -> None:
    assert shipped_agency_ids() == ["kennesaw-ga", "rockport-tx"]
    kennesaw = get_agency("kennesaw-ga")
    assert (kennesaw.rates.regular, kennesaw.rates.traffic_emergency) == (
        Decimal("76.05"), Decimal("105.30"))
    assert kennesaw.rates.vehicle_moving_per_mile is None
    assert get_agency("rockport-tx").policy.min_hours == 2


def test_an_unknown_agency_names_the_known_ones() -> None:
    with pytest.raises(InputError, match=r"unknown agency 'dallas-tx' \(known: kennesaw-ga, "):
        get_agency("dallas-tx")


def test_a_user_written_agency_file_loads_like_the_shipped_ones(tmp_path: Path) -> None:
    data = rockport_data() | {"id": "port-aransas-tx", "name": "Port Aransas (TX) PD"}
    path = tmp_path / "port-aransas.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    agency = load_agency_file(path)
    assert (agency.id, agency.rates.regular, agency.time_zone) == (
        "port-aransas-tx", Decimal("56.50"), "America/Chicago")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone: unknown time zone 'Mars/Olympus'"),
        ({"rates": {"regular": "-1", "holiday": "67.80", "admin_fee_per_hour": "8"}},
         "rates.regular: Input should be greater than 0"),
        ({"holidays": ["boxing_day"]}, "holidays[0]: Input should be"),
    ],
)
def test_a_bad_agency_file_names_the_file_and_the_field(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(rockport_data() | change), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_agency_file(path)
    assert str(caught.value).startswith(f"{path}: {message}")


def test_a_file_that_is_not_yaml_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken.yaml: not valid yaml"):
        load_agency_file(path)
