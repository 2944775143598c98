"""Durable jobs with real `offduty serve` processes: a server killed with SIGKILL mid-solve and
restarted finds the job and runs it again; two servers on one PostgreSQL database share 20 jobs
and solve each exactly once."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from models.problem import Problem
from models.result import RosterResult
from scheduler.validate.validator import validate
from store import open_store
from store.schema import JobRow
from tests.api.conftest import ALL, ROCKPORT, load_example
from tests.api.test_serve import running_server
from tests.store.conftest import _postgres

pytestmark = pytest.mark.slow

FAST = {"job_heartbeat_s": "0.2", "job_poll_s": "0.1", "job_stale_s": "1",
        "max_time_limit_s": "30"}


def _post(base: str, body: dict[str, Any], headers: dict[str, str] = ROCKPORT) -> str:
    response = httpx.post(f"{base}/v1/jobs", json=body, headers=headers, timeout=30)
    assert response.status_code == 202, response.text
    job_id: str = response.json()["id"]
    return job_id


def _wait_for(
    base: str, job_id: str, states: set[str], headers: dict[str, str] = ROCKPORT
) -> Any:
    deadline = time.monotonic() + 60
    body: Any = {"state": "never polled"}
    while time.monotonic() < deadline:
        body = httpx.get(f"{base}/v1/jobs/{job_id}", headers=headers, timeout=10).json()
        if body.get("state") in states:
            return body
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} still {body} after 60 s")


def _server_pid(base: str) -> int:
    """The pid of the server listening on `base` (the process that answers /healthz)."""
    port = base.rsplit(":", 1)[1]
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1].endswith(f":{int(port):04X}") and fields[3] == "0A":
            inode = fields[9]
            break
    else:
        raise AssertionError(f"nothing listens on {port}")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            continue
        if f"socket:[{inode}]" in links:
            return int(pid)
    raise AssertionError(f"no process holds the socket of port {port}")


def test_a_job_running_when_the_server_is_killed_runs_again_after_restart(
    tmp_path: Path,
) -> None:
    week = load_example("kennesaw-week.json", time_limit_s=4)
    db = str(tmp_path / "jobs.db")
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    with running_server(tmp_path / "a", jobs_database=db, **FAST) as (base, _log):
        job_id = _post(base, week, ALL)
        _wait_for(base, job_id, {"running"}, ALL)
        os.kill(_server_pid(base), signal.SIGKILL)
    with running_server(tmp_path / "b", jobs_database=db, **FAST) as (base, _log):
        body = _wait_for(base, job_id, {"done", "failed"}, ALL)
    assert (body["state"], body["attempts"], body["reason"]) == ("done", 2, "interrupted")
    result = RosterResult.model_validate(body["result"])
    assert validate(Problem.model_validate(week), result).violations == []


@pytest.fixture
def postgres_url() -> Iterator[str]:
    urls = _postgres()
    url = next(urls)
    open_store(url).close()  # migrate once, before two servers race to
    yield url
    urls.close()


@pytest.mark.postgres
def test_two_servers_on_one_postgres_solve_each_of_20_jobs_exactly_once(
    tmp_path: Path, postgres_url: str
) -> None:
    small = load_example("small.json", time_limit_s=2)
    settings = {**FAST, "jobs_database": postgres_url, "queue_size": "40"}
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    with running_server(tmp_path / "a", **settings) as (first, log_a), \
            running_server(tmp_path / "b", **settings) as (second, log_b):
        ids = [_post(first if i % 2 else second, small) for i in range(20)]
        bodies = [_wait_for(second if i % 2 else first, job_id, {"done", "failed"})
                  for i, job_id in enumerate(ids)]
        logs = log_a.read_text(encoding="utf-8") + log_b.read_text(encoding="utf-8")
    assert [b["state"] for b in bodies] == ["done"] * 20
    assert [b["attempts"] for b in bodies] == [1] * 20
    store = open_store(postgres_url)
    try:
        with store.transaction() as session:
            rows = {r.id: r for r in session.query(JobRow)}
    finally:
        store.close()
    assert sorted(rows) == sorted(ids)
    holders = {row.claimed_by.rsplit("-", 1)[0] for row in rows.values() if row.claimed_by}
    assert len(holders) == 2, f"both servers should have solved some jobs: {holders}"
    for job_id in ids:
        assert logs.count(f"job {job_id} claimed by") == 1
        assert logs.count(f"job {job_id} done in") == 1
