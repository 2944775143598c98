"""The console's nightly runs as they go, kept in the store so every API process sees them.

A run started from the console works on a thread of the process that started it, but its page
may be polled by another process sharing the database, or after a restart. So the run writes its
progress here: a row when it starts, its phases (solving, writing, done or failed) as it moves,
and at the end the id and summary lines of its run record (`nightly_runs`) or its error. Any
process answers the page from this row.

One run per agency at a time: a start while the agency's run is unfinished returns that run. A
row whose process died never finishes; it stops counting as running once it is older than its
time limit plus `STALE_S`, so the agency can be run again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Float, Index, Integer, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Store
from store.locking import hold_agencies
from store.schema import Base

log = logging.getLogger(__name__)

KEEP = timedelta(days=1)  # a finished run's page stays good this long
STALE_S = 600  # an unfinished run this much past its time limit has lost its process
SOLVE_SHARE = 90  # percent of the bar the solve fills over its time limit
DONE = ("done", "failed")


class RunProgressRow(Base):
    """One console nightly run: who started it, its phases so far, and how it ended."""

    __tablename__ = "run_progress"
    __table_args__ = (Index("ix_run_progress_agency_finished", "agency_id", "finished_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[str] = mapped_column(String(64))
    time_limit_s: Mapped[float] = mapped_column(Float)
    started_at: Mapped[datetime]
    phases: Mapped[list[str]] = mapped_column(JSON)
    lines: Mapped[list[str]] = mapped_column(JSON)
    run_id: Mapped[int | None] = mapped_column(Integer, default=None)
    error: Mapped[str | None] = mapped_column(String(2000), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


@dataclass(frozen=True)
class RunProgress:
    """A run as its page shows it, read from its row."""

    id: str
    owner: str
    agency: str
    time_limit_s: float
    started_at: datetime
    phases: tuple[str, ...]
    lines: tuple[str, ...]
    run_id: int | None
    error: str | None

    @property
    def phase(self) -> str:
        return self.phases[-1]

    @property
    def done(self) -> bool:
        return self.phase in DONE

    def percent(self, now: datetime | None = None) -> int:
        """Solving fills the bar over the time limit (the solve gives no ticks), up to 90."""
        if self.done:
            return 100
        if self.phase == "writing":
            return 95
        elapsed = ((now or datetime.now(UTC)) - self.started_at).total_seconds()
        return max(0, min(SOLVE_SHARE, int(SOLVE_SHARE * elapsed / max(self.time_limit_s, 0.1))))

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "agency": self.agency, "phase": self.phase,
                "phases": list(self.phases), "percent": self.percent(), "done": self.done,
                "run_id": self.run_id, "lines": list(self.lines), "error": self.error}


def _progress(row: RunProgressRow) -> RunProgress:
    return RunProgress(row.id, row.owner, row.agency_id, row.time_limit_s, row.started_at,
                       tuple(row.phases), tuple(row.lines), row.run_id, row.error)


def _running(row: RunProgressRow, now: datetime) -> bool:
    limit = timedelta(seconds=row.time_limit_s + STALE_S)
    return row.finished_at is None and now - row.started_at < limit


def start_progress(store: Store, run_id: str, owner: str, agency: str,
                   time_limit_s: float) -> tuple[RunProgress, bool]:
    """Write a new run's row, or find the agency's running one: (the run, whether it is new)."""
    now = datetime.now(UTC)
    with store.write() as session:
        hold_agencies(session, [agency])  # two processes starting the agency's run take turns
        session.execute(delete(RunProgressRow).where(RunProgressRow.finished_at < now - KEEP))
        for row in session.scalars(select(RunProgressRow).where(
                RunProgressRow.agency_id == agency, RunProgressRow.finished_at.is_(None))):
            if _running(row, now):
                return _progress(row), False
        row = RunProgressRow(id=run_id, owner=owner, agency_id=agency, time_limit_s=time_limit_s,
                             started_at=now, phases=["solving"], lines=[])
        session.add(row)
        session.flush()
        return _progress(row), True


def enter_phase(store: Store, run_id: str, phase: str) -> None:
    """Move the run to `phase` (nothing when it is there already)."""
    with store.write() as session:
        row = session.get(RunProgressRow, run_id)
        if row is not None and row.phases[-1] != phase:
            row.phases = [*row.phases, phase]


def finish_progress(store: Store, run_id: str, *, run: int | None = None,
                    lines: list[str] | None = None, error: str | None = None) -> None:
    """End the run: done with its run record's id and lines, or failed with its error."""
    with store.write() as session:
        row = session.get(RunProgressRow, run_id)
        if row is None:
            log.warning("console run %s has no progress row to finish", run_id)
            return
        row.phases = [*row.phases, "failed" if error else "done"]
        row.run_id, row.lines, row.error = run, list(lines or []), error
        row.finished_at = datetime.now(UTC)


def read_progress(store: Store, run_id: str) -> RunProgress | None:
    """The run as it stands, whichever process runs it."""
    with store.transaction() as session:
        row = session.get(RunProgressRow, run_id)
        return None if row is None else _progress(row)
