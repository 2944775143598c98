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
