"""The store commands as a dispatcher types them: `offduty import|nightly|roster|confirm|cancel|
worked|export`, against the same store fixture (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from cli.main import main
from store.schema import AssignmentRow, OfficerRow, RequestRow
from tests.store.conftest import Target


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_dispatcher_flow(target: Target, world: Path, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    db = ("--db", target.url)
    for kind in ("officers", "availability", "requests"):
        assert run(capsys, "import", kind, str(world / f"{kind}.csv"), *db)[0] == 0
    code, out, _ = run(capsys, "nightly", "--now", "2026-11-28T00:00:00-05:00", "--horizon", "7",
                       "--time-limit", "5", *db)
    assert code == 0
    assert "3/3 positions filled" in out and "proposals 3 new" in out
    assert run(capsys, "runs", *db)[1].startswith(
        "run 1 kennesaw-ga as of 2026-11-28 05:00 UTC: optimal, 3/3 filled, +3 =0 -0, solve "
    )
    code, out, _ = run(capsys, "roster", "show", "--request", "R-1", *db)
    assert out.splitlines()[0].split() == [
        "date", "time", "request", "employer", "officer", "name", "state", "hours"
    ]
    assert "2026-12-01  08:00-12:00  R-1" in out and "proposed" in out
    assert out.splitlines()[-1].startswith(
        "kennesaw-ga: latest run 1 as of 2026-11-28 05:00 UTC (optimal): 0 position(s) unfilled"
    )
    assert run(capsys, "roster", "show", "--unfilled", *db)[1] == "kennesaw-ga, run 1 (optimal):\n"
    assert run(capsys, "confirm", "R-1", *db)[1] == "confirmed 1 assignment(s)\n"
    code, out, _ = run(capsys, "cancel", "R-1", "--at", "2026-11-30T08:00:00-05:00", *db)
    assert out.splitlines()[0] == "R-1: cancelled 1 confirmed officer(s) (under_48h); charge 304.20"
    code, out, _ = run(capsys, "export", "roster", "--out", str(tmp_path / "x"), *db)
    assert out == f"roster: 2 file(s) in {tmp_path / 'x'}\n"


def test_a_naive_now_is_refused_in_one_line(
    target: Target, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "nightly", "--now", "2026-11-28T00:00", "--db", target.url)
    assert code == 2
    assert err == ("offduty: --now: '2026-11-28T00:00' has no UTC offset "
                   "(write e.g. 2026-11-28T00:00-05:00)\n")


def test_confirm_needs_a_request_or_all(target: Target, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "confirm", "--db", target.url)
    assert (code, err) == (2, "offduty: confirm: give one request id or --all\n")


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--horizon", "0", "argument --horizon: 0 is not between 1 and 366"),
    ("--horizon", "-3", "argument --horizon: -3 is not between 1 and 366"),
    ("--window-days", "-1", "argument --window-days: -1 is not between 1 and 366"),
])
def test_a_meaningless_nightly_window_is_refused_and_records_nothing(
    target: Target, world: Path, capsys: pytest.CaptureFixture[str], option: str, value: str,
    message: str,
) -> None:
    db = ("--db", target.url)
    for kind in ("officers", "availability", "requests"):
        assert run(capsys, "import", kind, str(world / f"{kind}.csv"), *db)[0] == 0
    with pytest.raises(SystemExit) as refused:  # the argument parser refuses it
        main(["nightly", "--now", "2026-11-28T00:00:00-05:00", option, value,
              "--time-limit", "5", *db])
    assert refused.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"offduty: {message}"
    assert run(capsys, "runs", *db)[1] == "no nightly run recorded\n"
    assert run(capsys, "roster", "show", *db)[1] == "no assignments match\n"


def test_worked_before_the_shift_begins_is_refused(
    target: Target, world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ("--db", target.url)
    for kind in ("officers", "availability", "requests"):
        assert run(capsys, "import", kind, str(world / f"{kind}.csv"), *db)[0] == 0
    assert run(capsys, "nightly", "--now", "2026-11-28T00:00:00-05:00", "--horizon", "7",
               "--time-limit", "5", *db)[0] == 0
    assert run(capsys, "confirm", "--all", *db)[1] == "confirmed 3 assignment(s)\n"
    with target.store.transaction() as session:
        officer = session.scalars(select(OfficerRow.code).join(AssignmentRow).join(RequestRow)
                                  .where(RequestRow.code == "R-1")).one()
    shift = ("worked", "R-1", "--officer", officer, "--start", "2026-12-01T08:00:00-05:00",
             "--end", "2026-12-01T12:00:00-05:00")
    code, out, err = run(capsys, *shift, "--now", "2026-11-30T12:00:00-05:00", *db)
    assert (code, out) == (2, "")
    assert err == (f"offduty: now: {officer}'s shift on R-1 starts 2026-12-01T08:00:00-05:00, "
                   "after now (2026-11-30T12:00:00-05:00); record it once it has begun\n")
    assert " confirmed " in run(capsys, "roster", "show", "--request", "R-1", *db)[1]
    code, out, _ = run(capsys, *shift, "--now", "2026-12-01T12:00:00-05:00", *db)
    assert (code, out) == (0, f"R-1: {officer} worked 4 h\n")
