"""Fixtures of the console tests: the small Kennesaw world after one nightly run, plus one
Rockport officer, served by an app whose keys are the API tests' keys."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from store import Store, open_store
from store.importer import import_file
from store.nightly import run_nightly
from tests.api.conftest import ALL_KEY, KENNESAW_KEY, ROCKPORT_KEY, settings
from tests.store.world import NOW, REQUESTS_HEADER, load_world, write_world

ROCKPORT_OFFICER = """agency,id,name,rank,status,qualifications,max_hours_per_week,conflicts
rockport-tx,RP-7,Rockport Seven,officer,active,,,
"""
# Friday 4 December: nobody is available, so the run leaves it unfilled.
R9 = ("kennesaw-ga,R-9,EMP-3,Target #9,retail,false,true,false,outside,true,regular,,"
      "2026-12-04T10:00:00-05:00,2026-12-04T14:00:00-05:00,2026-11-20T09:00:00-05:00,1,none,0,,3,\n")
KEYS = {"kennesaw": KENNESAW_KEY, "rockport": ROCKPORT_KEY, "all": ALL_KEY}


@pytest.fixture(scope="module")
def world_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The world solved once per module; each test copies the file (tests change it)."""
    folder = tmp_path_factory.mktemp("console")
    database = folder / "offduty.db"
    store = open_store(database)
    load_world(store, write_world(folder / "world"))
    (folder / "rockport.csv").write_text(ROCKPORT_OFFICER, encoding="utf-8")
    import_file(store, "officers", folder / "rockport.csv")
    (folder / "r9.csv").write_text(REQUESTS_HEADER + R9, encoding="utf-8")
    import_file(store, "requests", folder / "r9.csv")
    run_nightly(store, agency="kennesaw-ga", now=NOW, horizon_days=7, time_limit_s=5)
    store.close()
    return database


@pytest.fixture
def store(world_db: Path, tmp_path: Path) -> Iterator[Store]:
    copy = tmp_path / "offduty.db"
    copy.write_bytes(world_db.read_bytes())
    opened = open_store(copy)
    yield opened
    opened.close()


@pytest.fixture
def app_client(store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(settings(), store=store), follow_redirects=False) as client:
        yield client


def sign_in(client: TestClient, who: str = "kennesaw") -> str:
    """Sign in with a key (through the sign-in form); returns the board page's CSRF token."""
    answer = client.post("/signin", data={"key": KEYS[who], "csrf": signin_token(client)})
    assert answer.status_code == 303
    return csrf_of(client.get("/").text)


def signin_token(client: TestClient) -> str:
    """The sign-in form's token (its pre-session cookie stays in the client)."""
    return csrf_of(client.get("/signin").text)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)
