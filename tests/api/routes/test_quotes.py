"""POST /v1/quotes: exact prices, the same JSON as `offduty quote --json`, scoping and errors."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import examples
from cli.main import main as offduty
from tests.api.conftest import ALL, KENNESAW, ROCKPORT

URL = "/v1/quotes"


def test_christmas_eve_night_late_request_is_priced_to_the_cent(client: TestClient) -> None:
    response = client.post(URL, json=examples.QUOTE_REQUEST, headers=KENNESAW)
    assert response.status_code == 200
    body = response.json()
    # 2 officers x 5 h on Christmas Eve/Day: 10 h x $99.45 = $994.50, static vehicle 10 h x $8.19.
    assert [(line["rate_type"], line["amount"]) for line in body["lines"]] == [
        ("holiday", "994.50"), ("vehicle_static", "81.90")]
    assert body["total"] == "1076.40"
    assert body["emergency"] is True
    assert body == examples.QUOTE | {"lines": body["lines"]}


def test_same_fields_as_the_cli_json(client: TestClient) -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        code = offduty(["quote", "--agency", "rockport-tx", "--start", "2026-12-05T10:00:00-06:00",
                        "--end", "2026-12-05T11:30:00-06:00", "--received",
                        "2026-12-01T10:00:00-06:00", "--json"])
    assert code == 0
    body = examples.QUOTE_REQUEST_EXAMPLES["rockport_short"]["value"]
    response = client.post(URL, json=body, headers=ROCKPORT)
    assert response.json() == json.loads(out.getvalue())
    assert response.json()["total"] == "113.00"  # 1.5 h worked, billed at the 2 h minimum


def test_key_for_another_agency_is_403(client: TestClient) -> None:
    assert client.post(URL, json=examples.QUOTE_REQUEST, headers=ROCKPORT).status_code == 403


@pytest.mark.parametrize(
    ("change", "loc", "message"),
    [
        ({"agency": "gotham-nj"}, ["body", "agency"], "unknown agency"),
        ({"customer_rate": "Nobody"}, ["body", "customer_rate"], "no contract rate 'Nobody'"),
        ({"vehicle": {"kind": "moving", "miles": 12}}, ["body", "vehicle"], "moving"),
        ({"start": "2026-12-24T20:00:00"}, ["body", "start"], "timezone"),
        ({"officers": 0}, ["body", "officers"], "greater than or equal to 1"),
        ({"end": "2026-12-24T19:00:00-05:00"}, ["body"], "is not after start"),
        ({"surprise": 1}, ["body", "surprise"], "Extra inputs are not permitted"),
    ],
)
def test_bad_input_is_422_naming_the_field(
    client: TestClient, change: dict[str, Any], loc: list[str], message: str
) -> None:
    response = client.post(URL, json=examples.QUOTE_REQUEST | change, headers=ALL)
    assert response.status_code == 422, response.text
    details = response.json()["detail"]
    assert any(d["loc"][: len(loc)] == loc and message in d["msg"] for d in details), details


CANCELLATION = {
    "agency": "kennesaw-ga", "start": "2026-12-01T08:00:00-05:00",
    "end": "2026-12-01T12:00:00-05:00", "received_at": "2026-11-20T09:00:00-05:00",
    "officers": 2, "notice_at": "2026-11-30T12:00:00-05:00", "officers_removed": 1,
}


def test_the_cancellation_example_is_what_the_service_answers(client: TestClient) -> None:
    answer = client.post("/v1/quotes/cancellation", json=examples.CANCELLATION_QUOTE_REQUEST,
                         headers=KENNESAW)
    assert answer.json() == examples.CANCELLATION_CHARGE


def test_cancellation_quote_under_48_hours(client: TestClient) -> None:
    answer = client.post("/v1/quotes/cancellation", json=CANCELLATION, headers=KENNESAW)
    assert answer.status_code == 200
    body = answer.json()
    # 20 h notice: admin 4 h x $6.80 = 27.20 plus the 4 h minimum at $69.25 = 277.00.
    assert (body["bracket"], body["total"]) == ("under_48h", "304.20")
    assert [line["amount"] for line in body["lines"]] == ["27.20", "277.00"]


def test_cancellation_quote_with_48_hours_is_the_admin_fee_only(client: TestClient) -> None:
    body = {**CANCELLATION, "notice_at": "2026-11-29T08:00:00-05:00", "officers_removed": 2}
    answer = client.post("/v1/quotes/cancellation", json=body, headers=KENNESAW)
    assert (answer.json()["bracket"], answer.json()["total"]) == ("48h_or_more", "54.40")


def test_cancellation_quote_refuses_other_agencies_and_bad_counts(client: TestClient) -> None:
    assert client.post("/v1/quotes/cancellation", json=CANCELLATION,
                       headers=ROCKPORT).status_code == 403
    bad = client.post("/v1/quotes/cancellation", json={**CANCELLATION, "officers_removed": 3},
                      headers=KENNESAW)
    assert bad.status_code == 422 and "officers_affected" in bad.text
