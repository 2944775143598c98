"""/v1/jobs: background solves from queued to done, cancellation, expiry, scoping and limits."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import examples
from api.security import new_key
from models.problem import Problem
from models.result import RosterResult
from tests.api.conftest import ALL, KENNESAW, ROCKPORT, ROCKPORT_ENTRY, Blockers, app_of, bearer


def _wait_for(client: TestClient, href: str, states: set[str], timeout: float = 20) -> Any:
    """Poll as the key that made every job here (ROCKPORT) until the job is in `states`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(href, headers=ROCKPORT).json()
        if body["state"] in states:
            return body
        time.sleep(0.05)
    raise AssertionError(f"job still {body['state']} after {timeout} s")


def test_job_runs_from_queued_to_done_with_a_priced_roster(
    client: TestClient, small: Any
) -> None:
    response = client.post("/v1/jobs", json=small, headers=ROCKPORT)
    assert response.status_code == 202
    accepted = response.json()
    assert accepted["state"] in {"queued", "running"}
    assert response.headers["location"] == accepted["href"] == f"/v1/jobs/{accepted['id']}"
    done = _wait_for(client, accepted["href"], {"done", "failed"})
    assert done["state"] == "done"
    assert done["agency"] == "rockport-tx"
    assert done["started_at"] <= done["finished_at"]
    result = RosterResult.model_validate(done["result"])
    assert result.status == "optimal"
    assert result.metrics.positions_requested == 7


def test_unknown_job_is_404(client: TestClient) -> None:
    assert client.get("/v1/jobs/nope", headers=ALL).status_code == 404
    assert client.delete("/v1/jobs/nope", headers=ALL).status_code == 404


def test_job_of_another_agency_is_404_as_if_it_did_not_exist(
    client: TestClient, blockers: Callable[[TestClient], Blockers], small: Any
) -> None:
    blockers(client).fill(2)
    href = client.post("/v1/jobs", json=small, headers=ROCKPORT).json()["href"]
    missing = client.get("/v1/jobs/nope", headers=KENNESAW).json()["detail"]
    assert client.get(href, headers=KENNESAW).status_code == 404
    assert client.delete(href, headers=KENNESAW).status_code == 404
    assert client.get(href, headers=KENNESAW).json()["detail"] == missing.replace(
        "'nope'", repr(href.rsplit("/", 1)[1])
    )
    assert client.get(href, headers=ROCKPORT).json()["state"] == "queued"
    assert client.post("/v1/jobs", json=small, headers=KENNESAW).status_code == 403


def test_a_job_is_only_the_key_s_that_made_it_even_for_an_all_agencies_key(
    client: TestClient, blockers: Callable[[TestClient], Blockers], small: Any
) -> None:
    blockers(client).fill(2)
    href = client.post("/v1/jobs", json=small, headers=ROCKPORT).json()["href"]
    assert client.get(href, headers=ALL).status_code == 404
    assert client.delete(href, headers=ALL).status_code == 404  # not cancelled by it
    assert client.get(href, headers=ROCKPORT).json()["state"] == "queued"
    ops_job = client.post("/v1/jobs", json=small, headers=ALL).json()["href"]
    assert client.get(ops_job, headers=ROCKPORT).status_code == 404
    assert client.delete(ops_job, headers=ALL).json()["state"] == "cancelled"


def test_two_keys_with_one_name_do_not_share_jobs(
    make_client: Callable[..., TestClient],
    blockers: Callable[[TestClient], Blockers],
    small: Any,
) -> None:
    twin_key, twin_entry = new_key(["rockport-tx"], ROCKPORT_ENTRY.name)
    client = make_client(api_keys=[ROCKPORT_ENTRY, twin_entry])
    blockers(client).fill(2)
    href = client.post("/v1/jobs", json=small, headers=ROCKPORT).json()["href"]
    assert client.get(href, headers=bearer(twin_key)).status_code == 404
    assert client.get(href, headers=ROCKPORT).json()["state"] == "queued"


def test_cancelling_a_queued_job_takes_it_off_the_queue(
    client: TestClient, blockers: Callable[[TestClient], Blockers], small: Any
) -> None:
    blockers(client).fill(2)
    href = client.post("/v1/jobs", json=small, headers=ROCKPORT).json()["href"]
    response = client.delete(href, headers=ROCKPORT)
    assert response.status_code == 200
    assert response.json()["state"] == "cancelled"
    assert response.json()["result"] is None
    assert app_of(client).state.pool.stats()["queued"] == 0


def test_cancelling_a_running_solve_stops_it_and_keeps_its_best_roster(
    client: TestClient, small: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    best = RosterResult.model_validate(examples.ROSTER_RESULT)
    told_to_stop = threading.Event()

    def anytime_solve(problem: Problem, *, stop_event: threading.Event | None = None) -> Any:
        # Stands in for the solver: searches until told to stop, then answers its best roster.
        assert stop_event is not None
        if stop_event.wait(10):
            told_to_stop.set()
        return best.model_copy(update={"status": "feasible"})

    monkeypatch.setattr("api.solving.solve", anytime_solve)
    href = client.post("/v1/jobs", json=small, headers=ROCKPORT).json()["href"]
    _wait_for(client, href, {"running"})
    assert client.delete(href, headers=ROCKPORT).json()["state"] == "cancelled"
    assert told_to_stop.wait(2)
    body = _wait_for(client, href, {"cancelled"})
    while body["result"] is None:
        body = client.get(href, headers=ROCKPORT).json()
    assert body["state"] == "cancelled" and body["finished_at"] is not None
    assert RosterResult.model_validate(body["result"]).status == "feasible"


def test_deleting_a_finished_job_forgets_it(client: TestClient, small: Any) -> None:
    href = client.post("/v1/jobs", json=small, headers=ROCKPORT).json()["href"]
    _wait_for(client, href, {"done"})
    assert client.delete(href, headers=ROCKPORT).json()["state"] == "done"
    assert client.get(href, headers=ROCKPORT).status_code == 404


def test_input_error_in_the_solver_fails_the_job_naming_the_field(
    client: TestClient, small: Any
) -> None:
    small["requests"][0]["customer_rate"] = "Nobody"
    href = client.post("/v1/jobs", json=small, headers=ROCKPORT).json()["href"]
    body = _wait_for(client, href, {"failed", "done"})
    assert body["state"] == "failed"
    assert body["error"][0]["loc"] == ["body", "requests", 0, "customer_rate"]
    assert body["result"] is None


def test_finished_jobs_expire_after_their_ttl(
    make_client: Callable[..., TestClient], small: Any
) -> None:
    client = make_client(job_ttl_s=0.2)
    href = client.post("/v1/jobs", json=small, headers=ROCKPORT).json()["href"]
    _wait_for(client, href, {"done"})
    time.sleep(0.3)
    assert client.get(href, headers=ROCKPORT).status_code == 404


def test_store_full_of_active_jobs_is_503_and_finished_ones_make_room(
    make_client: Callable[..., TestClient],
    blockers: Callable[[TestClient], Blockers],
    small: Any,
) -> None:
    client = make_client(max_jobs=1, solve_workers=1, queue_size=3)
    block = blockers(client)
    block.fill(1)
    first = client.post("/v1/jobs", json=small, headers=ROCKPORT).json()["href"]
    refused = client.post("/v1/jobs", json=small, headers=ROCKPORT)
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "5"
    block.release()
    _wait_for(client, first, {"done"})
    assert client.post("/v1/jobs", json=small, headers=ROCKPORT).status_code == 202
    assert client.get(first, headers=ROCKPORT).status_code == 404  # the oldest made room


@pytest.mark.parametrize("method", ["get", "delete"])
def test_job_routes_need_a_key(client: TestClient, method: str) -> None:
    assert getattr(client, method)("/v1/jobs/anything").status_code == 401
