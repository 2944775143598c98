"""Durable jobs in-process: a job is in the store before the 202, any app on that store answers
for it, a flood beyond the queue gets 503, a dead process's job is retried once then failed
`interrupted`, a dead solve worker likewise, and a cancel stops a running solve."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import examples
from api.isolation import SolverCrashed
from models.problem import Problem
from models.result import RosterResult
from scheduler.validate.validator import validate
from store import open_store
from store.jobs import add_job, claim_next
from store.schema import JobRow
from tests.api.conftest import ALL, ROCKPORT, ROCKPORT_ENTRY, app_of

FAST = {"job_heartbeat_s": 0.1, "job_poll_s": 0.05, "job_stale_s": 1}


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "jobs.db")


@pytest.fixture
def durable(make_client: Callable[..., TestClient], db: str) -> Callable[..., TestClient]:
    def build(**overrides: Any) -> TestClient:
        return make_client(jobs_database=db, **FAST, **overrides)

    return build


def _wait_for(client: TestClient, href: str, states: set[str], timeout: float = 20) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(href, headers=ROCKPORT).json()
        if body["state"] in states:
            return body
        time.sleep(0.05)
    raise AssertionError(f"job still {body['state']} after {timeout} s")


def _row(db: str, job_id: str) -> JobRow:
    store = open_store(db)
    try:
        with store.transaction() as session:
            row = session.get(JobRow, job_id)
            assert row is not None
            return row
    finally:
        store.close()


def test_a_job_is_stored_solved_and_seen_by_another_app(
    durable: Callable[..., TestClient], db: str, small: Any
) -> None:
    first = durable()
    response = first.post("/v1/jobs", json=small, headers=ROCKPORT)
    assert response.status_code == 202
    job_id = response.json()["id"]
    assert _row(db, job_id).owner == ROCKPORT_ENTRY.sha256
    done = _wait_for(first, f"/v1/jobs/{job_id}", {"done", "failed"})
    assert (done["state"], done["attempts"], done["agency"]) == ("done", 1, "rockport-tx")
    result = RosterResult.model_validate(done["result"])
    assert result.metrics.positions_requested == 7
    assert validate(Problem.model_validate(small), result).violations == []
    second = durable()
    assert second.get(f"/v1/jobs/{job_id}", headers=ROCKPORT).json()["state"] == "done"
    assert second.get(f"/v1/jobs/{job_id}", headers=ALL).status_code == 404
    assert second.delete(f"/v1/jobs/{job_id}", headers=ROCKPORT).status_code == 200
    assert first.get(f"/v1/jobs/{job_id}", headers=ROCKPORT).status_code == 404


@pytest.fixture
def blocked(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Every solve waits for its stop event, then answers the example roster."""
    release = threading.Event()

    def wait(problem: Problem, *, stop_event: threading.Event) -> RosterResult:
        while not (stop_event.wait(0.05) or release.is_set()):
            pass
        return RosterResult.model_validate(examples.ROSTER_RESULT)

    monkeypatch.setattr("api.durable.solve", wait)
    yield release
    release.set()


def test_a_flood_beyond_the_queue_gets_503_with_retry_after(
    durable: Callable[..., TestClient], blocked: threading.Event, small: Any
) -> None:
    client = durable(solve_workers=1, queue_size=1)
    codes = [client.post("/v1/jobs", json=small, headers=ROCKPORT) for _ in range(3)]
    assert [c.status_code for c in codes] == [202, 202, 503]
    assert codes[2].headers["retry-after"] == "5"
    assert "2 jobs are queued or running" in codes[2].json()["detail"]
    assert client.get("/healthz").status_code == 200


def test_cancel_stops_a_running_job_and_keeps_its_best_roster(
    durable: Callable[..., TestClient], blocked: threading.Event, small: Any
) -> None:
    client = durable(solve_workers=1)
    href = client.post("/v1/jobs", json=small, headers=ROCKPORT).json()["href"]
    _wait_for(client, href, {"running"})
    assert client.delete(href, headers=ROCKPORT).status_code == 200
    body = _wait_for(client, href, {"cancelled", "done"})
    assert body["state"] == "cancelled"
    assert body["result"]["status"] == examples.ROSTER_RESULT["status"]


def _stale_running(db: str, job_id: str, problem: dict[str, Any], attempts: int) -> None:
    """A job a killed process held: running, its heartbeat a minute old."""
    store = open_store(db)
    try:
        add_job(store, job_id, ROCKPORT_ENTRY.sha256, "rockport-tx", problem, 10)
        for _ in range(attempts):
            claim_next(store, "killed-process")
            with store.transaction() as session:
                row = session.get(JobRow, job_id)
                assert row is not None
                if row.attempts < attempts:
                    row.state = "queued"
                row.heartbeat_at = datetime.now(UTC) - timedelta(minutes=1)
    finally:
        store.close()


def test_a_killed_process_job_runs_again_on_restart(
    durable: Callable[..., TestClient], db: str, small: Any
) -> None:
    _stale_running(db, "left-running", small, attempts=1)
    client = durable()
    done = _wait_for(client, "/v1/jobs/left-running", {"done", "failed"})
    assert (done["state"], done["attempts"], done["reason"]) == ("done", 2, "interrupted")


def test_a_job_interrupted_twice_fails_interrupted(
    durable: Callable[..., TestClient], db: str, small: Any
) -> None:
    _stale_running(db, "twice", small, attempts=2)
    client = durable()
    failed = _wait_for(client, "/v1/jobs/twice", {"done", "failed"})
    assert (failed["state"], failed["attempts"], failed["reason"]) == ("failed", 2, "interrupted")
    assert failed["error"] == [{"loc": [], "msg": "failed: interrupted", "type": "interrupted"}]


def test_a_dead_solve_worker_is_retried_once_then_named(
    durable: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch, small: Any
) -> None:
    calls: list[int] = []

    def crash(problem: Problem, *, stop_event: threading.Event) -> RosterResult:
        calls.append(1)
        raise SolverCrashed("the solver process ended with exit code -9")

    monkeypatch.setattr("api.durable.solve", crash)
    client = durable(solve_workers=1)
    href = client.post("/v1/jobs", json=small, headers=ROCKPORT).json()["href"]
    failed = _wait_for(client, href, {"done", "failed"})
    assert len(calls) == 2
    assert (failed["state"], failed["attempts"]) == ("failed", 2)
    assert failed["reason"] == "solve worker died: the solver process ended with exit code -9"


def test_a_bad_problem_found_by_the_solver_fails_with_the_field(
    durable: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch, small: Any
) -> None:
    from models.common import InputError

    def refuse(problem: Problem, *, stop_event: threading.Event) -> RosterResult:
        raise InputError("requests[0] (R-1).start", "after its end")

    monkeypatch.setattr("api.durable.solve", refuse)
    client = durable()
    href = client.post("/v1/jobs", json=small, headers=ROCKPORT).json()["href"]
    failed = _wait_for(client, href, {"done", "failed"})
    assert failed["state"] == "failed" and failed["reason"] == "input_error"
    assert failed["error"] == [{"loc": ["body", "requests", 0, "start"],
                                "msg": "requests[0] (R-1).start: after its end",
                                "type": "value_error"}]
    assert app_of(client).state.durable is not None
