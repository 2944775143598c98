"""The console's nightly runs: started in the background, watched through their phases.

A run takes up to its time limit, longer than a page should hang, so the action starts
`store.nightly.run_nightly` on a thread (attributed to the signed-in key) and sends the browser
to a page that polls `progress` every second: the phase (solving, writing, done or failed), a
percentage (the solve's share of its time limit, then the write), and at the end the run record.
The runs live in the serving process, like its proposal jobs without a jobs database: a page
polling another process, or after a restart, is told the run is unknown. One run per agency at
a time: a second start while one runs shows the running one.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from models import InputError
from store import Store
from store.audit import acting_as
from store.nightly import run_nightly

log = logging.getLogger(__name__)

KEEP_S = 3600  # a finished run's page stays good this long
SOLVE_SHARE = 90  # percent of the bar the solve fills over its time limit


@dataclass
class NightlyRun:
    """One run started from the console, as its page shows it."""

    id: str
    owner: str
    agency: str
    time_limit_s: float
    started: float = field(default_factory=time.monotonic)
    phases: list[str] = field(default_factory=lambda: ["solving"])
    lines: list[str] = field(default_factory=list)
    run_id: int | None = None
    error: str | None = None
    finished: float | None = None

    @property
    def phase(self) -> str:
        return self.phases[-1]

    @property
    def done(self) -> bool:
        return self.phase in ("done", "failed")

    def enter(self, phase: str) -> None:
        if phase != self.phase:
            self.phases.append(phase)

    def percent(self, now: float | None = None) -> int:
        """Solving fills the bar over the time limit (the solve gives no ticks), up to 90."""
        if self.done:
            return 100
        if self.phase == "writing":
            return 95
        elapsed = (time.monotonic() if now is None else now) - self.started
        return min(SOLVE_SHARE, int(SOLVE_SHARE * elapsed / max(self.time_limit_s, 0.1)))

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "agency": self.agency, "phase": self.phase,
                "phases": list(self.phases), "percent": self.percent(), "done": self.done,
                "run_id": self.run_id, "lines": list(self.lines), "error": self.error}


class NightlyRuns:
    """The process's console runs, by id."""

    def __init__(self) -> None:
        self._runs: dict[str, NightlyRun] = {}
        self._lock = threading.Lock()

    def start(self, store: Store, owner: str, agency: str, now: datetime, horizon_days: int,
              time_limit_s: float) -> NightlyRun:
        """Start a run on a thread (or return the agency's running one)."""
        with self._lock:
            self._forget_old()
            for run in self._runs.values():
                if run.agency == agency and not run.done:
                    return run
            run = NightlyRun(secrets.token_urlsafe(12), owner, agency, time_limit_s)
            self._runs[run.id] = run
        worker = threading.Thread(target=_work, name=f"nightly-{agency}", daemon=True,
                                  args=(run, store, now, horizon_days))
        worker.start()
        return run

    def get(self, run_id: str, owner: str) -> NightlyRun | None:
        """The run, if this key started it (another key's run is as good as unknown)."""
        with self._lock:
            run = self._runs.get(run_id)
        return run if run is not None and run.owner == owner else None

    def _forget_old(self) -> None:
        moment = time.monotonic()
        for run_id in [r.id for r in self._runs.values()
                       if r.finished is not None and moment - r.finished > KEEP_S]:
            del self._runs[run_id]


def _work(run: NightlyRun, store: Store, now: datetime, horizon_days: int) -> None:
    """The thread's body: run the nightly, moving the phases as `run_nightly` reports them."""
    def pause(stage: str) -> None:
        run.enter("writing")  # "solved", then "checked" once the write holds the agency

    try:
        with acting_as(run.owner):
            reports = run_nightly(store, agency=run.agency, now=now, horizon_days=horizon_days,
                                  time_limit_s=run.time_limit_s, pause=pause)
        run.lines = [report.summary() for report in reports]
        run.run_id = reports[0].run_id if reports else None
        run.enter("done")
    except InputError as exc:
        run.error = str(exc)
        run.enter("failed")
    except Exception as exc:  # noqa: BLE001 - the page shows it; the log keeps the trace
        log.exception("console nightly run for %s failed", run.agency)
        run.error = f"nightly: the run failed ({type(exc).__name__}); see the service log"
        run.enter("failed")
    finally:
        run.finished = time.monotonic()
