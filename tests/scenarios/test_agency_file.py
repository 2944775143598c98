"""A scenario names its agency by a file, relative to the scenario file's folder: the third city
(tests/data/agencies/pine-hollow-or.yaml, written by a user, not shipped) is rostered and priced
on its own card. Pine Hollow: regular $62.40 an hour, 3-hour minimum, Pacific time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from models import InputError
from scenarios.figures import REVENUE
from scenarios.runner import run
from scenarios.spec import load_scenario
from scheduler.validate import validate

PINE_HOLLOW = Path(__file__).resolve().parents[1] / "data" / "agencies" / "pine-hollow-or.yaml"

# A may work only on Monday 7 Dec, B only on Tuesday 8 Dec: one roster is possible.
TINY = """name: pine-tiny
baseline:
  agency: ../agencies/pine-hollow-or.yaml
  officers:
    - id: A
      availability: [{start: "2026-12-07T00:00:00-08:00", end: "2026-12-08T00:00:00-08:00"}]
    - id: B
      availability: [{start: "2026-12-08T00:00:00-08:00", end: "2026-12-09T00:00:00-08:00"}]
  requests:
    - id: R1
      employer: {id: E1, name: Feed store}
      start: "2026-12-07T10:00:00-08:00"
      end: "2026-12-07T12:00:00-08:00"
      received_at: "2026-11-01T09:00:00-08:00"
    - id: R2
      employer: {id: E2, name: Grange hall}
      start: "2026-12-08T18:00:00-08:00"
      end: "2026-12-08T22:00:00-08:00"
      received_at: "2026-11-01T09:00:00-08:00"
  options: {time_limit_s: 5}
variants:
  four-hour-minimum:
    - policy: {min_hours: 4}
"""


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "agencies").mkdir()
    shutil.copy(PINE_HOLLOW, tmp_path / "agencies" / "pine-hollow-or.yaml")
    (tmp_path / "scenarios").mkdir()
    path = tmp_path / "scenarios" / "tiny.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_scenario_runs_on_an_agency_file_next_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, TINY)
    monkeypatch.chdir(tmp_path / "agencies")  # the path is the scenario's, not the shell's
    scenario = load_scenario(path)
    assert not isinstance(scenario.baseline.agency, str)
    assert scenario.baseline.agency.id == "pine-hollow-or"
    done = run(scenario, executor="inline", progress=False)
    for outcome in done.outcomes:
        assert validate(outcome.job.problem, outcome.result).violations == []
    roster = {(a.request_id, a.officer_id) for a in done.of("baseline")[0].result.assignments}
    assert roster == {("R1", "A"), ("R2", "B")}
    # R1's 2 h bill as the 3-hour minimum, R2's 4 h as worked: (3 + 4) x $62.40 = $436.80;
    # with a 4-hour minimum R1 bills 4 h: (4 + 4) x $62.40 = $499.20.
    assert done.of("baseline")[0].figures[REVENUE] == 436.80
    assert done.of("four-hour-minimum")[0].figures[REVENUE] == 499.20


def test_a_missing_agency_file_names_the_scenario_line(tmp_path: Path) -> None:
    path = _write(tmp_path, TINY.replace("../agencies/pine-hollow-or.yaml", "nowhere.yaml"))
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert str(caught.value) == (f"{path}:3: baseline.agency: {path.parent / 'nowhere.yaml'}: "
                                 "cannot read file: No such file or directory")
