"""The system-of-record commands as typed: exact output, exit codes, and the hours report.

World: `world.py` (Kennesaw, Eastern time). K-1 on duty 03:00-17:00 on Wed 2 Dec (14 h) and
placed by hand on R-1, Tue 1 Dec 08:00-12:00 (4 h): the week of Mon 30 Nov shows 14 h on duty,
4 h off duty, 18 h together, against Kennesaw's weekly off-duty cap of 24 h.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.store.conftest import Target
from tests.store.test_commands import run
from tests.store.world import load_world

DUTY = ("Employee ID,Start,End,Assignment Code\n"
        "K-1,2026-12-02T03:00:00-05:00,2026-12-02T17:00:00-05:00,PATROL-A\n")


def test_duty_hand_move_approval_report_and_audit_from_the_command_line(
    target: Target, world: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load_world(target.store, world)
    db = ("--db", target.url)
    duty = tmp_path / "duty.csv"
    duty.write_text(DUTY, encoding="utf-8")
    assert run(capsys, "import", "on-duty", str(duty), *db) == (
        0, "duty.csv: 1 duty blocks for 1 officer(s), 2026-12-02 to 2026-12-02; 0 earlier "
        "block(s) replaced\n", "")
    code, out, _ = run(capsys, "assign", "R-1", "--officer", "K-1", *db)
    assert (code, out) == (0, "R-1: K-1 placed 2026-12-01T08:00:00-05:00 to "
                              "2026-12-01T12:00:00-05:00\n")
    code, _, err = run(capsys, "assign", "R-1", "--officer", "K-2", *db)
    assert code == 2 and err.startswith(
        "offduty: OVERSTAFFED: more officers than positions at some moment: R-1 has 2 officers")
    assert run(capsys, "assign", "R-1", "--officer", "K-2", "--by", "Sgt. Hale", *db)[2] == (
        "offduty: --override-reason: an override needs both --override-reason and --by\n")
    assert run(capsys, "report", "hours", "--from", "2026-11-30", "--to", "2026-12-06",
               *db)[1] == (
        "agency,officer,week,on_duty_h,off_duty_h,total_h,weekly_cap_h,cap\n"
        "kennesaw-ga,K-1,2026-11-30,14.00,4.00,18.00,24.00,ok\n"
        "kennesaw-ga,K-3,2026-11-30,10.00,0.00,10.00,24.00,ok\n")
    assert run(capsys, "approve", "R-2", "--kind", "out_of_city_uniform", "--by", "Chief Ruiz",
               "--reference", "L-7", *db)[1] == (
        "R-2: out_of_city_uniform approved by Chief Ruiz (reference L-7)\n")
    code, out, _ = run(capsys, "audit", "--request", "R-1", *db)
    assert code == 0 and out.count("\n") == 1 and " assign R-1 K-1 - -> {" in out
    assert run(capsys, "audit", "verify", *db)[1] == (
        "audit trail intact: 6 event(s), every link checked\n")
    csv_file = tmp_path / "audit.csv"
    assert run(capsys, "audit", "--csv", str(csv_file), *db)[1] == (
        f"6 event(s) written to {csv_file}\n")
    assert csv_file.read_text(encoding="utf-8").splitlines()[0] == (
        "id,at,actor,action,agency,request,officer,before,after,reason,hash")


def test_the_reports_of_an_empty_store_say_none(
    target: Target, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ("--db", target.url)
    assert run(capsys, "report", "approvals", *db) == (
        0, "request,officer,state,start,missing_approval\n(none)\n", "")
    assert run(capsys, "report", "hours", *db)[2] == (
        "offduty: --from: the hours report needs --from and --to\n")
