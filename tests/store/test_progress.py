"""Progress output: drawn only on a terminal, so cron jobs and pipes stay quiet."""

from __future__ import annotations

import pytest

from store import progress


def test_no_bar_when_stderr_is_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    rows = list(range(1000))
    assert progress.progress(rows, desc="import") is rows
    with progress.timed_bar("solving", 1.0):
        pass
    assert capsys.readouterr().err == ""


def test_a_bar_on_a_terminal_for_long_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "on_terminal", lambda: True)
    rows = list(range(progress.MIN_ROWS_FOR_BAR))
    assert list(progress.progress(rows, desc="import")) == rows
    assert progress.progress(rows[:10], desc="import") == rows[:10]


def test_rows_read_from_a_file_are_counted_on_a_terminal_and_passed_through_elsewhere(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Checking a large import's rows printed nothing until its writing began.
    rows = iter(range(500))
    assert progress.counting(rows, desc="check requests") is rows
    monkeypatch.setattr(progress, "on_terminal", lambda: True)
    counted = list(progress.counting(iter(range(500)), desc="check requests", unit=" rows"))
    assert counted == list(range(500))
    # Drawn at once (then every 0.1 s while rows are read), cleared when done.
    assert capsys.readouterr().err.startswith("\rcheck requests: 0 rows [")
