"""The durable jobs table: claimed once, finished only by the holder, interrupted jobs retried
once then failed `interrupted`, cancelled and expired as the service says (SQLite and
PostgreSQL)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from store import Store
from store.jobs import (
    INTERRUPTED,
    JobState,
    QueueFull,
    add_job,
    cancel_job,
    claim_next,
    finish,
    get_job,
    heartbeat,
    purge_expired,
    recover_stale,
    release,
)
from store.schema import JobRow

PROBLEM = {"agency": "rockport-tx", "officers": [], "requests": []}


def _add(store: Store, job_id: str, capacity: int = 100) -> JobRow:
    return add_job(store, job_id, "owner-1", "rockport-tx", PROBLEM, capacity)


def _age_heartbeat(store: Store, job_id: str, seconds: float) -> None:
    with store.transaction() as session:
        row = session.get(JobRow, job_id)
        assert row is not None
        row.heartbeat_at = datetime.now(UTC) - timedelta(seconds=seconds)


def test_a_job_is_written_queued_with_its_problem(store: Store) -> None:
    _add(store, "j1")
    row = get_job(store, "j1")
    assert row is not None
    assert (row.state, row.owner, row.agency_id, row.attempts) == ("queued", "owner-1",
                                                                    "rockport-tx", 0)
    assert row.problem == PROBLEM
    assert row.created_at.tzinfo is not None


def test_capacity_counts_queued_and_running_jobs_only(store: Store) -> None:
    _add(store, "j1", capacity=2)
    _add(store, "j2", capacity=2)
    with pytest.raises(QueueFull, match="2 jobs are queued or running"):
        _add(store, "j3", capacity=2)
    assert get_job(store, "j3") is None
    claimed = claim_next(store, "w")
    assert claimed is not None
    finish(store, claimed.id, "w", JobState.DONE, 60, result={"status": "optimal"})
    _add(store, "j3", capacity=2)


def test_jobs_are_claimed_oldest_first_and_each_once(store: Store) -> None:
    for i in range(6):
        _add(store, f"j{i}")
    with ThreadPoolExecutor(4) as pool:
        claims = list(pool.map(lambda w: [claim_next(store, f"w{w}") for _ in range(3)], range(4)))
    ids = [row.id for rows in claims for row in rows if row is not None]
    assert sorted(ids) == [f"j{i}" for i in range(6)]
    assert claim_next(store, "late") is None
    row = get_job(store, "j0")
    assert row is not None and (row.state, row.attempts) == ("running", 1)


def test_only_the_holder_finishes_a_job(store: Store) -> None:
    _add(store, "j1")
    claim_next(store, "w1")
    assert finish(store, "j1", "w2", JobState.DONE, 60, result={"x": 1}) is False
    assert heartbeat(store, "j1", "w2") is None
    assert heartbeat(store, "j1", "w1") is False
    assert finish(store, "j1", "w1", JobState.DONE, 60, result={"x": 1}) is True
    row = get_job(store, "j1")
    assert row is not None and (row.state, row.result) == ("done", {"x": 1})
    assert row.finished_at is not None and row.expires_at is not None
    assert row.expires_at - row.finished_at == timedelta(seconds=60)


def test_a_stale_job_is_run_again_once_then_failed_interrupted(store: Store) -> None:
    _add(store, "j1")
    claim_next(store, "dead-1")
    _age_heartbeat(store, "j1", 100)
    assert recover_stale(store, stale_s=30, attempts=2, ttl_s=60) == ["j1"]
    row = get_job(store, "j1")
    assert row is not None and (row.state, row.attempts, row.reason) == ("queued", 1, INTERRUPTED)
    claim_next(store, "dead-2")
    _age_heartbeat(store, "j1", 100)
    assert recover_stale(store, stale_s=30, attempts=2, ttl_s=60) == ["j1"]
    row = get_job(store, "j1")
    assert row is not None and (row.state, row.attempts, row.reason) == ("failed", 2, INTERRUPTED)
    # The old holder's late answer is dropped: the job stays failed.
    assert finish(store, "j1", "dead-2", JobState.DONE, 60, result={}) is False


def test_a_fresh_heartbeat_is_not_stale(store: Store) -> None:
    _add(store, "j1")
    claim_next(store, "w1")
    _age_heartbeat(store, "j1", 29)
    assert recover_stale(store, stale_s=30, attempts=2, ttl_s=60) == []


def test_a_lost_worker_is_retried_once_then_the_job_fails_with_the_reason(store: Store) -> None:
    _add(store, "j1")
    claim_next(store, "w1")
    assert release(store, "j1", "w1", "solve worker died: gone", 2, 60) == "queued"
    claim_next(store, "w2")
    assert release(store, "j1", "w2", "solve worker died: gone again", 2, 60) == "failed"
    row = get_job(store, "j1")
    assert row is not None
    assert (row.state, row.attempts, row.reason) == ("failed", 2, "solve worker died: gone again")


def test_cancel_drops_a_queued_job_flags_a_running_one_and_forgets_a_finished_one(
    store: Store,
) -> None:
    _add(store, "queued")
    _add(store, "running")
    assert cancel_job(store, "queued", 60) is not None
    claimed = claim_next(store, "w1")
    assert claimed is not None and claimed.id == "running"
    row = get_job(store, "queued")
    assert row is not None and row.state == "cancelled"
    cancel_job(store, "running", 60)
    assert heartbeat(store, "running", "w1") is True
    cancel_job(store, "queued", 60)
    assert get_job(store, "queued") is None
    assert cancel_job(store, "nope", 60) is None


def test_expired_jobs_are_hidden_then_deleted(store: Store) -> None:
    _add(store, "old")
    _add(store, "new")
    for worker in ("w1", "w2"):
        claim_next(store, worker)
    finish(store, "old", "w1", JobState.DONE, 0.001, result={})
    finish(store, "new", "w2", JobState.DONE, 3600, result={})
    with store.transaction() as session:
        row = session.get(JobRow, "old")
        assert row is not None and row.expires_at is not None
        row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    assert get_job(store, "old") is None
    assert purge_expired(store) == 1
    assert get_job(store, "new") is not None
    with store.transaction() as session:
        assert session.get(JobRow, "old") is None
