"""Shift times on the console's pages read as the command line prints them: through
`scheduler.display`, in the agency's zone, with "+1" on a shift that ends the next day."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from store import Store
from store.hand import assign
from store.importer import import_file
from store.nightly import run_nightly
from tests.api.console.conftest import sign_in
from tests.store.test_invariants import check_roster_is_valid
from tests.store.world import NOW, REQUESTS_HEADER

# Tuesday 1 December 20:00 to Wednesday 02:00 Eastern: K-2 is available all that night.
NIGHT = ("kennesaw-ga,R-N,EMP-4,Waffle House #4,retail,false,true,false,outside,true,regular,,"
         "2026-12-01T20:00:00-05:00,2026-12-02T02:00:00-05:00,2026-11-20T09:00:00-05:00,1,none,"
         "0,,3,\n")
# Friday 19:30 to Saturday 07:30: nobody is available, so the run leaves it unfilled.
LATE = ("kennesaw-ga,R-L,EMP-4,Waffle House #4,retail,false,true,false,outside,true,regular,,"
        "2026-12-04T19:30:00-05:00,2026-12-05T07:30:00-05:00,2026-11-20T09:00:00-05:00,1,none,"
        "0,,3,\n")


def _add(store: Store, tmp_path: Path, line: str) -> None:
    (tmp_path / "more.csv").write_text(REQUESTS_HEADER + line, encoding="utf-8")
    import_file(store, "requests", tmp_path / "more.csv")


def test_the_board_and_the_cancel_preview_show_plus_one_past_midnight(
    app_client: TestClient, store: Store, tmp_path: Path
) -> None:
    _add(store, tmp_path, NIGHT)
    assign(store, "R-N", "K-2", agency="kennesaw-ga")
    check_roster_is_valid(store)
    token = sign_in(app_client)
    html = app_client.get("/", params={"day": "2026-12-01"}).text
    row = re.search(r'<tr id="row-K-2">.*?</tr>', html, re.S)
    assert row is not None
    assert re.findall(r'title="(R-N [^"]*)"', row.group(0)) == [
        "R-N Tue 01 Dec 20:00-02:00+1 (confirmed)"]
    # A shift within one day carries no "+1": R-1 is Tuesday 08:00-12:00.
    assert 'title="R-1 Tue 01 Dec 08:00-12:00 (proposed)"' in html
    preview = app_client.post("/actions/cancel", data={
        "csrf": token, "request": "R-N", "at": "2026-11-30T12:00:00-05:00"})
    assert preview.status_code == 200
    assert '<p id="cancel-when">Shift Tue 01 Dec 20:00-02:00+1.</p>' in preview.text


def test_the_tray_and_why_not_show_plus_one_past_midnight(
    app_client: TestClient, store: Store, tmp_path: Path
) -> None:
    _add(store, tmp_path, LATE)
    run_nightly(store, agency="kennesaw-ga", now=NOW, horizon_days=7, time_limit_s=5)
    check_roster_is_valid(store)
    sign_in(app_client)
    html = app_client.get("/unfilled").text
    assert "<tr><td>R-9</td><td>Fri 04 Dec 10:00-14:00</td>" in html
    assert "<tr><td>R-L</td><td>Fri 04 Dec 19:30-07:30+1</td>" in html
    page = app_client.get("/whynot", params={"request": "R-L",
                                             "start": "2026-12-04T19:30:00-05:00",
                                             "end": "2026-12-05T07:30:00-05:00"})
    assert page.status_code == 200
    assert "<p>Fri 04 Dec 19:30-07:30+1: officers who could take" in page.text
    # The same moment written in UTC reads the same in the agency's zone.
    page = app_client.get("/whynot", params={"request": "R-L",
                                             "start": "2026-12-05T00:30:00+00:00",
                                             "end": "2026-12-05T12:30:00+00:00"})
    assert "<p>Fri 04 Dec 19:30-07:30+1: officers who could take" in page.text
