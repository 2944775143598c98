"""Durable jobs on a real Dask `LocalCluster`: the solve runs on the cluster's worker; a worker
killed mid-solve makes the job run again once, then fail with the reason."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dask
import pytest
from distributed import Client, LocalCluster
from fastapi.testclient import TestClient

from models.problem import Problem
from models.result import RosterResult
from scheduler.validate.validator import validate
from tests.api.conftest import ROCKPORT, app_of

pytestmark = pytest.mark.slow

FAST = {"job_heartbeat_s": 0.1, "job_poll_s": 0.05, "job_stale_s": 5}


def hang(problem_json: str) -> tuple[str, Any]:
    """A solve that never ends on its own, so a test can kill its worker mid-solve."""
    time.sleep(120)
    return "error", "not killed"


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    # No rescheduling by the cluster itself: a job's one retry is the service's (api.durable).
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
        worker_dashboard_address=None,
    ) as local:
        yield local


@pytest.fixture
def on_cluster(
    make_client: Callable[..., TestClient], cluster: LocalCluster, tmp_path: Path
) -> TestClient:
    # Long limits: the watchdog must not stop a solve while a killed worker restarts.
    return make_client(jobs_database=str(tmp_path / "jobs.db"), max_time_limit_s=120,
                       stop_grace_s=60, dask_address=cluster.scheduler_address, **FAST)


def _wait_for(client: TestClient, href: str, states: set[str], timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(href, headers=ROCKPORT).json()
        if body["state"] in states:
            return body
        time.sleep(0.05)
    raise AssertionError(f"job still {body} after {timeout} s")


def test_a_job_is_solved_on_the_cluster(
    on_cluster: TestClient, cluster: LocalCluster, small: Any
) -> None:
    href = on_cluster.post("/v1/jobs", json=small, headers=ROCKPORT).json()["href"]
    done = _wait_for(on_cluster, href, {"done", "failed"})
    assert (done["state"], done["attempts"]) == ("done", 1)
    result = RosterResult.model_validate(done["result"])
    assert result.metrics.positions_requested == 7
    assert validate(Problem.model_validate(small), result).violations == []
    assert "solve_remote" in cluster.scheduler.task_prefixes


def _kill_when_solving(client: Client, job: Callable[[], Any], attempt: int,
                      killed: list[int], timeout: float = 30) -> None:
    """Once the job's `attempt` runs on a live worker (not one killed before), SIGKILL it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = job()
        busy = [addr for addr, keys in client.processing().items() if keys]
        if body["state"] == "running" and body["attempts"] == attempt and busy:
            pids: dict[str, int] = client.run(os.getpid, workers=busy)
            fresh = [pid for pid in pids.values() if pid not in killed]
            if fresh:
                os.kill(fresh[0], signal.SIGKILL)
                killed.append(fresh[0])
                return
        time.sleep(0.05)
    raise AssertionError(f"attempt {attempt} never ran on a fresh worker: {job()}, "
                         f"{client.processing()}, killed {killed}")


def test_a_killed_worker_is_retried_once_then_the_job_fails_with_the_reason(
    on_cluster: TestClient, cluster: LocalCluster, small: Any
) -> None:
    app_of(on_cluster).state.durable.remote = hang
    slow = {**small, "options": {**small["options"], "time_limit_s": 100}}
    href = on_cluster.post("/v1/jobs", json=slow, headers=ROCKPORT).json()["href"]
    killed: list[int] = []
    with Client(cluster.scheduler_address) as dask_client:
        for attempt in (1, 2):
            _kill_when_solving(dask_client, lambda: on_cluster.get(href, headers=ROCKPORT).json(),
                               attempt, killed)
    failed = _wait_for(on_cluster, href, {"done", "failed"})
    assert len(set(killed)) == 2
    assert (failed["state"], failed["attempts"]) == ("failed", 2)
    assert failed["reason"].startswith("solve worker died: Attempted to run task")
    assert failed["error"][0]["msg"].startswith("failed: solve worker died")
