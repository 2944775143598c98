"""Fuzz the command line (issue #12): whatever a user types or points `quote`, `solve`, `import`
or `nightly` at, the answer is never a traceback and never an internal error.

Each case changes one numeric, time or file input of a valid command line to a generated value
(huge, infinite, nan, negative, tiny, not a number, a far year, bytes that are not UTF-8, a CSV
cell beyond the csv module's limit, a --db that is not a database) and checks: exit status 0, 1
or 2; no "Traceback" and no "internal error" on stderr; a refusal (2) is one line that names the
field or the file. A roster that comes out is checked by the solver-independent validator. The
CLI runs in-process through `main(argv)`; each test asserts how many cases it ran.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.problem import Problem
from models.result import RosterResult
from scheduler.validate.validator import validate
from store import open_store
from tests.cli.clirun import TINY_PROBLEM, run_cli
from tests.store.world import write_world

FUZZ = settings(max_examples=250, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Numbers as a user might type them; floats and integers of every size come on top.
NASTY_WORDS = ["inf", "-inf", "nan", "Infinity", "-Infinity", "NaN", "1e999", "-1e999", "1e308",
               "-1e308", "0", "-0", "-1", "1e-320", "99999999999999999999", "9" * 40, "", " ",
               "abc", "0x10", "1_000", "١٢"]
NUMBERS = st.one_of(
    st.sampled_from(NASTY_WORDS),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
)
YEARS = st.one_of(st.sampled_from([1, 1970, 1971, 2199, 2200, 9999]), st.integers(1, 9999))
OFFSETS = st.sampled_from(["-05:00", "+05:00", "+14:00", "-12:00", "Z"])

CASES: dict[str, int] = {}


def _check(command: str, code: int, err: str, names: tuple[str, ...]) -> None:
    """The contract of every case; `names` are the words a refusal may name the input by."""
    CASES[command] = CASES.get(command, 0) + 1
    assert "Traceback" not in err
    assert "internal error" not in err
    assert code in (0, 1, 2), err
    if code == 2:
        assert err.startswith("offduty: ") and err.count("\n") == 1, err
        assert any(name in err for name in names), (names, err)


def _time(year: int, offset: str, clock: str = "12:00:00") -> str:
    return f"{year:04d}-06-15T{clock}{offset}"


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A store holding the small world, one with its officers only (nightly then has nothing to
    solve), and --db targets that are not usable stores."""
    folder = tmp_path_factory.mktemp("fuzz")
    world = write_world(folder / "world")
    full, officers_only = folder / "full.db", folder / "officers.db"
    for db, kinds in ((full, ("officers", "availability", "requests")),
                      (officers_only, ("officers",))):
        open_store(db).close()
        for kind in kinds:
            assert run_cli("import", kind, str(world / f"{kind}.csv"), "--db", str(db))[0] == 0
    (folder / "text.db").write_text("not a database\n", encoding="utf-8")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    started = time.monotonic()
    yield {
        "full": str(full), "officers": str(officers_only), "text": str(folder / "text.db"),
        "png": str(folder / "image.png"), "under-file": str(folder / "text.db" / "sub" / "s.db"),
        "folder": str(folder), "unreachable": "postgresql://u:secret@127.0.0.1:1/offduty",
        "tmp": str(folder),
    }
    print(f"\nCLI fuzz: {sum(CASES.values())} cases {dict(sorted(CASES.items()))} "
          f"in {time.monotonic() - started:.1f} s")


DB_TARGETS = st.sampled_from(["text", "png", "under-file", "folder", "unreachable"])


# -- quote ------------------------------------------------------------------------------------

QUOTE = ["quote", "--agency", "rockport-tx", "--vehicle", "moving"]


def test_quote_fuzz() -> None:
    before = CASES.get("quote", 0)

    @FUZZ
    @given(field=st.sampled_from(["--officers", "--miles", "times"]), number=NUMBERS,
           year=YEARS, offset=OFFSETS)
    def case(field: str, number: str, year: int, offset: str) -> None:
        times = {"--start": _time(2026, "-06:00", "20:00:00"),
                 "--end": _time(2026, "-06:00", "23:00:00"),
                 "--received": _time(2026, "-06:00", "08:00:00")}
        numbers = {"--officers": "2", "--miles": "10"}
        if field == "times":
            times = {"--start": _time(year, offset, "20:00:00"),
                     "--end": _time(year, offset, "23:00:00"),
                     "--received": _time(year, offset, "08:00:00")}
            names: tuple[str, ...] = ("start", "end", "received")
        else:
            numbers[field] = number
            names = (field, field.lstrip("-"), "vehicle.miles")
        argv = [*QUOTE, *(x for pair in times.items() for x in pair),
                *(f"{k}={v}" for k, v in numbers.items())]
        code, out, err = run_cli(*argv)
        _check("quote", code, err, names)
        if code == 0:
            assert out.splitlines()[-1].endswith(" USD")

    case()
    assert CASES["quote"] - before >= 250


# -- solve ------------------------------------------------------------------------------------

def _problem() -> dict[str, Any]:
    problem = copy.deepcopy(TINY_PROBLEM)
    problem["agency"] = "rockport-tx"  # it offers a moving vehicle, so miles are priced
    problem["requests"][0]["vehicle"] = {"kind": "moving", "miles": 10}
    return problem


PROBLEM_FIELDS: dict[str, tuple[str, ...]] = {
    "max_hours_per_week": ("officers", "0", "max_hours_per_week"),
    "officers_needed": ("requests", "0", "officers_needed"),
    "priority": ("requests", "0", "priority"),
    "miles": ("requests", "0", "vehicle", "miles"),
    "time_limit_s": ("options", "time_limit_s"),
    "seed": ("options", "seed"),
    "min_hours": ("policy", "min_hours"),
    "travel_gap_minutes": ("policy", "travel_gap_minutes"),
}


def _json_number(word: str) -> str:
    """A typed number as it would appear in a JSON file (quoted when JSON has no such literal)."""
    try:
        json.loads(word)
        return word
    except ValueError:
        return word if word.strip("-") in ("Infinity", "NaN") else json.dumps(word)


def _problem_text(field: str, number: str, year: int) -> str:
    problem = _problem()
    if field == "years":
        return json.dumps(problem).replace("2026-", f"{year:04d}-")
    *parents, name = PROBLEM_FIELDS[field]
    node: Any = problem
    for key in parents:
        node = node[int(key)] if key.isdigit() else node.setdefault(key, {})
    node[name] = "@@"
    return json.dumps(problem).replace('"@@"', _json_number(number))


def _validated(problem_path: Path, out: str) -> None:
    problem = Problem.model_validate_json(problem_path.read_text(encoding="utf-8"))
    report = validate(problem, RosterResult.model_validate_json(out))
    assert report.ok and not report.mismatches, report


def test_solve_fuzz(stores: dict[str, str]) -> None:
    before = CASES.get("solve", 0)
    folder = Path(stores["tmp"])

    @FUZZ
    @given(field=st.sampled_from([*PROBLEM_FIELDS, "years", "bytes", "--time-limit", "--workers"]),
           number=NUMBERS, year=YEARS, data=st.binary(max_size=64))
    def case(field: str, number: str, year: int, data: bytes) -> None:
        path = folder / "problem.json"
        argv = ["solve", str(path), "--json", "--time-limit", "1"]
        names: tuple[str, ...] = (str(path), field)
        if field == "bytes":
            path.write_bytes(b'{"agency": "' + data)
        elif field.startswith("--"):
            path.write_text(json.dumps(_problem()), encoding="utf-8")
            argv += [f"{field}={number}"]
        else:
            path.write_text(_problem_text(field, number, year), encoding="utf-8")
        code, out, err = run_cli(*argv)
        _check("solve", code, err, names)
        if code == 0:
            _validated(path, out)

    case()
    assert CASES["solve"] - before >= 250


# -- import -----------------------------------------------------------------------------------

OFFICER_ROW = "agency,id,max_hours_per_week\nkennesaw-ga,K-1,{}\n"
REQUEST_ROW = ("id,employer_id,start,end,received_at,officers_needed,priority,vehicle_kind,"
               "vehicle_miles\nR-9,EMP-1,2026-12-03T08:00:00-05:00,2026-12-03T12:00:00-05:00,"
               "2026-11-20T09:00:00-05:00,{needed},{priority},static,{miles}\n")
WINDOW_ROW = "officer_id,start,end\nK-2,{},{}\n"


def _import_file(field: str, number: str, year: int, offset: str, data: bytes,
                 length: int) -> tuple[str, str, str]:
    """(kind, file name, content) with one generated value."""
    cell = number.replace(",", ";").replace('"', "'")
    if field == "max_hours_per_week":
        return "officers", "officers.csv", OFFICER_ROW.format(cell)
    if field in ("officers_needed", "priority", "vehicle_miles"):
        values = {"needed": "1", "priority": "3", "miles": "0"}
        values[{"officers_needed": "needed", "vehicle_miles": "miles"}.get(field, field)] = cell
        return "requests", "requests.csv", REQUEST_ROW.format(**values)
    if field == "years":
        start, end = _time(year, offset, "08:00:00"), _time(year, offset, "12:00:00")
        return "availability", "availability.csv", WINDOW_ROW.format(start, end)
    if field == "long":
        return "officers", "officers.csv", OFFICER_ROW.replace("K-1", "x" * length).format("")
    return "officers", "officers.csv", ""  # "bytes": the caller writes the raw bytes


def test_import_fuzz(stores: dict[str, str]) -> None:
    before = CASES.get("import", 0)
    folder = Path(stores["tmp"])

    @FUZZ
    @given(field=st.sampled_from(["max_hours_per_week", "officers_needed", "priority",
                                  "vehicle_miles", "years", "long", "bytes", "--db"]),
           number=NUMBERS, year=YEARS, offset=OFFSETS, data=st.binary(min_size=1, max_size=32),
           length=st.integers(131_000, 140_000), db=DB_TARGETS)
    def case(field: str, number: str, year: int, offset: str, data: bytes, length: int,
             db: str) -> None:
        kind, name, content = _import_file(field, number, year, offset, data, length)
        path = folder / name
        if field == "bytes":
            path.write_bytes(OFFICER_ROW.format("").encode() + data)
        else:
            path.write_text(content, encoding="utf-8")
        target = stores[db] if field == "--db" else stores["full"]
        code, _, err = run_cli("import", kind, str(path), "--db", target)
        names = ("--db",) if field == "--db" else (f"{name}:", str(path))
        _check("import", code, err, names)

    case()
    assert CASES["import"] - before >= 250


# -- nightly ----------------------------------------------------------------------------------

def test_nightly_fuzz(stores: dict[str, str]) -> None:
    before = CASES.get("nightly", 0)

    @FUZZ
    @given(field=st.sampled_from(["--time-limit", "--horizon", "--window-days", "--now", "--db"]),
           number=NUMBERS, year=YEARS, offset=OFFSETS, db=DB_TARGETS)
    def case(field: str, number: str, year: int, offset: str, db: str) -> None:
        values = {"--time-limit": "1", "--horizon": "7", "--window-days": "28",
                  "--now": _time(2026, "-05:00", "00:00:00")}
        target = stores["officers"]
        if field == "--now":
            values["--now"] = _time(year, offset)
        elif field == "--db":
            target = stores[db]
        else:
            values[field] = number
        argv = ["nightly", "--db", target, *(f"{k}={v}" for k, v in values.items())]
        code, _, err = run_cli(*argv)
        _check("nightly", code, err, (field,))

    case()
    assert CASES["nightly"] - before >= 250
