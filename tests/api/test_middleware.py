"""Body size cap (declared and streamed), request ids, and the access log's fields."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import ALL, ALL_KEY, ROCKPORT

URL = "/v1/rosters/propose"
JSON = {"Content-Type": "application/json"}


def test_declared_length_above_the_cap_is_413(make_client: Callable[..., TestClient]) -> None:
    client = make_client(max_body_bytes=1000)
    response = client.post(URL, content=b"{" + b" " * 2000 + b"}",
                           headers=ALL | JSON)
    assert response.status_code == 413
    assert response.json()["detail"] == "request body is larger than 1000 bytes"
    assert response.json()["request_id"] == response.headers["x-request-id"]


def test_streamed_body_without_a_length_is_cut_off_too(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(max_body_bytes=1000)

    def chunks() -> Iterator[bytes]:
        yield b'{"agency": "rockport-tx", "officers": ['
        for _ in range(100):
            yield b'{"id": "X"},'

    response = client.post(URL, content=chunks(), headers=ALL | JSON)
    assert response.status_code == 413


def test_body_at_the_cap_is_read(make_client: Callable[..., TestClient],
                                 small: dict[str, Any]) -> None:
    body = json.dumps(small).encode()
    client = make_client(max_body_bytes=len(body))
    response = client.post(URL, content=body, headers=ROCKPORT | JSON)
    assert response.status_code == 200


def test_request_id_is_echoed_when_safe_and_made_otherwise(client: TestClient) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers[
        "x-request-id"] == "abc-123"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id!"}).headers["x-request-id"]
    assert len(made) == 32 and made != "bad id"


def test_access_log_has_ids_agency_status_and_time_but_no_key(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    client.get("/v1/agencies/kennesaw-ga", headers={**ROCKPORT, "X-Request-ID": "r-1"})
    client.get("/v1/agencies", headers={"Authorization": f"Bearer {ALL_KEY}x"})
    entries = [r.fields for r in caplog.records if r.name == "api.access"]  # type: ignore[attr-defined]
    assert entries[0] | {"wall_ms": 0} == {
        "request_id": "r-1", "method": "GET", "path": "/v1/agencies/kennesaw-ga", "status": 403,
        "wall_ms": 0, "agency": "kennesaw-ga", "client": "rockport-dispatch"}
    assert entries[1]["status"] == 401 and "client" not in entries[1]
    text = caplog.text + " ".join(str(r.__dict__) for r in caplog.records)
    assert ALL_KEY not in text and ROCKPORT["Authorization"][7:] not in text
