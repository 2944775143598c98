"""Numbers at their extremes: every one is a 422 naming its field, never a 500.

Each case writes one raw JSON number into a valid body (`Infinity`, `NaN` and `1e999` are what
a JSON parser may hand over as a float) and checks the answer's location and message. Lists far
beyond their cap are refused with one error at once; a body of thousands of bad items lists the
first 50 errors and counts the rest.
"""

from __future__ import annotations

import json
from copy import deepcopy
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import examples
from tests.api.conftest import ALL

MARK = "__RAW_NUMBER__"


def _send(client: TestClient, path: str, body: dict[str, Any], raw: str) -> Any:
    text = json.dumps(body).replace(json.dumps(MARK), raw)
    return client.post(path, content=text, headers={**ALL, "Content-Type": "application/json"})


def _put(body: dict[str, Any], where: list[str | int]) -> dict[str, Any]:
    body = deepcopy(body)
    node: Any = body
    for key in where[:-1]:
        node = node.setdefault(key, {}) if isinstance(key, str) else node[key]
    node[where[-1]] = MARK
    return body


PROPOSE = "/v1/rosters/propose"
VALIDATE = "/v1/requests/validate"
QUOTES = "/v1/quotes"

# (route, field path, raw JSON number, the end of the message pydantic gives)
CASES = [
    (PROPOSE, ["officers", 0, "hours_to_date"], "Infinity", "finite number"),
    (PROPOSE, ["officers", 0, "hours_to_date"], "1e999", "finite number"),
    (PROPOSE, ["officers", 0, "hours_to_date"], "NaN", "finite number"),
    (PROPOSE, ["officers", 0, "hours_to_date"], "100000.5", "less than or equal to 100000"),
    (PROPOSE, ["officers", 0, "hours_to_date"], "-1", "greater than or equal to 0"),
    (PROPOSE, ["officers", 0, "max_hours_per_week"], "1e999", "finite number"),
    (PROPOSE, ["officers", 0, "max_hours_per_week"], "169", "less than or equal to 168"),
    (PROPOSE, ["policy", "max_hours_per_week"], "Infinity", "finite number"),
    (PROPOSE, ["policy", "max_hours_per_week"], "1e308", "less than or equal to 168"),
    (PROPOSE, ["policy", "max_hours_per_day"], "1e308", "less than or equal to 24"),
    (PROPOSE, ["policy", "min_hours"], "1e308", "less than or equal to 24"),
    (PROPOSE, ["policy", "travel_gap_minutes"], "1" + "0" * 30, "less than or equal to 1440"),
    (PROPOSE, ["policy", "supervisor_at"], "1" + "0" * 30, "less than or equal to 500"),
    (PROPOSE, ["requests", 0, "vehicle", "miles"], "1e30", "less than or equal to 100000"),
    (PROPOSE, ["options", "time_limit_s"], "Infinity", "finite number"),
    (VALIDATE, ["policy", "lead_time_hours"], "1e12", "less than or equal to 8760"),
    (VALIDATE, ["policy", "lead_time_hours"], "1e999", "finite number"),
    (VALIDATE, ["request", "vehicle", "miles"], "1e30", "less than or equal to 100000"),
    (QUOTES, ["vehicle", "miles"], "1e30", "less than or equal to 100000"),
    (QUOTES, ["officers"], "1e999", "finite number"),
]


def _base(path: str, small: dict[str, Any]) -> dict[str, Any]:
    if path == PROPOSE:
        return small
    if path == VALIDATE:
        return deepcopy(examples.VALIDATE_EXAMPLES["bar_inside"]["value"])
    return deepcopy(examples.QUOTE_REQUEST)


@pytest.mark.parametrize(("path", "where", "raw", "says"), CASES)
def test_extreme_number_is_422_naming_its_field(
    client: TestClient,
    small: dict[str, Any],
    path: str,
    where: list[str | int],
    raw: str,
    says: str,
) -> None:
    response = _send(client, path, _put(_base(path, small), where), raw)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["omitted"] == 0
    (detail,) = body["detail"]
    assert detail["loc"] == ["body", *where]
    assert detail["msg"].endswith(says), detail["msg"]


def test_inline_agency_rate_beyond_the_money_range_is_422(
    client: TestClient, small: dict[str, Any]
) -> None:
    agency = client.get("/v1/agencies/rockport-tx", headers=ALL).json()
    small["agency"] = {
        key: agency[key]
        for key in ("id", "name", "time_zone", "currency", "rates", "policy")
    } | {"holidays": []}
    small["agency"]["rates"]["contract_rates"] = {"ACME": "1e999"}
    small["agency"]["rates"]["regular"] = "10000.01"
    response = client.post(PROPOSE, json=small, headers=ALL)
    assert response.status_code == 422
    locs = {tuple(d["loc"]) for d in response.json()["detail"]}
    rates = ("body", "agency", "Agency", "rates")
    assert (*rates, "contract_rates", "ACME") in locs
    assert (*rates, "regular") in locs


def test_half_a_million_officers_is_one_error_at_once(client: TestClient) -> None:
    body = {"agency": "kennesaw-ga", "officers": [0] * 490_000}
    text = json.dumps(body, separators=(",", ":"))
    assert len(text) < 1_000_000
    headers = {**ALL, "Content-Type": "application/json"}
    response = client.post(PROPOSE, content=text, headers=headers)
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{
            "loc": ["body", "officers"],
            "msg": "List should have at most 10000 items after validation, not 490000",
            "type": "too_long",
        }],
        "omitted": 0,
    }


def test_thousands_of_bad_items_list_the_first_50_and_count_the_rest(
    client: TestClient,
) -> None:
    body = {"agency": "kennesaw-ga", "officers": [0] * 9_000}
    response = client.post(PROPOSE, json=body, headers=ALL)
    assert response.status_code == 422
    answer = response.json()
    assert len(answer["detail"]) == 50
    assert answer["omitted"] == 8_950
    assert answer["detail"][0]["loc"] == ["body", "officers", 0]
    assert answer["detail"][49]["loc"] == ["body", "officers", 49]
    assert len(response.content) < 10_000


def test_a_nul_character_is_422_naming_its_item(
    client: TestClient, small: dict[str, Any]
) -> None:
    # PostgreSQL refuses NUL in text and JSON: a durable job holding one would fail at write.
    body = deepcopy(small)
    body["officers"][0]["name"] = "A\u0000B"
    response = client.post(PROPOSE, json=body, headers=ALL)
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["body", "officers", 0]
    assert detail["msg"] == r"name: holds a NUL character (\u0000)"
