"""`offduty demo` (cli/demo.py): the whole nightly flow on the bundled week, in a fresh store."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import main


@pytest.mark.slow
def test_the_demo_imports_solves_and_exports(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--time-limit", "1"]) == 0
    text = capsys.readouterr().out
    assert "officers.csv: 60 officers rows, 60 added" in text
    assert "kennesaw-ga: run 1" in text
    assert "REQ-00001: cancelled" in text
    assert "cancelled 2 confirmed officer(s) (under_48h); charge 615.20" in text
    assert (out / "offduty.db").is_file()
    assert sorted(p.name for p in (out / "exports" / "invoices").iterdir()) == [
        "invoice_lines.csv", "invoices.html", "invoices.pdf", "invoices_by_customer.csv"
    ]
