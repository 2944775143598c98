"""GET /healthz and /readyz: no key needed; not ready once the solve pool is closed."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import app_of


def test_liveness_needs_no_key(client: TestClient) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_ready_when_pool_takes_work_and_agencies_load(client: TestClient) -> None:
    body = client.get("/readyz").json()
    assert body["status"] == "ready"
    assert body["checks"] == {"pool": True, "agencies": True}
    assert body["pool"] == {"workers": 2, "queue_size": 2, "running": 0, "queued": 0}


def test_not_ready_once_the_pool_is_shut_down(client: TestClient) -> None:
    app_of(client).state.pool.shutdown()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "not_ready"
    assert response.json()["checks"]["pool"] is False
