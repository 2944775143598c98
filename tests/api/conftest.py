"""Fixtures for the HTTP service: keys for two agencies and for all, and apps built per test."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from copy import deepcopy
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.main import create_app
from api.pool import SolvePool
from api.security import new_key
from api.settings import Settings

EXAMPLES = Path(__file__).resolve().parents[2] / "scenarios" / "examples"

ROCKPORT_KEY, ROCKPORT_ENTRY = new_key(["rockport-tx"], "rockport-dispatch")
KENNESAW_KEY, KENNESAW_ENTRY = new_key(["kennesaw-ga"], "kennesaw-dispatch")
ALL_KEY, ALL_ENTRY = new_key(["*"], "ops")
ENTRIES = [ROCKPORT_ENTRY, KENNESAW_ENTRY, ALL_ENTRY]


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


ROCKPORT = bearer(ROCKPORT_KEY)
KENNESAW = bearer(KENNESAW_KEY)
ALL = bearer(ALL_KEY)


def settings(**overrides: Any) -> Settings:
    """Settings for tests: our three keys, short solves, nothing read from the environment.

    Solves run in the pool's threads, so a test can stand in for the solver; the child-process
    path is tested on its own (test_isolation.py) and by the real server (test_serve*.py).
    """
    values: dict[str, Any] = {"api_keys": ENTRIES, "max_time_limit_s": 5, "solve_workers": 2,
                              "queue_size": 2, "stop_grace_s": 2, "solve_in_child": False}
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def make_client() -> Iterator[Callable[..., TestClient]]:
    """Build a client on an app with these setting overrides; every app is shut down after."""
    clients: list[TestClient] = []

    def build(**overrides: Any) -> TestClient:
        client = TestClient(create_app(settings(**overrides)))
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


def load_example(name: str, time_limit_s: float = 2.0, workers: int = 1) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    data["options"] = {**data.get("options", {}), "time_limit_s": time_limit_s,
                       "num_workers": workers}
    return data


@pytest.fixture(scope="session")
def small_problem() -> dict[str, Any]:
    return load_example("small.json")


@pytest.fixture
def small(small_problem: dict[str, Any]) -> dict[str, Any]:
    return deepcopy(small_problem)


class Blockers:
    """Occupy every place of a solve pool with work that waits until released."""

    def __init__(self, pool: SolvePool) -> None:
        self.pool = pool
        self.started = threading.Event()
        self._stops: list[threading.Event] = []

    def fill(self, count: int | None = None) -> None:
        """Submit `count` blockers (default: the whole capacity); wait until one runs."""
        def wait(stop: threading.Event) -> None:
            self.started.set()
            stop.wait(30)

        for _ in range(self.pool.capacity if count is None else count):
            self._stops.append(self.pool.submit(wait, time_limit_s=30).stop_event)
        assert self.started.wait(5)

    def release(self) -> None:
        for stop in self._stops:
            stop.set()


def app_of(client: TestClient) -> FastAPI:
    app: FastAPI = client.app  # type: ignore[assignment]
    return app


@pytest.fixture
def blockers() -> Iterator[Callable[[TestClient], Blockers]]:
    made: list[Blockers] = []

    def build(client: TestClient) -> Blockers:
        made.append(Blockers(app_of(client).state.pool))
        return made[-1]

    yield build
    for item in made:
        item.release()


@pytest.fixture(autouse=True)
def _no_store_in_the_working_tree(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An app given no store opens the environment's (`offduty.db` in the working directory by
    default): in the tests, a temporary one, so no test leaves a database in the tree."""
    monkeypatch.setenv("OFFDUTY_DATABASE_PATH", str(tmp_path_factory.getbasetemp() / "api.db"))
