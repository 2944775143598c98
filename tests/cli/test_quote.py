"""`offduty agencies` and `offduty quote`: hand-computed totals, and one-line errors with exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import main

KENNESAW_EVENING = ["quote", "--agency", "kennesaw-ga", "--start", "2026-12-01T16:00-05:00",
                    "--end", "2026-12-01T20:30-05:00", "--received", "2026-11-17T09:00-05:00"]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_agencies_table_lists_both_shipped_agencies(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "agencies")
    rows = out.splitlines()
    assert code == 0
    assert rows[0].split() == ["id", "name", "zone", "regular", "minimum", "source"]
    kennesaw = next(row for row in rows if row.startswith("kennesaw-ga"))
    assert "America/New_York" in kennesaw
    assert kennesaw.split()[-4:] == ["76.05", "4", "h", "shipped"]
    rockport = next(row for row in rows if row.startswith("rockport-tx"))
    assert rockport.split()[-4:] == ["56.50", "2", "h", "shipped"]


def test_json_quote_reproduces_the_hand_computed_total(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, *KENNESAW_EVENING, "--officers", "3", "--json")
    data = json.loads(out)
    # 3 officers x 4.5 h = 13.5 h x 76.05 = 1026.675 -> 1026.68
    assert code == 0
    assert data["total"] == "1026.68"
    assert (data["emergency"], data["holiday_hours"], data["billable_hours_per_officer"]) == (
        False, 0.0, 4.5)
    assert [(line["rate_type"], line["amount"]) for line in data["lines"]] == [
        ("regular", "1026.68")]


def test_json_quote_with_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "quote", "--agency", "rockport-tx", "--start", "2026-12-24T08:00-06:00",
        "--end", "2026-12-24T09:30-06:00", "--received", "2026-12-24T07:00-06:00",
        "--officers", "2", "--job-type", "traffic", "--vehicle", "moving", "--miles", "10",
        "--json",
    )
    # Christmas Eve, traffic bills at holiday: 2 x 1.5 h = 3 h x 67.80 = 203.40; padding 2 x
    # 0.5 h = 1 h x 67.80 = 67.80; 2 x 10 mi x 0.63 = 12.60; 283.80
    assert (code, json.loads(out)["total"]) == (0, "283.80")


def test_readable_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, *KENNESAW_EVENING, "--vehicle", "static")
    # 4.5 h x 76.05 = 342.225 -> 342.23; 4.5 h x 8.19 = 36.855 -> 36.86; 379.09
    assert code == 0
    assert out.splitlines()[-1].split() == ["total", "379.09", "USD"]
    assert "vehicle_static" in out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--start": "2026-12-01T16:00"}, "offduty: start: Input should have timezone info"),
        ({"--end": "2026-12-01T15:00-05:00"},
         "offduty: end 2026-12-01T15:00:00-05:00 is not after start 2026-12-01T16:00:00-05:00"),
        ({"--officers": "-2"}, "offduty: officers: Input should be greater than or equal to 1"),
        ({"--miles": "-1"}, "offduty: vehicle.miles: Input should be greater than or equal to 0"),
        ({"--job-type": "parade"}, "offduty: job_type: Input should be 'regular' or 'traffic'"),
        ({"--agency": "nowhere-tx"}, "offduty: agency: unknown agency 'nowhere-tx' (known: "),
        ({"--vehicle": "moving"}, "offduty: vehicle.kind: kennesaw-ga does not offer a moving"),
        ({"--customer-rate": "Acme"}, "offduty: customer_rate: kennesaw-ga has no contract rate"),
    ],
)
def test_malformed_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], change: dict[str, str], message: str
) -> None:
    argv = list(KENNESAW_EVENING)
    for flag, value in change.items():
        if flag in argv:
            argv[argv.index(flag) + 1] = value
        else:
            argv += [flag, value]
    code, out, err = _run(capsys, *argv)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert err.startswith(message)


def test_argument_of_the_wrong_type_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as caught:
        main([*KENNESAW_EVENING, "--officers", "two"])
    _, err = capsys.readouterr()
    assert caught.value.code == 2
    assert err == "offduty: argument --officers: invalid int value: 'two'\n"


def test_the_installed_command_quotes() -> None:
    # One real process (the others call main() in-process): the console script is installed
    # and prints the JSON quote on stdout.
    command = Path(sys.executable).parent / "offduty"
    done = subprocess.run([str(command), *KENNESAW_EVENING, "--json"], capture_output=True,
                          text=True, timeout=120, check=False)
    # 4.5 h x 76.05 = 342.225 -> 342.23
    assert (done.returncode, json.loads(done.stdout)["total"], done.stderr) == (0, "342.23", "")
