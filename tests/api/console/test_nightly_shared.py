"""A console nightly run seen from a second API process on the same database: its progress is
read from the store (`store.run_progress`), not from the memory of the process running it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from store import Store, open_store
from store import nightly as store_nightly
from store.run_progress import STALE_S, RunProgress, RunProgressRow, _running
from tests.api.conftest import settings
from tests.api.console.conftest import sign_in
from tests.store.test_invariants import check_roster_is_valid

RECORD = ("kennesaw-ga: run 2 optimal; 3 requests, 3/4 positions filled (0 confirmed kept); "
          "proposals 0 new, 3 unchanged, 0 withdrawn; 1 unfilled, 0 refused; solve 0.0 s")
FORM = {"now": "2026-11-28T00:00:00-05:00", "horizon_days": "7", "time_limit_s": "5"}


@pytest.fixture
def second_client(store: Store, tmp_path: Path) -> Iterator[TestClient]:
    """Another app with its own store object on the conftest's database file."""
    other = open_store(tmp_path / "offduty.db")
    with TestClient(create_app(settings(), store=other), follow_redirects=False) as client:
        yield client
    other.close()


def _until(client: TestClient, progress: str, phase: str) -> dict[str, Any]:
    for _ in range(500):
        state: dict[str, Any] = client.get(progress).json()
        if state["phase"] == phase:
            return state
        time.sleep(0.02)
    raise AssertionError(f"the run never reached {phase!r} in 10 s")


def test_a_second_process_sees_the_phase_then_the_run_record(
    app_client: TestClient, second_client: TestClient, store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stages = {name: threading.Event() for name in ("solve", "write")}

    def held(store: Store, **kwargs: Any) -> list[Any]:
        """The real run, held before its solve ends and before its write (the test lets go)."""
        stages["solve"].wait(10)
        kwargs["pause"]("solved")
        stages["write"].wait(10)
        return store_nightly.run_nightly(store, **kwargs)

    monkeypatch.setattr("api.console.nightly_runs.run_nightly", held)
    page = app_client.post("/actions/nightly",
                           data={"csrf": sign_in(app_client), **FORM}).headers["location"]
    run_id = page.split("/")[3].split("?")[0]
    progress = f"/actions/nightly/{run_id}/progress"
    token_b = sign_in(second_client)
    solving = second_client.get(progress).json()
    assert (solving["phases"], solving["done"], solving["run_id"]) == (["solving"], False, None)
    assert 0 <= solving["percent"] <= 90
    html = second_client.get(page).text
    assert f'data-poll="{progress}"' in html
    assert '<strong id="nightly-phase" aria-live="polite">solving</strong>' in html
    stages["solve"].set()
    assert _until(second_client, progress, "writing")["percent"] == 95
    # One run per agency across processes: starting it from B leads to A's running run.
    assert second_client.post("/actions/nightly",
                              data={"csrf": token_b, **FORM}).headers["location"] == page
    stages["write"].set()
    done = _until(second_client, progress, "done")
    assert done == {"id": run_id, "agency": "kennesaw-ga", "phase": "done",
                    "phases": ["solving", "writing", "done"], "percent": 100, "done": True,
                    "run_id": 2, "lines": [RECORD], "error": None}
    html = second_client.get(page).text
    assert f'<ul class="done" id="result"><li>{RECORD}</li></ul>' in html
    assert "Unfilled positions of run 2" in html
    check_roster_is_valid(store)


def test_a_run_whose_process_died_stops_holding_its_agency() -> None:
    started = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    row = RunProgressRow(id="r", owner="k", agency_id="kennesaw-ga", time_limit_s=5,
                         started_at=started, phases=["solving"], lines=[])
    # 5 s of solving plus 600 s of grace: held at 604 s, free at 605 s.
    assert _running(row, started + timedelta(seconds=5 + STALE_S - 1))
    assert not _running(row, started + timedelta(seconds=5 + STALE_S))
    progress = RunProgress("r", "k", "kennesaw-ga", 5, started, ("solving",), (), None, None)
    assert progress.percent(started + timedelta(seconds=2.5)) == 45
    assert progress.percent(started + timedelta(seconds=60)) == 90
