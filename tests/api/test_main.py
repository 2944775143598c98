"""The app: routers assembled, the solve pool made at startup and stopped at shutdown."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from tests.api.conftest import ROCKPORT, app_of, settings


def test_every_resource_is_mounted() -> None:
    paths = set(create_app(settings()).openapi()["paths"])
    assert paths == {"/v1/rosters/propose", "/v1/jobs", "/v1/jobs/{job_id}", "/v1/quotes",
                     "/v1/quotes/cancellation",
                     "/v1/requests/validate", "/v1/agencies", "/v1/agencies/{agency_id}",
                     "/v1/agencies/{agency_id}/requests/{request_id}/approvals",
                     "/v1/agencies/{agency_id}/requests/{request_id}/approvals/{kind}",
                     "/healthz", "/readyz"}


def test_the_pool_lives_with_the_lifespan() -> None:
    app = create_app(settings(solve_workers=3, queue_size=1))
    assert app.state.pool is None
    with TestClient(app) as client:
        pool = app_of(client).state.pool
        assert (pool.workers, pool.capacity, pool.alive) == (3, 4, True)
    assert not pool.alive
    with TestClient(app) as client:
        again = app_of(client).state.pool
        assert again is not pool and again.alive


def test_startup_warms_the_solvers_fork_server_when_solves_run_in_children(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Started by the first solve instead, the fork server's 1.2 s fell inside that solve's
    # answer (1.66 s for a 1 s limit after a restart).
    warmed: list[bool] = []
    monkeypatch.setattr("api.main.warm", lambda: warmed.append(True))
    with TestClient(create_app(settings(solve_in_child=True))):
        assert warmed == [True]
    with TestClient(create_app(settings(solve_in_child=False))):
        assert warmed == [True]


def test_before_startup_solves_are_503_and_not_ready(small: dict[str, object]) -> None:
    client = TestClient(create_app(settings()))  # no lifespan: never started
    response = client.post("/v1/rosters/propose", json=small, headers=ROCKPORT)
    assert (response.status_code, response.headers["retry-after"]) == (503, "1")
    assert client.get("/readyz").json()["checks"]["pool"] is False


def test_no_keys_is_a_warning_at_startup(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    create_app(settings(api_keys=[]))
    assert "no API keys configured" in caplog.text
