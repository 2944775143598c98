"""POST /v1/requests/validate: refusals with codes and messages, the emergency flag, scoping."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api import examples
from tests.api.conftest import ALL, KENNESAW, ROCKPORT

URL = "/v1/requests/validate"


def _body(name: str) -> dict[str, Any]:
    body: dict[str, Any] = examples.VALIDATE_EXAMPLES[name]["value"]
    return body


def test_bar_with_an_inside_post_is_refused_and_late_means_emergency(client: TestClient) -> None:
    response = client.post(URL, json=_body("bar_inside"), headers=KENNESAW)
    assert response.status_code == 200
    assert response.json() == examples.VALIDATE_RESPONSE


def test_policy_override_turns_a_late_request_into_a_refusal(client: TestClient) -> None:
    body = client.post(URL, json=_body("with_policy"), headers=KENNESAW).json()
    assert [hit["code"] for hit in body["refusals"]] == ["LEAD_TIME"]
    assert (body["accepted"], body["emergency"], body["late"]) == (False, False, True)
    assert body["late_request_policy"] == "refuse"


def test_every_refusal_is_listed_in_spec_order(client: TestClient) -> None:
    request = _body("bar_inside")["request"] | {
        "employer": {"id": "E-1", "category": "pawn_broker", "pending_litigation": True},
        "venue": {"within_city_limits": False, "alcohol_served": True, "post": "outside"},
    }
    body = client.post(URL, json={"agency": "kennesaw-ga", "request": request}, headers=ALL).json()
    assert [hit["code"] for hit in body["refusals"]] == [
        "PROHIBITED_EMPLOYER", "ALCOHOL_OUTSIDE_UNAPPROVED", "PENDING_LITIGATION",
        "OUT_OF_CITY_UNAPPROVED"]
    assert all(hit["message"] for hit in body["refusals"])


def test_an_acceptable_request_at_rockport_is_never_emergency(client: TestClient) -> None:
    request = _body("with_policy")["request"] | {
        "start": "2026-12-12T16:00:00-06:00", "end": "2026-12-12T20:00:00-06:00",
        "received_at": "2026-12-12T15:00:00-06:00",
    }
    body = client.post(URL, json={"agency": "rockport-tx", "request": request},
                       headers=ROCKPORT).json()
    assert (body["accepted"], body["refusals"], body["emergency"]) == (True, [], False)
    assert body["late_request_policy"] == "none"


def test_key_for_another_agency_is_403(client: TestClient) -> None:
    assert client.post(URL, json=_body("bar_inside"), headers=ROCKPORT).status_code == 403


def test_unknown_agency_and_null_policy_are_422(client: TestClient) -> None:
    unknown = client.post(URL, json=_body("bar_inside") | {"agency": "gotham-nj"}, headers=ALL)
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "agency"]
    null = client.post(URL, json=_body("bar_inside") | {"policy": {"min_hours": None}},
                       headers=ALL)
    assert null.status_code == 422
    assert null.json()["detail"][0]["loc"] == ["body", "policy"]
    assert "may not be null" in null.json()["detail"][0]["msg"]
