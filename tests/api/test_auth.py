"""Every /v1 operation: 401 without a key or with a wrong one, 403 across agencies both ways."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import examples
from tests.api.conftest import KENNESAW, ROCKPORT, bearer

V1 = [
    ("post", "/v1/rosters/propose"), ("post", "/v1/jobs"), ("get", "/v1/jobs/some-id"),
    ("delete", "/v1/jobs/some-id"), ("post", "/v1/quotes"), ("post", "/v1/quotes/cancellation"),
    ("post", "/v1/requests/validate"),
    ("get", "/v1/agencies"), ("get", "/v1/agencies/rockport-tx"),
    ("post", "/v1/agencies/rockport-tx/requests/R-4/approvals"),
    ("delete", "/v1/agencies/rockport-tx/requests/R-4/approvals/out_of_city_uniform"),
]


def test_the_list_covers_every_v1_operation(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    documented = {(m, p) for p, item in spec["paths"].items() for m in item if p.startswith("/v1")}
    listed = {(m, p.replace("some-id", "{job_id}").replace("rockport-tx", "{agency_id}")
                  .replace("R-4", "{request_id}").replace("out_of_city_uniform", "{kind}"))
              for m, p in V1}
    assert documented == listed


@pytest.mark.parametrize(("method", "path"), V1)
@pytest.mark.parametrize("headers", [{}, bearer("od_wrong"), {"Authorization": "Token x"}])
def test_no_key_or_a_wrong_key_is_401(
    client: TestClient, method: str, path: str, headers: dict[str, str]
) -> None:
    body = examples.PROBLEM if method == "post" else None
    response = client.request(method, path, json=body, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def _bodies(agency: str) -> dict[str, Any]:
    quote = {**examples.QUOTE_REQUEST, "agency": agency, "vehicle": {"kind": "none"}}
    validate = {**examples.VALIDATE_EXAMPLES["bar_inside"]["value"], "agency": agency}
    return {"/v1/rosters/propose": {**examples.PROBLEM, "agency": agency},
            "/v1/jobs": {**examples.PROBLEM, "agency": agency},
            "/v1/quotes": quote, "/v1/requests/validate": validate,
            "/v1/quotes/cancellation": {**quote, "notice_at": quote["received_at"]}}


@pytest.mark.parametrize(
    ("agency", "own", "other"),
    [("rockport-tx", ROCKPORT, KENNESAW), ("kennesaw-ga", KENNESAW, ROCKPORT)],
)
def test_a_key_reaches_its_agency_and_never_the_other(
    client: TestClient, agency: str, own: dict[str, str], other: dict[str, str]
) -> None:
    for path, body in _bodies(agency).items():
        assert client.post(path, json=body, headers=other).status_code == 403, path
        assert client.post(path, json=body, headers=own).status_code in {200, 202}, path
    assert client.get(f"/v1/agencies/{agency}", headers=other).status_code == 403
    assert client.get(f"/v1/agencies/{agency}", headers=own).status_code == 200
