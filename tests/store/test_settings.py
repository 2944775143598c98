"""Where the store lives: `OFFDUTY_DATABASE_URL` wins over `OFFDUTY_DATABASE_PATH`."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import StoreSettings, open_store
from store.settings import normalize_url


def test_the_path_setting_places_the_embedded_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OFFDUTY_DATABASE_URL", raising=False)
    monkeypatch.setenv("OFFDUTY_DATABASE_PATH", str(tmp_path / "nested" / "roster.db"))
    open_store().close()
    assert (tmp_path / "nested" / "roster.db").is_file()


def test_a_url_wins_over_the_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OFFDUTY_DATABASE_PATH", "ignored.db")
    monkeypatch.setenv("OFFDUTY_DATABASE_URL", "postgresql://u:p@127.0.0.1/db")
    assert StoreSettings().url() == "postgresql+psycopg://u:p@127.0.0.1/db"


def test_the_default_is_offduty_db_in_the_working_directory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OFFDUTY_DATABASE_URL", raising=False)
    monkeypatch.delenv("OFFDUTY_DATABASE_PATH", raising=False)
    assert StoreSettings().url() == "sqlite+pysqlite:///offduty.db"


def test_other_urls_pass_through() -> None:
    assert normalize_url("sqlite+pysqlite:///x.db") == "sqlite+pysqlite:///x.db"
    assert normalize_url("postgres://h/db") == "postgresql+psycopg://h/db"
