"""`offduty import` of files a user should not have been able to crash it with (issue #12):
numbers that are not finite or huge, far years, bytes that are not UTF-8, cells beyond the csv
module's limit, and an id given twice. Each is one line naming FILE:LINE and the column, exit 2,
and nothing of the file is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from store import Store
from store.schema import AvailabilityRow, OfficerRow, RequestRow
from tests.cli.clirun import run_cli
from tests.store.conftest import Target
from tests.store.world import AVAILABILITY, OFFICERS, R1, R2, REQUESTS_HEADER, load_world

OFFICER_HEADER = OFFICERS.splitlines()[0]


def _count(store: Store, table: type) -> int:
    with store.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def _import(target: Target, kind: str, path: Path) -> tuple[int, str, str]:
    return run_cli("import", kind, str(path), "--db", target.url)


def _refused(target: Target, kind: str, path: Path, expected: str) -> None:
    code, out, err = _import(target, kind, path)
    assert (code, out, err) == (2, "", f"offduty: {expected}\n")


@pytest.mark.parametrize(("cap", "problem"), [
    ("Infinity", "Input should be a finite number"),
    ("1e999", "Input should be a finite number"),
    ("1e308", "1e+308 is too large (at most 1,000,000)"),
])
def test_an_officer_cap_that_is_not_finite_or_huge(
    target: Target, tmp_path: Path, cap: str, problem: str
) -> None:
    path = tmp_path / "officers.csv"
    path.write_text(f"{OFFICER_HEADER}\nkennesaw-ga,K-9,X,officer,active,,{cap},\n",
                    encoding="utf-8")
    code, _, err = _import(target, "officers", path)
    assert code == 2 and err.startswith("offduty: officers.csv:2: max_hours_per_week: ")
    if "greater" not in err and "less" not in err:  # unless the model refuses it first
        assert err == f"offduty: officers.csv:2: max_hours_per_week: {problem} " \
            "(nothing was imported)\n"
    assert _count(target.store, OfficerRow) == 0


@pytest.mark.parametrize("miles", ["Infinity", "1e999", "1e308"])
def test_request_miles_that_are_not_finite_or_huge(
    target: Target, world: Path, tmp_path: Path, miles: str
) -> None:
    load_world(target.store, world)
    path = tmp_path / "requests.csv"
    path.write_text(REQUESTS_HEADER + R1.replace(",none,0,", f",moving,{miles},"),
                    encoding="utf-8")
    code, _, err = _import(target, "requests", path)
    assert code == 2 and err.startswith("offduty: requests.csv:2: vehicle_miles: ")
    assert err.endswith(" (nothing was imported)\n") and err.count("\n") == 1
    assert _count(target.store, RequestRow) == 2  # the world's, unchanged


@pytest.mark.parametrize("year", ["9999", "0001"])
def test_an_availability_window_in_a_far_year(
    target: Target, world: Path, tmp_path: Path, year: str
) -> None:
    load_world(target.store, world)
    path = tmp_path / "availability.csv"
    path.write_text("officer_id,start,end\nK-1,2026-12-05T06:00:00-05:00,2026-12-05T09:00:00-05:00"
                    f"\nK-2,{year}-12-05T06:00:00-05:00,{year}-12-05T09:00:00-05:00\n",
                    encoding="utf-8")
    _refused(target, "availability", path,
             f"availability.csv:3: start: {year}-12-05T06:00:00-05:00 is outside the supported "
             "years 1971-2199 (nothing was imported)")
    assert _count(target.store, AvailabilityRow) == 3  # the world's three, not the K-1 row


def test_a_byte_that_is_not_utf8_names_its_line(target: Target, tmp_path: Path) -> None:
    path = tmp_path / "officers.csv"
    path.write_bytes(f"{OFFICER_HEADER}\nkennesaw-ga,K-1,A,officer,active,,,\n".encode()
                     + b"kennesaw-ga,K-2,Jos\xe9,officer,active,,,\n")
    _refused(target, "officers", path,
             "officers.csv:3: not UTF-8 text (byte 0xe9); save the file as UTF-8")
    assert _count(target.store, OfficerRow) == 0


def test_a_binary_file(target: Target, tmp_path: Path) -> None:
    path = tmp_path / "officers.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    _refused(target, "officers", path,
             "officers.png:1: not UTF-8 text (byte 0x89); save the file as UTF-8")


def test_a_cell_longer_than_the_csv_field_limit(target: Target, tmp_path: Path) -> None:
    path = tmp_path / "officers.csv"
    path.write_text(f"{OFFICER_HEADER}\nkennesaw-ga,K-1,{'x' * 131_073},officer,active,,,\n",
                    encoding="utf-8")
    _refused(target, "officers", path,
             "officers.csv:2: not valid CSV: field larger than field limit (131072)")


def test_the_same_officer_twice_names_both_lines(target: Target, tmp_path: Path) -> None:
    path = tmp_path / "officers.csv"
    path.write_text(f"{OFFICER_HEADER}\nkennesaw-ga,K-1,A,officer,active,,,\n"
                    "kennesaw-ga,K-2,B,officer,active,,,\n"
                    "kennesaw-ga,K-1,C,sergeant,active,,,\n", encoding="utf-8")
    _refused(target, "officers", path,
             "officers.csv:4: id: K-1 appears twice, also at officers.csv:2 (nothing was imported)")
    assert _count(target.store, OfficerRow) == 0


def test_the_same_request_twice_names_both_lines(
    target: Target, world: Path, tmp_path: Path
) -> None:
    load_world(target.store, world)
    path = tmp_path / "requests.csv"
    path.write_text(REQUESTS_HEADER + R2 + R1 + R2.replace(",2,none,", ",1,none,"),
                    encoding="utf-8")
    _refused(target, "requests", path,
             "requests.csv:4: id: R-2 appears twice, also at requests.csv:2 "
             "(nothing was imported)")
    with target.store.transaction() as session:
        needed = session.scalar(select(RequestRow.officers_needed).where(RequestRow.code == "R-2"))
    assert needed == 2  # the stored R-2 keeps its two officers


def test_the_same_officer_twice_in_json(target: Target, tmp_path: Path) -> None:
    path = tmp_path / "officers.json"
    path.write_text('[{"id": "K-1"}, {"id": "K-2"}, {"id": "K-1", "rank": "sergeant"}]',
                    encoding="utf-8")
    code, _, err = run_cli("import", "officers", str(path), "--db", target.url,
                           "--agency", "kennesaw-ga")
    assert (code, err) == (2, "offduty: officers.json[2] (K-1): id: K-1 appears twice, also at "
                              "officers.json[0] (K-1) (nothing was imported)\n")


def test_the_same_id_at_two_agencies_is_two_officers(target: Target, tmp_path: Path) -> None:
    path = tmp_path / "officers.csv"
    path.write_text(f"{OFFICER_HEADER}\nkennesaw-ga,K-1,A,officer,active,,,\n"
                    "rockport-tx,K-1,B,officer,active,,,\n", encoding="utf-8")
    assert _import(target, "officers", path) == (
        0, "officers.csv: 2 officers rows, 2 added, 0 updated, 0 unchanged\n", "")


def test_availability_rows_are_windows_not_ids(
    target: Target, world: Path, tmp_path: Path
) -> None:
    """An officer has many windows (no duplicate-id error); the same window twice is stored
    once, as importing a file twice is harmless (docs/csv-format.md)."""
    load_world(target.store, world)
    path = tmp_path / "availability.csv"
    row = "kennesaw-ga,K-1,available,2026-12-05T06:00:00-05:00,2026-12-05T09:00:00-05:00\n"
    other = "kennesaw-ga,K-1,available,2026-12-06T06:00:00-05:00,2026-12-06T09:00:00-05:00\n"
    path.write_text(AVAILABILITY.splitlines()[0] + "\n" + row + other + row, encoding="utf-8")
    assert _import(target, "availability", path) == (
        0, "availability.csv: 3 availability rows, 2 added, 0 updated, 1 unchanged\n", "")
    assert _count(target.store, AvailabilityRow) == 3 + 2  # the world has 3 (and 1 on duty)


def test_an_id_longer_than_its_column(target: Target, tmp_path: Path) -> None:
    """PostgreSQL refuses a value longer than its column when writing; the import says so first
    (and SQLite, which would keep it, behaves the same)."""
    path = tmp_path / "officers.csv"
    path.write_text(f"{OFFICER_HEADER}\nkennesaw-ga,{'K' * 65},A,officer,active,,,\n",
                    encoding="utf-8")
    _refused(target, "officers", path,
             "officers.csv:2: id: 65 characters long; at most 64 (nothing was imported)")
    assert _count(target.store, OfficerRow) == 0


def test_a_nul_character_in_a_name_is_refused(target: Target, tmp_path: Path) -> None:
    """SQLite kept it; PostgreSQL refuses NUL in text, so the write would have failed there."""
    path = tmp_path / "officers.csv"
    path.write_text(f"{OFFICER_HEADER}\nkennesaw-ga,K-9,A\x00B,officer,active,,,\n",
                    encoding="utf-8")
    _refused(target, "officers", path,
             r"officers.csv:2: name: holds a NUL character (\u0000) (nothing was imported)")
    assert _count(target.store, OfficerRow) == 0


def test_an_end_before_its_start_names_the_row_without_an_empty_column(
    target: Target, tmp_path: Path
) -> None:
    # A check of the whole row has no column: it read "requests.csv:2: : request R-1: ...".
    path = tmp_path / "requests.csv"
    path.write_text(REQUESTS_HEADER + R1.replace("2026-12-01T12:00:00-05:00",
                                                 "2026-12-01T07:00:00-05:00"), encoding="utf-8")
    _refused(target, "requests", path,
             "requests.csv:2: request R-1: end 2026-12-01T07:00:00-05:00 is not after start "
             "2026-12-01T08:00:00-05:00 (nothing was imported)")
    assert _count(target.store, RequestRow) == 0
