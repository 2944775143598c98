"""The console's nightly runs: started in the background, watched through their phases.

A run takes up to its time limit, longer than a page should hang, so the action starts
`store.nightly.run_nightly` on a thread (attributed to the signed-in key) and sends the browser
to a page that polls `progress` every second: the phase (solving, writing, done or failed), a
percentage (the solve's share of its time limit, then the write), and at the end the run record.
The run writes its progress to the store as it goes (`store.run_progress`), so a page served by
another API process on the same database, or after a restart, shows it too. One run per agency
at a time: a second start while one runs shows the running one.
"""

from __future__ import annotations

import logging
import secrets
import threading
from datetime import datetime

from models import InputError
from store import Store
from store.audit import acting_as
from store.nightly import run_nightly
from store.run_progress import (
    RunProgress,
    enter_phase,
    finish_progress,
    read_progress,
    start_progress,
)

log = logging.getLogger(__name__)


def start_run(store: Store, owner: str, agency: str, now: datetime, horizon_days: int,
              time_limit_s: float) -> RunProgress:
    """Start a run on a thread (or return the agency's running one, whoever started it)."""
    run, new = start_progress(store, secrets.token_urlsafe(12), owner, agency, time_limit_s)
    if new:
        worker = threading.Thread(target=_work, name=f"nightly-{agency}", daemon=True,
                                  args=(run, store, now, horizon_days))
        worker.start()
    return run


def get_run(store: Store, run_id: str, owner: str) -> RunProgress | None:
    """The run, if this key started it (another key's run is as good as unknown)."""
    run = read_progress(store, run_id)
    return run if run is not None and run.owner == owner else None


def _work(run: RunProgress, store: Store, now: datetime, horizon_days: int) -> None:
    """The thread's body: run the nightly, writing the phases as `run_nightly` reports them."""
    def pause(stage: str) -> None:
        # "checked" comes inside the run's write transaction, which holds the store's writer
        # lock on SQLite: the phase is written at "solved", before it.
        if stage == "solved":
            enter_phase(store, run.id, "writing")

    try:
        with acting_as(run.owner):
            reports = run_nightly(store, agency=run.agency, now=now, horizon_days=horizon_days,
                                  time_limit_s=run.time_limit_s, pause=pause)
        finish_progress(store, run.id, run=reports[0].run_id if reports else None,
                        lines=[report.summary() for report in reports])
    except InputError as exc:
        finish_progress(store, run.id, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - the page shows it; the log keeps the trace
        log.exception("console nightly run for %s failed", run.agency)
        finish_progress(store, run.id, error=f"nightly: the run failed ({type(exc).__name__}); "
                                             "see the service log")
