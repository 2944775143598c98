"""Sustained load on durable jobs: a real `offduty serve` with 2 solve workers, jobs in a
SQLite store, the bundled small problem.

`clients` callers each post a job and poll it until it ends, over and over, for `duration_s`,
while another caller asks `/healthz` every 100 ms. The figures: jobs done per minute, each job's
latency from the POST to the poll that saw it done (50th, 95th percentile, worst), and the
health answers' latency. Then a flood of `flood` jobs at once, beyond the queue: how many were
accepted and how many got 503 with Retry-After.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import httpx

from api.security import new_key

WORKERS = 2
QUEUE = 8
POLL_S = 0.25  # how often a caller polls its job: a latency is known to this much


@dataclass(frozen=True)
class LoadFigures:
    duration_s: float
    clients: int
    done: int
    failed: int
    per_minute: float
    latency_p50_s: float
    latency_p95_s: float
    latency_max_s: float
    health_p95_ms: float
    health_max_ms: float
    idle_health_p95_ms: float
    flood: int
    flood_accepted: int
    flood_refused: int
    flood_retry_after: bool


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _problem() -> dict[str, Any]:
    path = Path(str(resources.files("scenarios").joinpath("examples/small.json")))
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    data["options"] = {**data.get("options", {}), "time_limit_s": 2, "num_workers": 1}
    return data


def _percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


class _Server:
    def __init__(self, folder: Path) -> None:
        key, entry = new_key(["*"], "load")
        self.headers = {"Authorization": f"Bearer {key}"}
        self.base = f"http://127.0.0.1:{_port()}"
        env = {**os.environ, "OFFDUTY_API_KEYS": json.dumps([entry.model_dump()]),
               "OFFDUTY_JOBS_DATABASE": str(folder / "jobs.db"), "OFFDUTY_QUEUE_SIZE": str(QUEUE),
               "OFFDUTY_JOB_POLL_S": "0.1", "OFFDUTY_LOG_LEVEL": "WARNING"}
        port = self.base.rsplit(":", 1)[1]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", "--port", port, "--workers", str(WORKERS)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the server did not come up within 60 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    def solve(self, body: dict[str, Any]) -> tuple[str, float]:
        """Post one job (again after a 503's Retry-After) and poll it; its end and latency."""
        started = time.monotonic()
        while True:
            answer = httpx.post(f"{self.base}/v1/jobs", json=body, headers=self.headers,
                                timeout=30)
            if answer.status_code == 202:
                break
            time.sleep(float(answer.headers.get("retry-after", "1")))
        href = answer.json()["href"]
        while True:
            state = httpx.get(f"{self.base}{href}", headers=self.headers, timeout=30).json()
            if state["state"] in ("done", "failed", "cancelled"):
                return state["state"], time.monotonic() - started
            time.sleep(POLL_S)


def _health(base: str, stop: threading.Event, waits: list[float]) -> None:
    while not stop.wait(0.1):
        started = time.monotonic()
        httpx.get(f"{base}/healthz", timeout=30)
        waits.append((time.monotonic() - started) * 1000)


def run_load(duration_s: float = 60, clients: int = 4, flood: int = 30) -> LoadFigures:
    body = _problem()
    with tempfile.TemporaryDirectory() as folder:
        server = _Server(Path(folder))
        try:
            idle = _idle_health(server.base, 5)
            ends, health = _sustain(server, body, duration_s, clients)
            codes = _flood(server, body, flood)
        finally:
            server.stop()
    latencies = sorted(t for state, t in ends if state == "done")
    return LoadFigures(
        duration_s, clients, len(latencies), len(ends) - len(latencies),
        round(len(latencies) * 60 / duration_s, 1), round(_percentile(latencies, 0.5), 2),
        round(_percentile(latencies, 0.95), 2), round(max(latencies, default=0), 2),
        round(_percentile(health, 0.95), 1), round(max(health, default=0), 1),
        round(_percentile(idle, 0.95), 1),
        flood, sum(1 for c, _ in codes if c == 202), sum(1 for c, _ in codes if c == 503),
        all(retry for c, retry in codes if c == 503),
    )


def _idle_health(base: str, seconds: float) -> list[float]:
    """The health answers' latency with no job at all: what the machine gives anyway."""
    waits: list[float] = []
    stop = threading.Event()
    prober = threading.Thread(target=_health, args=(base, stop, waits), daemon=True)
    prober.start()
    time.sleep(seconds)
    stop.set()
    prober.join()
    return waits


def _sustain(server: _Server, body: dict[str, Any], duration_s: float,
             clients: int) -> tuple[list[tuple[str, float]], list[float]]:
    ends: list[tuple[str, float]] = []
    health: list[float] = []
    stop = threading.Event()
    prober = threading.Thread(target=_health, args=(server.base, stop, health), daemon=True)
    prober.start()
    deadline = time.monotonic() + duration_s

    def caller() -> None:
        while time.monotonic() < deadline:
            ends.append(server.solve(body))

    with ThreadPoolExecutor(clients) as pool:
        for _ in range(clients):
            pool.submit(caller)
    stop.set()
    prober.join()
    return ends, health


def _flood(server: _Server, body: dict[str, Any], count: int) -> list[tuple[int, bool]]:
    def post(_: int) -> tuple[int, bool]:
        answer = httpx.post(f"{server.base}/v1/jobs", json=body, headers=server.headers,
                            timeout=30)
        return answer.status_code, "retry-after" in answer.headers

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(post, range(count)))


def markdown(f: LoadFigures) -> str:
    return "\n".join([
        "## Sustained job load",
        "",
        f"`offduty bench-jobs --duration {f.duration_s:g} --clients {f.clients}`: a real "
        f"`offduty serve` with {WORKERS} solve workers and a queue of {QUEUE}, jobs kept in a "
        f"SQLite store, the bundled small problem (2 s limit); {f.clients} callers post a job "
        f"and poll it every {POLL_S:g} s to the end, over and over, while `/healthz` is asked "
        "every 100 ms.",
        "",
        "| jobs done | failed | per minute | latency p50 (s) | p95 (s) | worst (s) "
        "| /healthz p95 (ms) | worst (ms) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {f.done} | {f.failed} | {f.per_minute} | {f.latency_p50_s} | {f.latency_p95_s} "
        f"| {f.latency_max_s} | {f.health_p95_ms} | {f.health_max_ms} |",
        "",
        f"With no job at all, `/healthz` answered within {f.idle_health_p95_ms} ms at the 95th "
        "percentile on the same machine just before: the rest is the service's own work "
        "(polls, claims, heartbeats) competing for the process.",
        "",
        f"A flood of {f.flood} jobs at once then: {f.flood_accepted} accepted, "
        f"{f.flood_refused} refused with 503"
        + (" and Retry-After." if f.flood_retry_after else " (some without Retry-After!)."),
        "",
    ])
