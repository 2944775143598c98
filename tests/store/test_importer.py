"""Import: all rows or none, errors naming the line and the column, re-import changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cli.main import main
from models import InputError
from store import Store
from store.importer import import_file
from store.schema import AvailabilityRow, OfficerRow, OnDutyRow, RequestRow
from tests.store.world import OFFICERS, R1, REQUESTS_HEADER, load_world


def count(store: Store, table: type) -> int:
    with store.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_world_imports_every_row(store: Store, world: Path) -> None:
    load_world(store, world)
    assert (count(store, OfficerRow), count(store, AvailabilityRow), count(store, OnDutyRow),
            count(store, RequestRow)) == (3, 3, 1, 2)


def test_a_bad_row_names_its_line_and_column_and_writes_nothing(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "officers.csv"
    path.write_text(OFFICERS + "kennesaw-ga,K-4,D. Four,general,active,,,\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_file(store, "officers", path)
    assert str(caught.value).startswith("officers.csv:5: rank: Input should be 'officer'")
    assert "nothing was imported" in str(caught.value)
    assert count(store, OfficerRow) == 0


def test_a_bad_nested_request_cell_is_named_by_its_column(store: Store, world: Path,
                                                           tmp_path: Path) -> None:
    import_file(store, "officers", world / "officers.csv")
    path = tmp_path / "requests.csv"
    path.write_text(REQUESTS_HEADER + R1 + R1.replace("R-1", "R-9").replace(",none,", ",boat,"),
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"^requests.csv:3: vehicle_kind: Input should be"):
        import_file(store, "requests", path)
    assert count(store, RequestRow) == 0


def test_a_request_the_card_cannot_price_is_refused_at_import(store: Store, world: Path,
                                                               tmp_path: Path) -> None:
    # Stored, an unknown contract rate failed the agency's whole nightly.
    path = tmp_path / "requests.csv"
    loose = R1.replace("regular,,", "regular,samaritans purse,")
    path.write_text(REQUESTS_HEADER + loose + R1.replace("R-1", "R-9").replace(
        "regular,,", "regular,Acme Corp,"), encoding="utf-8")
    with pytest.raises(InputError, match=r"^requests.csv:3: customer_rate: kennesaw-ga has no "
                       r"contract rate 'Acme Corp' \(known: Samaritan's Purse\)"):
        import_file(store, "requests", path)
    assert count(store, RequestRow) == 0
    path.write_text(REQUESTS_HEADER + loose, encoding="utf-8")
    assert import_file(store, "requests", path).added == 1  # the card's name, loosely written


def test_a_request_longer_than_the_service_takes_is_refused_at_import(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "requests.csv"
    path.write_text(REQUESTS_HEADER + R1.replace("2026-12-01T12:00:00-05:00",
                                                 "2027-12-01T08:00:00-05:00"), encoding="utf-8")
    with pytest.raises(InputError, match=r"^requests.csv:2: end: the request lasts 8760 hours; "
                       r"a request lasts at most 336 \(a longer contract is one request a day "
                       r"or a week\)$"):
        import_file(store, "requests", path)
    assert count(store, RequestRow) == 0


def test_a_quote_left_open_or_a_column_twice_is_refused(store: Store, tmp_path: Path) -> None:
    # Both were imported: the open quote swallowed the rest of its row into the name, and the
    # later of two id columns silently won.
    path = tmp_path / "officers.csv"
    path.write_text(OFFICERS + 'kennesaw-ga,K-4,"D. Four,officer,active,,,\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"^officers.csv:\d+: not valid CSV: unexpected end"):
        import_file(store, "officers", path)
    path.write_text("agency,id,id,name\nkennesaw-ga,K-1,K-9,A. One\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^officers.csv:1: column 'id' appears twice"):
        import_file(store, "officers", path)
    assert count(store, OfficerRow) == 0


def test_a_row_failing_while_written_rolls_back_the_file(store: Store, world: Path,
                                                         tmp_path: Path) -> None:
    import_file(store, "officers", world / "officers.csv")
    path = tmp_path / "availability.csv"
    path.write_text(
        "officer_id,start,end\n"
        "K-1,2026-12-01T06:00:00-05:00,2026-12-01T10:00:00-05:00\n"
        "K-77,2026-12-01T06:00:00-05:00,2026-12-01T10:00:00-05:00\n",
        encoding="utf-8",
    )
    message = r"^availability.csv:3: officer_id: unknown officer 'K-77'"
    with pytest.raises(InputError, match=message):
        import_file(store, "availability", path)
    assert count(store, AvailabilityRow) == 0


def test_a_naive_time_is_refused(store: Store, world: Path, tmp_path: Path) -> None:
    import_file(store, "officers", world / "officers.csv")
    path = tmp_path / "availability.csv"
    path.write_text("officer_id,start,end\nK-1,2026-12-01T06:00:00,2026-12-01T10:00:00-05:00\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"^availability.csv:2: start: .*timezone"):
        import_file(store, "availability", path)


def test_an_unknown_column_is_reported_on_line_1(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "officers.csv"
    path.write_text("agency,id,badge\nkennesaw-ga,K-1,7\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^officers.csv:1: unknown column 'badge'"):
        import_file(store, "officers", path)


def test_importing_the_same_files_again_changes_nothing(store: Store, world: Path) -> None:
    load_world(store, world)
    reports = [import_file(store, k, world / f"{k}.csv")
               for k in ("officers", "availability", "requests")]
    assert [(r.added, r.updated, r.unchanged) for r in reports] == [(0, 0, 3), (0, 0, 4), (0, 0, 2)]
    assert count(store, AvailabilityRow) + count(store, OnDutyRow) == 4


def test_a_changed_request_is_updated_in_place(store: Store, world: Path, tmp_path: Path) -> None:
    load_world(store, world)
    path = tmp_path / "requests.csv"
    path.write_text(REQUESTS_HEADER + R1.replace(",1,none,", ",2,none,"), encoding="utf-8")
    report = import_file(store, "requests", path)
    assert (report.added, report.updated) == (0, 1)
    with store.transaction() as session:
        row = session.scalar(select(RequestRow).where(RequestRow.code == "R-1"))
        assert row is not None and row.officers_needed == 2


def test_json_officers_bring_their_windows_and_errors_name_the_item(
    store: Store, tmp_path: Path
) -> None:
    good = {"agency": "kennesaw-ga", "officers": [
        {"id": "K-1", "availability": [
            {"start": "2026-12-01T06:00:00-05:00", "end": "2026-12-01T10:00:00-05:00"}]},
    ]}
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(good), encoding="utf-8")
    assert import_file(store, "officers", path).added == 1
    assert count(store, AvailabilityRow) == 1
    bad = {"officers": [{"id": "K-2"}, {"id": "K-3", "status": "retired"}]}
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(InputError, match=r"^problem.json\[1\] \(K-3\): status: Input should be"):
        import_file(store, "officers", path)
    assert count(store, OfficerRow) == 1


def test_the_command_reports_a_bad_row_in_one_line_and_exits_2(
    target: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "officers.csv"
    path.write_text("id,rank\nK-1,officer\nK-2,chief\n", encoding="utf-8")
    url = target.url  # type: ignore[attr-defined]
    code = main(["import", "officers", str(path), "--db", url, "--agency", "kennesaw-ga"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("offduty: officers.csv:3: rank: Input should be")
    assert err.count("\n") == 1


def test_line_numbers_count_blank_lines_and_multiline_cells(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "officers.csv"
    path.write_text('id,name,rank\nK-1,"Ortiz,\nJ.",officer\n\nK-2,B. Two,major\n',
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"^officers.csv:5: rank: "):
        import_file(store, "officers", path, agency="kennesaw-ga")


def test_a_qualification_no_rule_looks_for_is_kept_and_said(
    target: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # "Traffic" or "trafic" imported silently, and the officer then qualified for no traffic job.
    path = tmp_path / "officers.csv"
    path.write_text("id,qualifications\nK-1,traffic\nK-2,Traffic\nK-3,trafic;vehicle\n",
                    encoding="utf-8")
    url = target.url  # type: ignore[attr-defined]
    code = main(["import", "officers", str(path), "--db", url, "--agency", "kennesaw-ga"])
    known = "(known: traffic, vehicle, liquor_venue); kept as given"
    assert (code, capsys.readouterr().out) == (0, (
        "officers.csv: 3 officers rows, 3 added, 0 updated, 0 unchanged\n"
        f"note: officers.csv:3: K-2 holds 'Traffic', which no rule looks for {known}\n"
        f"note: officers.csv:4: K-3 holds 'trafic', which no rule looks for {known}\n"))
