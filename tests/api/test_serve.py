"""`offduty serve` for real: a uvicorn process on a free loopback port, flooded with proposals.

More proposals than the pool holds arrive at once: those beyond its places get 503 with
Retry-After at once, the others complete with a roster, and `/healthz` keeps answering quickly
the whole time. The structured log names requests, never keys or officers.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.conftest import ALL, ALL_KEY, ENTRIES, load_example

pytestmark = pytest.mark.slow

PROPOSALS = 6  # the pool below holds 2 (1 running, 1 waiting)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _offduty() -> list[str]:
    script = Path(sys.executable).parent / "offduty"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cli.main"]


@contextmanager
def running_server(tmp_path: Path, **settings: str) -> Iterator[tuple[str, Path]]:
    """`offduty serve` with one solve worker and these OFFDUTY_ settings; its base URL and log."""
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps([e.model_dump() for e in ENTRIES]), encoding="utf-8")
    log = tmp_path / "server.log"
    port = _free_port()
    # The console's store too: in the test's folder, not the working tree.
    env = {**os.environ, "OFFDUTY_API_KEYS_FILE": str(keys),
           "OFFDUTY_DATABASE_PATH": str(tmp_path / "offduty.db"),
           **{f"OFFDUTY_{name.upper()}": value for name, value in settings.items()}}
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [*_offduty(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            env=env, stdout=sink, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, proc)
        yield base, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    with running_server(tmp_path, queue_size="1", max_time_limit_s="2") as running:
        yield running


def _wait_until_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server exited at startup"
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the server did not come up within 30 s")


def _propose(base: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{base}/v1/rosters/propose", json=body, headers=ALL, timeout=60)


def test_flood_beyond_the_pool_gets_503s_while_the_rest_complete(
    server: tuple[str, Path],
) -> None:
    base, log = server
    week = load_example("kennesaw-week.json", time_limit_s=2)
    with ThreadPoolExecutor(PROPOSALS) as clients:
        futures = [clients.submit(_propose, base, week) for _ in range(PROPOSALS)]
        health_waits = []
        while not all(f.done() for f in futures):
            started = time.perf_counter()
            assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200
            health_waits.append(time.perf_counter() - started)
            time.sleep(0.1)
        responses = [f.result() for f in futures]

    codes = [r.status_code for r in responses]
    # The pool's two places are taken at once; the rest arrive while they solve.
    assert set(codes) == {200, 503} and codes.count(200) >= 2, codes
    for response in responses:
        if response.status_code == 503:
            assert response.headers["retry-after"] == "2"
        else:
            assert response.json()["status"] in {"optimal", "feasible"}
            assert response.json()["assignments"]
    assert len(health_waits) >= 5
    assert max(health_waits) < 1.0, health_waits

    text = log.read_text(encoding="utf-8")
    access = [json.loads(line) for line in text.splitlines()
              if line.startswith("{") and '"logger": "api.access"' in line]
    assert {entry["status"] for entry in access if entry["path"] == "/v1/rosters/propose"} == {
        200, 503}
    assert all(entry["request_id"] and "wall_ms" in entry for entry in access)
    solves = [json.loads(line) for line in text.splitlines() if '"event": "solve"' in line]
    assert len(solves) == codes.count(200)
    assert all(s["agency"] == "kennesaw-ga" for s in solves)
    solver_lines = [json.loads(line) for line in text.splitlines()
                    if '"logger": "scheduler.' in line]
    assert solver_lines
    assert {s["request_id"] for s in solver_lines} == {s["request_id"] for s in solves}
    assert ALL_KEY not in text
    assert not any(officer["name"] in text for officer in week["officers"])

