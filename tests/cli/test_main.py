"""The entry point as a newcomer meets it: `offduty` alone and `offduty --version`."""

from __future__ import annotations

from importlib import metadata

from tests.cli.clirun import run_cli


def test_bare_offduty_prints_the_commands_and_succeeds() -> None:
    code, out, err = run_cli()
    assert (code, err) == (0, "")
    assert out.startswith("usage: offduty")
    assert "nightly" in out and "Scheduler and rate engine for off-duty police work." in out


def test_version_names_the_installed_distribution() -> None:
    code, out, _ = run_cli("--version")
    assert (code, out) == (0, f"offduty {metadata.version('offduty')}\n")
