"""`/v1/agencies/{agency}/requests/{request}/approvals`: the chief's approvals through the API,
recorded in the store under the API key's name, and what the next nightly run does with them.
Here beside the console's tests for their fixture: an app serving a store of the test world."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from store import Store
from store.importer import import_file
from store.nightly import run_nightly
from store.record_schema import AuditEventRow
from tests.api.conftest import KENNESAW, ROCKPORT
from tests.store.test_record import R4, staffed
from tests.store.world import NOW, REQUESTS_HEADER

URL = "/v1/agencies/kennesaw-ga/requests/R-4/approvals"
BODY = {"kind": "chief_alcohol_outside", "by": "Chief Ruiz", "reference": "MEMO-2026-118"}


def _last_event(store: Store) -> tuple[str, str | None, str]:
    with store.transaction() as session:
        row = session.scalars(select(AuditEventRow).order_by(AuditEventRow.id.desc())).first()
        assert row is not None
        return row.action, row.request_code, row.actor


@pytest.fixture(autouse=True)
def _r4(store: Store, tmp_path: Path) -> None:
    """R-4 (the store tests' request) serves alcohol with an outside post: refused until the
    chief approves it."""
    path = tmp_path / "r4.csv"
    path.write_text(REQUESTS_HEADER + R4, encoding="utf-8")
    import_file(store, "requests", path)


def test_an_approval_staffs_the_request_and_its_withdrawal_refuses_it_again(
    app_client: TestClient, store: Store
) -> None:
    run_nightly(store, now=NOW, horizon_days=7, time_limit_s=5, force=True)
    assert staffed(store, "R-4") == []
    answer = app_client.post(URL, json=BODY, headers=KENNESAW)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["request_id"], body["kind"], body["approved_by"], body["reference"]) == (
        "R-4", "chief_alcohol_outside", "Chief Ruiz", "MEMO-2026-118")
    assert body["withdrawn_at"] is None
    assert _last_event(store) == ("approve", "R-4", "kennesaw-dispatch")
    run_nightly(store, now=NOW, horizon_days=7, time_limit_s=5)
    assert len(staffed(store, "R-4")) == 1

    gone = app_client.delete(f"{URL}/chief_alcohol_outside", params={"by": "Chief Ruiz"},
                             headers=KENNESAW)
    assert gone.status_code == 200
    assert gone.json()["withdrawn_by"] == "Chief Ruiz"
    assert _last_event(store)[0] == "withdraw_approval"
    run_nightly(store, now=NOW, horizon_days=7, time_limit_s=5, force=True)
    assert staffed(store, "R-4") == []


def test_another_agencys_key_is_refused_and_nothing_is_recorded(
    app_client: TestClient, store: Store
) -> None:
    before = _last_event(store)
    answer = app_client.post(URL, json=BODY, headers=ROCKPORT)
    assert answer.status_code == 403
    assert _last_event(store) == before


def test_a_bad_approval_names_the_field(app_client: TestClient) -> None:
    unknown = app_client.post(URL, json={**BODY, "kind": "standing"}, headers=KENNESAW)
    assert unknown.status_code == 422
    assert "kind" in unknown.text
    twice = [app_client.post(URL, json=BODY, headers=KENNESAW) for _ in range(2)]
    assert [a.status_code for a in twice] == [201, 422]
    assert "already holds an approval chief_alcohol_outside" in twice[1].text
    missing = app_client.post("/v1/agencies/kennesaw-ga/requests/R-404/approvals", json=BODY,
                              headers=KENNESAW)
    assert missing.status_code == 422
    assert "unknown request 'R-404'" in missing.text


def test_an_approval_by_a_name_holding_a_control_character_is_422_and_writes_nothing(
    app_client: TestClient, store: Store
) -> None:
    before = _last_event(store)
    answer = app_client.post(URL, json=BODY | {"by": "Chief\nRuiz"}, headers=KENNESAW)
    assert answer.status_code == 422, answer.text
    said = "holds a control character (U+000A); plain text only"
    assert answer.json()["detail"] == [{"loc": ["body", "by"], "type": "value_error",
                                        "msg": said}]
    assert _last_event(store) == before
