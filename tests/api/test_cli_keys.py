"""`offduty keys new` and `offduty serve` argument handling."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.security import ApiKeyEntry, hash_key
from cli.main import main as offduty
from tests.api.conftest import bearer, settings


def test_new_key_prints_the_key_once_and_an_entry_that_works(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert offduty(["keys", "new", "--agency", "rockport-tx", "--name", "front-desk"]) == 0
    lines = capsys.readouterr().out.splitlines()
    key = lines[1]
    entry = ApiKeyEntry.model_validate_json(lines[-1])
    assert (entry.name, entry.agencies, entry.sha256) == (
        "front-desk", ["rockport-tx"], hash_key(key))
    with TestClient(create_app(settings(api_keys=[entry]))) as client:
        assert client.get("/v1/agencies/rockport-tx", headers=bearer(key)).status_code == 200
        assert client.get("/v1/agencies/kennesaw-ga", headers=bearer(key)).status_code == 403


def test_json_output_and_several_agencies(capsys: pytest.CaptureFixture[str]) -> None:
    assert offduty(["keys", "new", "--agency", "rockport-tx", "--agency", "kennesaw-ga",
                    "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["entry"]["agencies"] == ["rockport-tx", "kennesaw-ga"]
    assert data["entry"]["sha256"] == hash_key(data["key"])


def test_bad_agency_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert offduty(["keys", "new", "--agency", "Rockport TX"]) == 2
    err = capsys.readouterr().err
    assert err == "offduty: --agency: 'Rockport TX' is not an agency id (or '*' for all)\n"


def test_serve_with_bad_settings_exits_2_naming_the_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OFFDUTY_API_KEYS", '"not a list"')
    assert offduty(["serve", "--port", "0"]) == 2
    assert capsys.readouterr().err == "offduty: OFFDUTY_API_KEYS: Input should be a valid list\n"
    monkeypatch.delenv("OFFDUTY_API_KEYS")
    monkeypatch.setenv("OFFDUTY_API_KEYS_FILE", str(tmp_path / "missing.yaml"))
    assert offduty(["serve", "--port", "0"]) == 2
    assert capsys.readouterr().err.startswith("offduty: api_keys_file: cannot read")
    assert offduty(["serve", "--workers", "0"]) == 2
    assert "OFFDUTY_SOLVE_WORKERS" in capsys.readouterr().err
