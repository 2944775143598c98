"""POST /v1/rosters/propose: a priced roster, key scoping, input errors, limits and a full pool."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from models.problem import Problem
from models.result import Metrics, RosterResult
from tests.api.conftest import ALL, KENNESAW, ROCKPORT, Blockers, app_of, load_example

URL = "/v1/rosters/propose"


def test_small_example_gets_a_priced_optimal_roster(
    client: TestClient, small: dict[str, Any]
) -> None:
    # The service's largest limit: proving all three stages must not depend on the machine's load.
    small["options"]["time_limit_s"] = 5
    response = client.post(URL, json=small, headers=ROCKPORT)
    assert response.status_code == 200
    result = RosterResult.model_validate(response.json())
    assert result.status == "optimal"
    assert result.agency == "rockport-tx"
    assert result.metrics.positions_requested == 7
    # Every position is accounted for once: staffed, unfilled or refused.
    assert result.assignments and result.rejected
    assert result.pricing.total == sum(r.total for r in result.pricing.requests)
    assert response.headers["x-request-id"]


def test_unknown_preferred_officer_is_a_warning_in_the_answer(
    client: TestClient, small: Any
) -> None:
    small["requests"][1]["preferred_officers"] = ["R-0001", "R-9999"]
    response = client.post("/v1/rosters/propose", json=small, headers=ROCKPORT)
    assert response.status_code == 200
    assert response.json()["warnings"] == [{
        "code": "UNKNOWN_OFFICER",
        "field": "requests[1] (REQ-00002).preferred_officers[1]",
        "id": "R-9999",
        "message": "no officer 'R-9999' in this problem; ignored",
    }]


def test_missing_key_is_401_with_a_bearer_challenge(client: TestClient, small: Any) -> None:
    response = client.post(URL, json=small)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "missing API key" in response.json()["detail"]


@pytest.mark.parametrize("header", ["Bearer od_not-a-key", "Basic b2Q6eA==", "Bearer", "od_x"])
def test_wrong_key_is_401(client: TestClient, small: Any, header: str) -> None:
    response = client.post(URL, json=small, headers={"Authorization": header})
    assert response.status_code == 401


def test_key_for_another_agency_is_403(client: TestClient, small: Any) -> None:
    response = client.post(URL, json=small, headers=KENNESAW)
    assert response.status_code == 403
    assert response.json()["detail"] == "this API key does not cover agency 'rockport-tx'"


def test_full_agency_object_is_scoped_by_its_id(client: TestClient, small: Any) -> None:
    agency = client.get("/v1/agencies/rockport-tx", headers=ROCKPORT).json()
    small["agency"] = {
        key: agency[key]
        for key in ("id", "name", "time_zone", "currency", "rates", "policy", "assumptions")
    } | {"holidays": sorted({h["name"] for h in agency["holidays"]})}
    assert client.post(URL, json=small, headers=KENNESAW).status_code == 403
    response = client.post(URL, json=small, headers=ROCKPORT)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "optimal"


def test_unknown_agency_is_422_naming_the_field(client: TestClient, small: Any) -> None:
    small["agency"] = "gotham-nj"
    response = client.post(URL, json=small, headers=ALL)
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["body", "agency"]
    assert "unknown agency 'gotham-nj'" in detail["msg"]


def test_naive_datetime_is_422_at_its_field(client: TestClient, small: Any) -> None:
    small["requests"][0]["start"] = "2026-12-11T16:00:00"
    response = client.post(URL, json=small, headers=ROCKPORT)
    assert response.status_code == 422
    locs = [d["loc"] for d in response.json()["detail"]]
    assert ["body", "requests", 0, "start"] in locs


def test_a_time_of_work_with_seconds_is_422_at_its_field(client: TestClient, small: Any) -> None:
    small["officers"][0]["availability"][0]["start"] = "2026-12-11T06:00:59-06:00"
    response = client.post(URL, json=small, headers=ROCKPORT)
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["body", "officers", 0, "availability", 0, "start"]
    assert detail["msg"].endswith("is not on a whole minute (times of work have 0 seconds)")


def test_unknown_customer_rate_from_the_solver_is_422(client: TestClient, small: Any) -> None:
    small["requests"][0]["customer_rate"] = "Nobody"
    response = client.post(URL, json=small, headers=ROCKPORT)
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["body", "requests", 0, "customer_rate"]
    assert detail["msg"].startswith(
        "requests[0] (REQ-00001).customer_rate: unknown customer rate 'Nobody'"
    )


@pytest.mark.parametrize(
    ("path", "value"),
    [(("options", "time_limit_s"), 0), (("options", "time_limit_s"), 99999),
     (("requests", 0, "officers_needed"), 0), (("requests", 0, "priority"), 6),
     (("officers", 0, "rank"), "general"), (("policy", "supervisor_at"), 0)],
)
def test_out_of_range_values_are_422(
    client: TestClient, small: Any, path: tuple[Any, ...], value: Any
) -> None:
    node = small
    for key in path[:-1]:
        node = node.setdefault(key, {}) if isinstance(key, str) else node[key]
    node[path[-1]] = value
    response = client.post(URL, json=small, headers=ROCKPORT)
    assert response.status_code == 422
    assert ["body", *path] in [d["loc"] for d in response.json()["detail"]]


def test_not_json_is_422(client: TestClient) -> None:
    response = client.post(
        URL, content=b"{not json", headers={**ROCKPORT, "Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"


def test_time_limit_and_threads_are_capped_by_the_server(
    make_client: Callable[..., TestClient], small: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Problem] = []

    def fake_solve(problem: Problem, *, stop_event: threading.Event | None = None) -> RosterResult:
        seen.append(problem)
        return _empty_result()

    monkeypatch.setattr("api.solving.solve", fake_solve)
    client = make_client(max_time_limit_s=1.5, max_solver_threads=1)
    small["options"] = {"time_limit_s": 600, "num_workers": 8}
    assert client.post(URL, json=small, headers=ROCKPORT).status_code == 200
    # 1.5 s minus the service's reserve of 1 ms for each of 5 officers and 6 requests.
    assert (seen[0].options.time_limit_s, seen[0].options.num_workers) == (1.489, 1)


def test_full_pool_is_503_with_retry_after(
    make_client: Callable[..., TestClient],
    blockers: Callable[[TestClient], Blockers],
    small: Any,
) -> None:
    client = make_client(solve_workers=1, queue_size=1, max_time_limit_s=7)
    blockers(client).fill()
    response = client.post(URL, json=small, headers=ROCKPORT)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "7"
    assert "solver busy" in response.json()["detail"]
    assert client.get("/healthz").status_code == 200


def test_quick_routes_answer_while_the_pool_is_full(
    client: TestClient, blockers: Callable[[TestClient], Blockers]
) -> None:
    blockers(client).fill()
    assert client.get("/v1/agencies", headers=ALL).status_code == 200
    ready = client.get("/readyz").json()
    assert ready["pool"] == {"workers": 2, "queue_size": 2, "running": 2, "queued": 2}


def _empty_result() -> RosterResult:
    metrics = Metrics(positions_requested=0, positions_filled=0, coverage=0,
                      coverage_upper_bound=0, hours_filled=0, max_total_hours=0,
                      spread_hours=0, gini=0, improvable_pairs=0)
    return RosterResult(status="optimal", agency="rockport-tx", metrics=metrics)



def test_a_solve_cut_short_by_its_limit_returns_its_best_roster(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(max_time_limit_s=0.2)
    week = load_example("kennesaw-week.json", time_limit_s=30)
    started = time.monotonic()
    response = client.post(URL, json=week, headers=KENNESAW)
    assert time.monotonic() - started < 8
    result = RosterResult.model_validate(response.json())
    assert result.status == "feasible"
    assert result.assignments and result.pricing.total > 0
    assert result.metrics.coverage <= result.metrics.coverage_upper_bound


def test_a_caller_who_hangs_up_stops_the_solve(
    client: TestClient, small: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    stopped = threading.Event()

    def slow_solve(problem: Problem, *, stop_event: threading.Event | None = None) -> RosterResult:
        assert stop_event is not None
        if stop_event.wait(10):
            stopped.set()
        return _empty_result()

    monkeypatch.setattr("api.solving.solve", slow_solve)
    started = time.monotonic()
    sent = asyncio.run(_call_then_hang_up(app_of(client), json.dumps(small).encode()))
    assert sent[0]["status"] == 499
    assert stopped.wait(1) and time.monotonic() - started < 2.5  # not the 4 s watchdog


async def _call_then_hang_up(app: Any, body: bytes) -> list[dict[str, Any]]:
    """Send a proposal straight to the ASGI app, then disconnect while it solves."""
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict[str, Any]] = []
    hang_up_at = time.monotonic() + 0.3

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop()
        if time.monotonic() >= hang_up_at:
            return {"type": "http.disconnect"}
        await asyncio.sleep(3600)  # a live connection: nothing more to read
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    headers = [(b"content-type", b"application/json"),
               (b"authorization", ROCKPORT["Authorization"].encode())]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": URL, "raw_path": URL.encode(), "query_string": b"",
             "root_path": "", "headers": headers, "client": ("127.0.0.1", 1),
             "server": ("testserver", 80)}
    await app(scope, receive, send)
    return sent
