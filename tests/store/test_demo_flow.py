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
    # The demo solves in deterministic time, so its figures repeat on every run and machine
    # (measured twice, once on a loaded machine, before being written here).
    assert "150 requests, 143.033/303 positions filled" in text
    assert "cancelled 2 confirmed officer(s) (under_48h); charge 615.20" in text
    assert "invoiced 68218.46 USD to customers; officer pay 61666.33 USD" in text
    assert (out / "offduty.db").is_file()
    assert sorted(p.name for p in (out / "exports" / "invoices").iterdir()) == [
        "invoice_lines.csv", "invoices.html", "invoices.pdf", "invoices_by_customer.csv"
    ]
