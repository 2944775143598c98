"""`offduty keys new` and `offduty serve` argument handling."""

from __future__ import annotations

import json
import re
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


PINE_HOLLOW = Path(__file__).resolve().parents[1] / "data" / "agencies" / "pine-hollow-or.yaml"


def test_an_agency_file_gives_the_key_its_agency_id(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert offduty(["keys", "new", "--agency", str(PINE_HOLLOW), "--agency", "rockport-tx",
                    "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    entry = ApiKeyEntry.model_validate(data["entry"])
    assert entry.agencies == ["pine-hollow-or", "rockport-tx"]
    assert re.fullmatch(r"pine-hollow-or-rockport-tx-[0-9a-f]{6}", entry.name)
    assert entry.sha256 == hash_key(data["key"])
    # The service that knows the agency (here by the agencies folder) lets the key use it.
    (tmp_path / "pine-hollow-or.yaml").write_bytes(PINE_HOLLOW.read_bytes())
    monkeypatch.setenv("OFFDUTY_AGENCIES_DIR", str(tmp_path))
    with TestClient(create_app(settings(api_keys=[entry]))) as client:
        headers = bearer(data["key"])
        assert client.get("/v1/agencies/pine-hollow-or", headers=headers).status_code == 200
        assert client.get("/v1/agencies/kennesaw-ga", headers=headers).status_code == 403


def test_a_missing_or_broken_agency_file_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "gone.yaml"
    assert offduty(["keys", "new", "--agency", str(missing)]) == 2
    assert capsys.readouterr() == ("", f"offduty: {missing}: cannot read file: "
                                       "No such file or directory\n")
    broken = tmp_path / "broken.yaml"
    broken.write_text(PINE_HOLLOW.read_text(encoding="utf-8").replace(
        "time_zone: America/Los_Angeles", "time_zone: Pacific/Nowhere"), encoding="utf-8")
    assert offduty(["keys", "new", "--agency", str(broken)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"offduty: {broken}: time_zone: ")
    assert err.count("\n") == 1


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
