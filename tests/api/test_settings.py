"""Settings come from OFFDUTY_* variables; keys from a file path or inline JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from tests.api.conftest import KENNESAW_ENTRY, KENNESAW_KEY, ROCKPORT, ROCKPORT_ENTRY, bearer


def test_environment_sets_every_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"HOST": "0.0.0.0", "PORT": "9001", "SOLVE_WORKERS": "3",
                        "QUEUE_SIZE": "4", "MAX_TIME_LIMIT_S": "12.5", "MAX_BODY_BYTES": "2048",
                        "JOB_TTL_S": "60", "MAX_JOBS": "7"}.items():
        monkeypatch.setenv(f"OFFDUTY_{name}", value)
    settings = Settings()
    assert (settings.host, settings.port, settings.solve_workers, settings.queue_size) == (
        "0.0.0.0", 9001, 3, 4)
    assert (settings.max_time_limit_s, settings.max_body_bytes) == (12.5, 2048)
    assert (settings.job_ttl_s, settings.max_jobs) == (60, 7)


def test_keys_from_file_and_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_text(json.dumps([ROCKPORT_ENTRY.model_dump()]))
    monkeypatch.setenv("OFFDUTY_API_KEYS_FILE", str(path))
    monkeypatch.setenv("OFFDUTY_API_KEYS", json.dumps([KENNESAW_ENTRY.model_dump()]))
    with TestClient(create_app()) as client:
        assert client.get("/v1/agencies", headers=ROCKPORT).status_code == 200
        assert client.get("/v1/agencies", headers=bearer(KENNESAW_KEY)).status_code == 200
        assert client.get("/v1/agencies", headers=bearer("od_nope")).status_code == 401


def test_no_keys_refuses_every_v1_call_but_health_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OFFDUTY_API_KEYS", raising=False)
    monkeypatch.delenv("OFFDUTY_API_KEYS_FILE", raising=False)
    with TestClient(create_app(Settings())) as client:
        assert client.get("/v1/agencies", headers=ROCKPORT).status_code == 401
        assert client.get("/healthz").status_code == 200
