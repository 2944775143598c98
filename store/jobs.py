"""The service's background solves, kept in the store so they survive a restart and spread.

A job is written `queued` before the service answers 202. A solve worker of any API process
sharing the database claims the oldest queued job in a transaction (`FOR UPDATE SKIP LOCKED` on
PostgreSQL, so two processes never take one row; `BEGIN IMMEDIATE` on SQLite, which serializes
claims), marks it `running` under its own worker id, and beats a heartbeat while it solves.
Only the claiming worker may finish the job, so a job taken over after a stale heartbeat is
never written twice. A running job whose heartbeat stopped (its process was killed) is queued
again while it has attempts left, else failed with the reason `interrupted`. A finished job is
kept until `expires_at`, then deleted.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from store.db import Store
from store.schema import JobRow

log = logging.getLogger(__name__)

INTERRUPTED = "interrupted"


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE = (JobState.QUEUED.value, JobState.RUNNING.value)


class QueueFull(Exception):
    """As many jobs are queued or running as the service takes."""


def _now() -> datetime:
    return datetime.now(UTC)


def add_job(
    store: Store, job_id: str, owner: str, agency: str, problem: dict[str, Any], capacity: int
) -> JobRow:
    """Write a queued job; `QueueFull` when `capacity` jobs are already queued or running."""
    with store.write() as session:
        active = session.scalar(select(func.count()).select_from(JobRow)
                                .where(JobRow.state.in_(ACTIVE))) or 0
        if active >= capacity:
            raise QueueFull(f"{active} jobs are queued or running")
        row = JobRow(id=job_id, owner=owner, agency_id=agency, problem=problem,
                     state=JobState.QUEUED.value, attempts=0, cancel_requested=False,
                     created_at=_now())
        session.add(row)
    return row


def get_job(store: Store, job_id: str) -> JobRow | None:
    """The job, or None when there is none or it has expired."""
    with store.transaction() as session:
        row = session.get(JobRow, job_id)
        if row is None or (row.expires_at is not None and row.expires_at <= _now()):
            return None
        return row


def claim_next(store: Store, worker: str) -> JobRow | None:
    """Take the oldest queued job for `worker`: running, one more attempt; None if none waits."""
    with store.write() as session:
        query = (select(JobRow).where(JobRow.state == JobState.QUEUED.value)
                 .order_by(JobRow.created_at, JobRow.id).limit(1))
        if session.get_bind().dialect.name != "sqlite":
            query = query.with_for_update(skip_locked=True)
        row = session.scalar(query)
        if row is None:
            return None
        now = _now()
        row.state = JobState.RUNNING.value
        row.attempts += 1
        row.claimed_by = worker
        row.started_at = now
        row.heartbeat_at = now
    log.info("job %s claimed by %s (attempt %d)", row.id, worker, row.attempts)
    return row


def _mine(session: Session, job_id: str, worker: str) -> JobRow | None:
    row = session.get(JobRow, job_id)
    if row is None or row.state != JobState.RUNNING.value or row.claimed_by != worker:
        return None
    return row


def heartbeat(store: Store, job_id: str, worker: str) -> bool | None:
    """Record that `worker` still solves the job; whether a cancel was asked (None: not ours)."""
    with store.transaction() as session:
        row = _mine(session, job_id, worker)
        if row is None:
            return None
        row.heartbeat_at = _now()
        return row.cancel_requested


def finish(
    store: Store,
    job_id: str,
    worker: str,
    state: JobState,
    ttl_s: float,
    *,
    result: dict[str, Any] | None = None,
    error: list[dict[str, Any]] | None = None,
    reason: str | None = None,
) -> bool:
    """Write the job's outcome if `worker` still holds it; False when another took it over."""
    with store.transaction() as session:
        row = _mine(session, job_id, worker)
        if row is None:
            log.warning("job %s no longer held by %s: outcome dropped", job_id, worker)
            return False
        now = _now()
        row.state = state.value
        row.result, row.error = result, error
        row.reason = reason or row.reason  # a retried job keeps why it was retried
        row.finished_at = now
        row.expires_at = now + timedelta(seconds=ttl_s)
    return True


def release(store: Store, job_id: str, worker: str, reason: str, attempts: int,
            ttl_s: float) -> str:
    """A solve lost its worker: queue the job again while it has attempts left, else fail it
    with `reason`. Returns the new state."""
    with store.transaction() as session:
        row = _mine(session, job_id, worker)
        if row is None:
            return "not held"
        _retry_or_fail(row, reason, attempts, ttl_s)
        return row.state


def _retry_or_fail(row: JobRow, reason: str, attempts: int, ttl_s: float) -> None:
    if row.attempts < attempts and not row.cancel_requested:
        row.state, row.claimed_by, row.reason = JobState.QUEUED.value, None, reason
        log.warning("job %s queued again after attempt %d: %s", row.id, row.attempts, reason)
        return
    now = _now()
    row.state, row.reason, row.finished_at = JobState.FAILED.value, reason, now
    row.expires_at = now + timedelta(seconds=ttl_s)
    log.warning("job %s failed after %d attempt(s): %s", row.id, row.attempts, reason)


def recover_stale(store: Store, stale_s: float, attempts: int, ttl_s: float) -> list[str]:
    """Running jobs whose heartbeat is older than `stale_s` (their process died): queued again
    or failed `interrupted`. Returns their ids."""
    cutoff = _now() - timedelta(seconds=stale_s)
    with store.write() as session:
        query = select(JobRow).where(JobRow.state == JobState.RUNNING.value,
                                     JobRow.heartbeat_at < cutoff)
        if session.get_bind().dialect.name != "sqlite":
            query = query.with_for_update(skip_locked=True)
        rows = list(session.scalars(query))
        for row in rows:
            _retry_or_fail(row, INTERRUPTED, attempts, ttl_s)
        return [row.id for row in rows]


def cancel_job(store: Store, job_id: str, ttl_s: float) -> JobRow | None:
    """Cancel a queued job, ask a running one to stop, forget a finished one (returned as it
    was); None when there is no such job."""
    with store.write() as session:
        row = session.get(JobRow, job_id)
        if row is None:
            return None
        if row.state == JobState.QUEUED.value:
            now = _now()
            row.state, row.finished_at = JobState.CANCELLED.value, now
            row.expires_at = now + timedelta(seconds=ttl_s)
        elif row.state == JobState.RUNNING.value:
            row.cancel_requested = True
        else:
            session.delete(row)
        return row


def purge_expired(store: Store) -> int:
    """Delete the finished jobs past their expiry; how many."""
    with store.transaction() as session:
        gone = session.execute(delete(JobRow).where(JobRow.expires_at <= _now()))
        count = int(getattr(gone, "rowcount", 0) or 0)
    if count:
        log.info("%d expired job(s) deleted", count)
    return count


def requeue_held(store: Store, worker: str) -> int:
    """On a clean shutdown: give back the jobs `worker` holds, without spending an attempt."""
    with store.transaction() as session:
        done = session.execute(
            update(JobRow)
            .where(JobRow.state == JobState.RUNNING.value, JobRow.claimed_by == worker)
            .values(state=JobState.QUEUED.value, claimed_by=None, attempts=JobRow.attempts - 1)
        )
        return int(getattr(done, "rowcount", 0) or 0)
