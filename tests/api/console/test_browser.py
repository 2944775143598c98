"""End to end in Chromium: sign in, the demo week's board, a refused hand move with its rule
code, a valid move, confirm, and a cancellation whose charge is the rate engine's.

Skips only when Chromium or chromedriver is missing locally; with `CI` or
`OFFDUTY_TEST_BROWSER=1` set (the CI script sets it) a missing browser fails the test.
Screenshots go to a temporary folder, or with `OFFDUTY_SCREENSHOTS=docs/img` to the README's
pictures (so a test run leaves the working tree as it was). The last part of the flow turns the
window to a tablet's 768x1024: no page scrolls sideways, and `console-tablet.png` shows the board.
"""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import uvicorn

from api.main import create_app
from cli.demo import APPROVED, DEMO_NOW, demo_files
from models import Agency
from scheduler.agencies import get_agency
from scheduler.pricing.rates import effective_policy, price_cancellation
from store import open_store
from store.approvals import approve
from store.duty_import import import_on_duty
from store.importer import import_file
from store.nightly import run_nightly
from store.records import request_by_code, request_from_row
from tests.api.conftest import KENNESAW_KEY, settings

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
ROOT = Path(__file__).resolve().parents[3]
REQUIRED = bool(os.environ.get("CI") or os.environ.get("OFFDUTY_TEST_BROWSER"))
pytestmark = pytest.mark.browser


def _browser_or_skip() -> None:
    missing = [p for p in (CHROMIUM, DRIVER) if not Path(p).exists()]
    if missing and not REQUIRED:
        pytest.skip(f"no {' or '.join(missing)} (apt-get install chromium chromium-driver)")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    """The demo week after its nightly run, served on a free local port."""
    _browser_or_skip()
    store = open_store(tmp_path_factory.mktemp("browser") / "offduty.db")
    for kind in ("officers", "availability", "requests"):
        import_file(store, kind, demo_files() / f"{kind}.csv")
    import_on_duty(store, demo_files() / "on_duty.csv")
    approve(store, APPROVED, "out_of_city_uniform", "Chief Westbrook", "OC-2026-00032")
    run_nightly(store, now=datetime.fromisoformat(DEMO_NOW), horizon_days=7, time_limit_s=3)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(settings(), store=store), host="127.0.0.1", port=port,
                            log_config=None, access_log=False)
    runner = uvicorn.Server(config)
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    while not runner.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", store
    runner.should_exit = True
    thread.join(10)
    store.close()


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1280,800",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield browser
    browser.quit()


def _fill(driver: object, element_id: str, value: str) -> None:
    from selenium.webdriver.common.by import By

    field = driver.find_element(By.ID, element_id)  # type: ignore[attr-defined]
    field.clear()
    field.send_keys(value)


def _shot(driver: object, name: str) -> None:
    folder = os.environ.get("OFFDUTY_SCREENSHOTS")
    shots = ROOT / folder if folder else Path(tempfile.gettempdir()) / "offduty-console-shots"
    shots.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(shots / f"console-{name}.png"))  # type: ignore[attr-defined]


def _expected_charge(store: object, request: str, notice: str, officers: int) -> str:
    """The rate engine's charge for cancelling the request's confirmed officers."""
    with store.transaction() as session:  # type: ignore[attr-defined]
        row = request_by_code(session, request, "kennesaw-ga")
        agency: Agency = get_agency("kennesaw-ga")
        charge = price_cancellation(request_from_row(row, {agency.id: agency}),
                                    row.start.astimezone(agency.tz), row.end.astimezone(agency.tz),
                                    officers, datetime.fromisoformat(notice), agency,
                                    effective_policy(agency))
    return f"{charge.total:.2f}"


def test_a_dispatcher_works_the_demo_week_in_chromium(server: tuple[str, object],
                                                      driver: object) -> None:
    from selenium.webdriver.common.by import By

    base, store = server
    d = driver
    started = time.monotonic()
    d.get(base + "/")  # type: ignore[attr-defined]
    assert d.current_url.endswith("/signin")  # type: ignore[attr-defined]
    _shot(d, "signin")
    _fill(d, "key", KENNESAW_KEY)
    d.find_element(By.CSS_SELECTOR, "form[action='/signin'] button").click()  # type: ignore
    _settled(d, "/", away_from="/signin")
    d.get(base + "/?day=2026-12-08")  # type: ignore[attr-defined]
    rows = d.find_elements(By.CSS_SELECTOR, "#board tbody tr")  # type: ignore[attr-defined]
    assert len(rows) == 60
    _shot(d, "board")
    d.get(base + "/unfilled")  # type: ignore[attr-defined]
    _shot(d, "unfilled")
    board = base + "/?day=2026-12-09"
    d.get(board)  # type: ignore[attr-defined]
    _submit(d, "unassign", {"unassign-request": "REQ-00001", "unassign-officer": "K-0017"})
    d.get(board)  # type: ignore[attr-defined]
    # K-0002 declared no availability on Wednesday morning: the validator refuses the move.
    _submit(d, "assign", {"assign-request": "REQ-00001", "assign-officer": "K-0002"})
    assert d.find_element(By.ID, "refused-code").text == "NOT_AVAILABLE"  # type: ignore
    _shot(d, "refused-move")
    d.get(board)  # type: ignore[attr-defined]
    _submit(d, "assign", {"assign-request": "REQ-00001", "assign-officer": "K-0017"})
    assert "REQ-00001: K-0017 placed" in d.find_element(By.ID, "result").text  # type: ignore
    d.get(board)  # type: ignore[attr-defined]
    _submit(d, "confirm", {"confirm-request": "REQ-00001"})
    assert d.find_element(By.ID, "result").text == "confirmed 1 proposed shift(s) on REQ-00001"
    d.get(board)  # type: ignore[attr-defined]
    _shot(d, "board-confirmed")
    notice = "2026-12-08T12:00:00-05:00"
    _submit(d, "cancel", {"cancel-request": "REQ-00001", "cancel-at": notice}, "cancel-preview")
    total = d.find_element(By.ID, "cancel-total").text  # type: ignore[attr-defined]
    assert total == _expected_charge(store, "REQ-00001", notice, 2)
    _shot(d, "cancel-charge")
    d.find_element(By.ID, "cancel-commit").click()  # type: ignore[attr-defined]
    # The preview is already under /actions/, so wait for the committed page's result itself.
    assert f"charge {total}" in _result(d)
    _on_a_tablet(d, base)
    print(f"browser flow: {time.monotonic() - started:.1f} s")


def _on_a_tablet(d: object, base: str) -> None:
    """At 768x1024 the board fits the page: no horizontal scrollbar, every control reachable."""
    from selenium.webdriver.common.by import By

    d.set_window_size(768, 1024)  # type: ignore[attr-defined]
    try:
        for path in ("/?day=2026-12-08", "/unfilled", "/quotes"):
            d.get(base + path)  # type: ignore[attr-defined]
            widths = d.execute_script(  # type: ignore[attr-defined]
                "return [document.documentElement.scrollWidth, "
                "document.documentElement.clientWidth]")
            assert widths[0] <= widths[1], (path, widths)
        d.get(base + "/?day=2026-12-08")  # type: ignore[attr-defined]
        board = d.find_element(By.ID, "board")  # type: ignore[attr-defined]
        assert board.size["width"] <= 768
        _shot(d, "tablet")
    finally:
        d.set_window_size(1280, 800)  # type: ignore[attr-defined]


def _submit(d: object, form: str, values: dict[str, str], button: str = "") -> None:
    from selenium.webdriver.common.by import By

    for element_id, value in values.items():
        _fill(d, element_id, value)
    d.find_element(By.ID, button or f"{form}-submit").click()  # type: ignore[attr-defined]
    _settled(d, "/actions/")


def _result(d: object) -> str:
    """The text of the action's result, once the page that carries it has loaded."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    found = WebDriverWait(d, 60).until(  # type: ignore[arg-type]
        ec.presence_of_element_located((By.ID, "result")))
    return str(found.text)


def _settled(d: object, path: str, away_from: str = "\0") -> None:
    """Wait until the browser has loaded a page under `path` (a click does not wait)."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(d, 60).until(  # type: ignore[arg-type]
        lambda b: path in b.current_url and away_from not in b.current_url
        and b.execute_script("return document.readyState") == "complete")


def test_tab_from_the_top_lands_on_the_skip_link_and_enter_moves_to_main(
    server: tuple[str, object], driver: object
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    base, _ = server
    d = driver
    d.get(base + "/unfilled")  # type: ignore[attr-defined]
    if d.current_url.endswith("/signin"):  # type: ignore[attr-defined]
        _fill(d, "key", KENNESAW_KEY)
        d.find_element(By.CSS_SELECTOR, "form[action='/signin'] button").click()  # type: ignore
        _settled(d, "/", away_from="/signin")
    started = time.monotonic()
    for path in ("/?day=2026-12-08", "/unfilled", "/quotes"):
        d.get(base + path)  # type: ignore[attr-defined]
        ActionChains(d).send_keys(Keys.TAB).perform()  # type: ignore[arg-type]
        focused = d.switch_to.active_element  # type: ignore[attr-defined]
        assert (focused.tag_name, focused.text) == ("a", "Skip to main content"), path
        ActionChains(d).send_keys(Keys.ENTER).perform()  # type: ignore[arg-type]
        assert d.switch_to.active_element.get_attribute("id") == "main", path  # type: ignore
    assert time.monotonic() - started < 2
