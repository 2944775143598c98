"""Background solve jobs, kept in memory with a time to live and a maximum count.

A job is a ticket in the solve pool plus what the API reports about it. Its state is read off the
ticket (queued until a worker picks it up, running, then done or failed) unless the caller
cancelled it. Finished jobs are forgotten `ttl_s` after they finish; when the store is full the
oldest finished job makes room, and when every kept job is still active a new one is refused.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from api.pool import Ticket
from api.schemas import ErrorDetail, JobState, JobStatus
from models.common import InputError
from models.result import RosterResult
from scheduler.agencies import AgencyFileError

logger = logging.getLogger(__name__)


class StoreFull(Exception):
    """Every kept job is still queued or running."""


def _wall_to_utc(monotonic_at: float | None) -> datetime | None:
    if monotonic_at is None:
        return None
    return datetime.now(UTC) - timedelta(seconds=time.monotonic() - monotonic_at)


_FIELD_PART = re.compile(r"\.?([A-Za-z_][\w-]*)|\[(\d+)\](?: \([^)]*\))?")


def field_loc(field: str) -> list[str | int]:
    """`requests[0] (R-1).start` as `["requests", 0, "start"]`; anything else as one part."""
    parts: list[str | int] = []
    position = 0
    while position < len(field):
        match = _FIELD_PART.match(field, position)
        if match is None:
            return [field]
        parts.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        position = match.end()
    return parts


def input_error_detail(exc: InputError) -> list[ErrorDetail]:
    """The 422 body of an `InputError`: its field as a location under `body`, and its message.

    When the field names an element by id (`requests[0] (R-1)`), the message keeps that field
    as written, so a reader sees which request is meant without counting.
    """
    if isinstance(exc, AgencyFileError):  # the server's agency file: no server paths in the answer
        return [ErrorDetail(loc=["body", "agency"], msg=exc.public, type="value_error")]
    loc: list[str | int] = ["body", *field_loc(exc.field)] if exc.field else ["body"]
    msg = f"{exc.field}: {exc.message}" if "(" in exc.field else exc.message
    return [ErrorDetail(loc=loc, msg=msg, type="value_error")]


def new_job_id() -> str:
    return secrets.token_urlsafe(12)


@dataclass(eq=False)
class Job:
    id: str
    agency: str
    owner: str  # the sha256 of the key that made it: only that key may see or cancel it
    ticket: Ticket[RosterResult]
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    cancelled: bool = False

    @property
    def finished(self) -> bool:
        return self.ticket.future.done()

    @property
    def state(self) -> JobState:
        future = self.ticket.future
        if self.cancelled or future.cancelled():
            return "cancelled"
        if not future.done():
            return "running" if self.ticket.started else "queued"
        return "failed" if future.exception() is not None else "done"

    def status(self) -> JobStatus:
        future = self.ticket.future
        result: RosterResult | None = None
        error: list[ErrorDetail] | None = None
        if future.done() and not future.cancelled():
            exc = future.exception()
            if exc is None:
                result = future.result()
            elif isinstance(exc, InputError):
                error = input_error_detail(exc)
            else:
                error = [ErrorDetail(loc=[], msg="internal error while solving", type="internal")]
        return JobStatus(
            id=self.id,
            state=self.state,
            agency=self.agency,
            created_at=self.created_at,
            started_at=_wall_to_utc(self.ticket.started_at),
            finished_at=_wall_to_utc(self.ticket.finished_at),
            result=result,
            error=error,
        )


class JobStore:
    def __init__(self, ttl_s: float, max_jobs: int) -> None:
        self.ttl_s = ttl_s
        self.max_jobs = max_jobs
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._jobs)

    def make_room(self) -> None:
        """Forget expired jobs, then the oldest finished one if still full; `StoreFull` if none."""
        with self._lock:
            self._purge()
            if len(self._jobs) < self.max_jobs:
                return
            finished = [j for j in self._jobs.values() if j.finished]
            if not finished:
                raise StoreFull(f"{self.max_jobs} jobs are queued or running")
            oldest = min(finished, key=lambda j: j.ticket.finished_at or 0.0)
            del self._jobs[oldest.id]

    def add(self, job_id: str, agency: str, owner: str, ticket: Ticket[RosterResult]) -> Job:
        job = Job(id=job_id, agency=agency, owner=owner, ticket=ticket)
        with self._lock:
            self._jobs[job.id] = job
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            self._purge()
            return self._jobs.get(job_id)

    def remove(self, job_id: str) -> None:
        with self._lock:
            self._jobs.pop(job_id, None)

    def cancel_all(self) -> None:
        with self._lock:
            for job in self._jobs.values():
                job.ticket.cancel()

    def _purge(self) -> None:
        cutoff = time.monotonic() - self.ttl_s
        expired = [
            j.id
            for j in self._jobs.values()
            if j.ticket.finished_at is not None and j.ticket.finished_at < cutoff
        ]
        for job_id in expired:
            del self._jobs[job_id]
