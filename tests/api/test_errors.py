"""Error answers: 422 per field without echoing input, JSON 4xx, and a logged 500 with an id."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.errors import validation_details
from api.main import create_app
from tests.api.conftest import ALL, settings


def test_validation_details_drop_input_and_context() -> None:
    errors = [{"loc": ("body", "officers", 0, "name"), "msg": "Value error, bad name",
               "type": "value_error", "input": "J. Ortiz", "ctx": {"error": ValueError("x")}}]
    (detail,) = validation_details(errors)
    assert detail.model_dump() == {"loc": ["body", "officers", 0, "name"], "msg": "bad name",
                                   "type": "value_error"}


def test_422_never_echoes_the_input(client: TestClient) -> None:
    body = {"agency": "rockport-tx", "officers": [{"id": "A", "name": "J. Ortiz", "rank": "x"}]}
    response = client.post("/v1/rosters/propose", json=body, headers=ALL)
    assert response.status_code == 422
    assert "J. Ortiz" not in response.text


def test_an_overlong_id_or_name_is_refused_by_its_length_not_echoed(
    client: TestClient, small: dict[str, Any]
) -> None:
    # A 100,000-character id came back whole in the 422 that refused it ("unknown officer ...").
    long = "X" * 100_000
    small["locked"] = [{"request_id": small["requests"][0]["id"], "officer_id": long,
                        "start": small["requests"][0]["start"],
                        "end": small["requests"][0]["end"]}]
    small["requests"][1]["employer"]["id"] = long
    small["requests"][2]["customer_rate"] = long
    small["agency"] = long
    response = client.post("/v1/rosters/propose", json=small, headers=ALL)
    assert response.status_code == 422
    assert response.json() == {"omitted": 0, "detail": [
        {"loc": loc, "msg": f"String should have at most {most} characters",
         "type": "string_too_long"}
        for loc, most in ((["body", "agency", "str"], 64),
                          (["body", "requests", 1, "employer", "id"], 64),
                          (["body", "requests", 2, "customer_rate"], 200),
                          (["body", "locked", 0, "officer_id"], 64))]}
    quote = {"agency": long, "start": "2026-12-10T13:00:00-06:00",
             "end": "2026-12-10T17:00:00-06:00", "received_at": "2026-12-01T13:00:00-06:00"}
    response = client.post("/v1/quotes", json=quote, headers=ALL)
    assert (response.status_code, response.json()["detail"]) == (422, [
        {"loc": ["body", "agency"], "msg": "String should have at most 64 characters",
         "type": "string_too_long"}])
    # At the limit, an id is read as usual (and is merely unknown).
    response = client.post("/v1/quotes", json={**quote, "agency": "x" * 64}, headers=ALL)
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == (
        f"unknown agency '{'x' * 64}' (known: kennesaw-ga, rockport-tx)")


def test_unknown_route_and_method_are_json(client: TestClient) -> None:
    missing = client.get("/v1/nothing", headers=ALL)
    assert missing.status_code == 404 and missing.json()["detail"] == "Not Found"
    assert client.get("/v1/quotes", headers=ALL).status_code == 405


def test_undecodable_body_is_422(client: TestClient) -> None:
    for content in (b"\xff\xfe", b"\xc3"):
        response = client.post("/v1/quotes", content=content,
                               headers={**ALL, "Content-Type": "application/json"})
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"][0] == "body"


def test_json_nested_too_deeply_is_422_saying_so(client: TestClient) -> None:
    # Valid UTF-8: it used to be told to "send JSON in UTF-8".
    body = b'{"agency": "rockport-tx", "requests": ' + b"[" * 1000 + b"]" * 1000 + b"}"
    response = client.post("/v1/rosters/propose", content=body,
                           headers={**ALL, "Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"] == [{
        "loc": ["body"], "msg": "There was an error parsing the body: its JSON nests too deeply "
        "to read", "type": "body_too_deep"}]


def test_a_body_not_sent_as_json_is_422_naming_its_content_type(client: TestClient) -> None:
    response = client.post("/v1/rosters/propose", content=b'{"agency": "rockport-tx"}',
                           headers={**ALL, "Content-Type": "text/plain"})
    assert response.status_code == 422
    assert response.json()["detail"] == [{
        "loc": ["body"], "msg": "send JSON with Content-Type: application/json (not text/plain)",
        "type": "content_type"}]


def test_unexpected_exception_is_a_logged_500_with_the_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = create_app(settings())

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("kaput")

    caplog.set_level(logging.ERROR)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 500
    assert response.json() == {
        "detail": "internal error; quote the request id when reporting it", "request_id": "req-42"}
    assert response.headers["x-request-id"] == "req-42"
    (record,) = [r for r in caplog.records if r.name == "api.errors"]
    assert record.fields["request_id"] == "req-42"  # type: ignore[attr-defined]
    assert record.exc_info is not None and "kaput" in str(record.exc_info[1])
