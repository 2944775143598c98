"""The service and the agencies folder: the third city quoted, listed and solved with a key
scoped to it (tests/data/agencies/pine-hollow-or.yaml in a folder set by monkeypatch)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.security import new_key
from models import Problem, RosterResult
from scheduler.agencies import AGENCIES_DIR_ENV
from scheduler.validate import validate
from tests.api.conftest import ALL, ENTRIES, KENNESAW, bearer

PINE_HOLLOW = Path(__file__).resolve().parents[2] / "data" / "agencies" / "pine-hollow-or.yaml"
PINE_KEY, PINE_ENTRY = new_key(["pine-hollow-or"], "pine-hollow-dispatch")
PINE = bearer(PINE_KEY)
JUNETEENTH_NIGHT = {
    "agency": "pine-hollow-or", "start": "2026-06-19T22:00:00-07:00",
    "end": "2026-06-20T00:30:00-07:00", "received_at": "2026-06-01T09:00:00-07:00",
    "officers": 2, "vehicle": {"kind": "static"},
}


@pytest.fixture
def pine_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_client: Callable[..., TestClient]
) -> TestClient:
    folder = tmp_path / "agencies"
    folder.mkdir()
    shutil.copy(PINE_HOLLOW, folder / "pine-hollow-or.yaml")
    monkeypatch.setenv(AGENCIES_DIR_ENV, str(folder))
    return make_client(api_keys=[*ENTRIES, PINE_ENTRY])


def test_the_third_city_is_quoted_with_its_own_key(pine_client: TestClient) -> None:
    response = pine_client.post("/v1/quotes", json=JUNETEENTH_NIGHT, headers=PINE)
    assert response.status_code == 200
    body = response.json()
    # Holiday 4 h x 80.10, regular 1 h x 62.40, padding 1 h at holiday, vehicle 6 h x 12.35.
    assert [(line["rate_type"], line["amount"]) for line in body["lines"]] == [
        ("regular", "62.40"), ("holiday", "320.40"), ("minimum_padding", "80.10"),
        ("vehicle_static", "74.10")]
    assert (body["total"], body["agency"]) == ("537.00", "pine-hollow-or")


def test_a_key_of_another_agency_is_403(pine_client: TestClient) -> None:
    response = pine_client.post("/v1/quotes", json=JUNETEENTH_NIGHT, headers=KENNESAW)
    assert response.status_code == 403
    assert response.json()["detail"] == "this API key does not cover agency 'pine-hollow-or'"


def test_the_list_shows_the_folder_agency_to_the_keys_that_cover_it(
    pine_client: TestClient,
) -> None:
    def ids(headers: dict[str, str]) -> list[str]:
        return [a["id"] for a in pine_client.get("/v1/agencies", headers=headers).json()[
            "agencies"]]

    assert ids(PINE) == ["pine-hollow-or"]
    assert ids(ALL) == ["kennesaw-ga", "rockport-tx", "pine-hollow-or"]


def test_the_detail_shows_its_own_holidays(pine_client: TestClient) -> None:
    response = pine_client.get("/v1/agencies/pine-hollow-or?year=2026", headers=PINE)
    assert response.status_code == 200
    body = response.json()
    assert (body["time_zone"], body["policy"]["min_hours"]) == ("America/Los_Angeles", 3)
    assert [h["date"] for h in body["holidays"]] == [
        "2026-01-01", "2026-04-03", "2026-05-25", "2026-06-19", "2026-07-04", "2026-09-07",
        "2026-11-26", "2026-12-25"]


def test_a_broken_folder_file_is_422_naming_the_field_not_the_server_path(
    pine_client: TestClient, tmp_path: Path
) -> None:
    path = tmp_path / "agencies" / "pine-hollow-or.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("min_hours: 3", "min_hours: 30"),
                    encoding="utf-8")
    response = pine_client.post("/v1/quotes", json=JUNETEENTH_NIGHT, headers=PINE)
    assert response.status_code == 422
    assert response.json()["detail"] == [{
        "loc": ["body", "agency"], "type": "value_error",
        "msg": "agency 'pine-hollow-or' cannot be used: its file does not validate "
               "(policy.min_hours: Input should be less than or equal to 24)"}]
    assert pine_client.get("/v1/agencies", headers=ALL).json()["agencies"][-1]["id"] == (
        "rockport-tx")


def test_a_problem_naming_the_folder_agency_is_solved(pine_client: TestClient) -> None:
    problem: dict[str, Any] = {
        "agency": "pine-hollow-or",
        "officers": [{"id": "PH-1", "rank": "sergeant", "availability": [
            {"start": "2026-06-19T06:00:00-07:00", "end": "2026-06-19T22:00:00-07:00"}]}],
        "requests": [{"id": "R-1", "employer": {"id": "EMP-1", "category": "grocery"},
                      "start": "2026-06-19T08:00:00-07:00", "end": "2026-06-19T10:00:00-07:00",
                      "received_at": "2026-06-01T09:00:00-07:00"}],
        "options": {"time_limit_s": 2, "num_workers": 1},
    }
    response = pine_client.post("/v1/rosters/propose", json=problem, headers=PINE)
    assert response.status_code == 200
    result = RosterResult.model_validate(response.json())
    assert validate(Problem.model_validate(problem), result).violations == []
    # Juneteenth 08:00-10:00, 2 h billed at the 3 h minimum at the holiday rate: 3 x 80.10.
    assert (result.agency, [a.officer_id for a in result.assignments]) == (
        "pine-hollow-or", ["PH-1"])
    assert str(result.pricing.total) == "240.30"
