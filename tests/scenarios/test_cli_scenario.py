"""`offduty scenario run|compare`: the printed table, the --out folder, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cli.main import main

FORCED = Path(__file__).parent / "data" / "forced.yaml"


def test_run_one_variant_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["scenario", "run", str(FORCED), "--variant", "without-b", "--jobs", "1"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0] == "forced: 2 rosters"
    assert out[1].split() == ["baseline", "without-b", "Δ", "without-b"]
    revenue = next(line for line in out if line.startswith("customer revenue $"))
    assert revenue.split()[-3:] == ["608.40", "304.20", "-304.20"]


def test_compare_writes_table_rosters_and_charts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(["scenario", "compare", str(FORCED), "--jobs", "1", "--out", str(out)])
    assert code == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"wrote 27 files to {out}"
    table = pd.read_csv(out / "table.csv", index_col="figure")
    assert table.loc["customer revenue $", "baseline"] == 608.40
    assert list(table.columns[:6]) == [
        "baseline", "without-b", "two-hour-minimum", "eighty-dollars", "surge", "absences"
    ]
    excel = pd.read_excel(out / "table.xlsx", index_col=0)
    assert excel.loc["officer pay $", "eighty-dollars"] == 585.60
    rosters = sorted(p.name for p in (out / "rosters").iterdir())
    assert rosters == [
        "absences.json", "baseline.json", "eighty-dollars.json", "surge.json",
        "two-hour-minimum.json", "without-b.json",
    ]
    charts = sorted(p.name for p in (out / "charts").iterdir())
    assert len(charts) == 19 and "compare.png" in charts and "timeline-surge.png" in charts


def test_sweep_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["scenario", "run", str(FORCED), "--variant", "absences", "--draws", "4", "--seed", "10"]
    assert main([*args, "--jobs", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "forced: 5 rosters"
    hours = next(line for line in lines if line.startswith("hours filled"))
    assert hours.split()[2:] == ["7.00", "3.75", "3.30", "4.00", "4.00", "-3.25"]


def test_unknown_variant_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "run", str(FORCED), "--variant", "nope"]) == 2
    assert capsys.readouterr().err.startswith("offduty: --variant: no variant 'nope' in ")


def test_bad_file_exits_2_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    text = "baseline:\n  generator: {officers: 0, requests: 1, days: 1}\n"
    path.write_text(text, encoding="utf-8")
    assert main(["scenario", "compare", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"offduty: {path}:2: baseline.generator.officers: Input should be greater than or equal"
        " to 1\n"
    )


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--draws", "1000000000", "--draws: must be 1 to 10,000"),  # it ran until killed
    ("--draws", "0", "--draws: must be 1 to 10,000"),
    ("--seed", "-5", "--seed: must be at least 0"),  # as the file's sweep.seed
])
def test_sweep_options_out_of_range_are_one_line(
    option: str, value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["scenario", "run", str(FORCED), "--jobs", "1", option, value])
    assert (code, capsys.readouterr().err) == (2, f"offduty: {message}\n")


def test_a_change_dated_outside_the_supported_years_names_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "far.yaml"
    path.write_text(
        "baseline:\n  generator: {officers: 8, requests: 10, days: 2, seed: 1,"
        " agency: kennesaw-ga, start: 2026-06-29}\n"
        "variants:\n  far:\n    changes:\n"
        "      - unavailable: {dates: [9999-01-01], fraction: 0.5, seed: 1}\n", encoding="utf-8")
    code = main(["scenario", "run", str(path), "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (f"offduty: {path}:6: variants.far.changes[0].unavailable.dates[0]: 9999-01-01 "
                   "is outside the supported years 1971-2199\n")
