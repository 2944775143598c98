"""The README's shown scenario tables: each marked with the command that prints it, and the
July 4th comparison equal to what that command prints now (scripts/readme_outputs.py)."""

from __future__ import annotations

import pytest

from scripts.readme_outputs import README, run, shown_outputs

JULY4 = "offduty scenario compare scenarios/kennesaw-july4.yaml"


def test_every_shown_table_names_its_command() -> None:
    shown = shown_outputs(README.read_text(encoding="utf-8"))
    assert [(s.command, s.time_limited) for s in shown] == [
        (JULY4, False),
        ("offduty scenario run scenarios/kennesaw-july4.yaml --variant absences --draws 8 "
         "--seed 1", False),
        ("offduty scenario compare scenarios/rockport-minimum-hours.yaml", True),
        ("offduty scenario compare scenarios/city-scale.yaml", True),
    ]
    assert [s.body.split("\n")[0] for s in shown] == [
        "kennesaw-july4: 5 rosters", "kennesaw-july4: 9 rosters",
        "rockport-minimum-hours: 3 rosters", "city-scale: 4 rosters",
    ]


def test_a_marker_must_stand_before_a_text_block() -> None:
    with pytest.raises(ValueError, match=r"^README.md:2: a readme-output marker must stand"):
        shown_outputs("intro\n<!-- readme-output: offduty agencies -->\n\n```text\nx\n```")


@pytest.mark.slow
def test_the_july4_table_is_what_the_command_prints_now() -> None:
    # Five rosters of 50 officers, each at its proven bound within seconds of its 10 s limit.
    (july4,) = [s for s in shown_outputs(README.read_text(encoding="utf-8")) if s.command == JULY4]
    assert run(JULY4) == july4.body
