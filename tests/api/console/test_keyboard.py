"""The board, the unfilled tray and the quote form work from the keyboard: every action is a
real control (a button, a link with an address, a form field), nothing else takes clicks or
focus, a visible focus style exists, and a skip link to the main region is the first stop."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from importlib import resources

from fastapi.testclient import TestClient

from tests.api.console.conftest import sign_in

CONTROLS = {"a", "button", "input", "select", "textarea"}
HANDLERS = ("onclick", "onkeydown", "onkeyup", "onkeypress", "onmousedown", "onmouseup")


class _Focus(HTMLParser):
    """The page's focusable elements in document order, and any element that takes clicks or
    focus without being a control."""

    def __init__(self) -> None:
        super().__init__()
        self.order: list[tuple[str, dict[str, str]]] = []
        self.wrong: list[str] = []
        self.ids: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {key: value or "" for key, value in attrs}
        if "id" in named:
            self.ids[named["id"]] = tag
        handlers = [key for key in named if key in HANDLERS]
        if handlers:
            self.wrong.append(f"<{tag}> with {', '.join(handlers)}")
        if tag not in CONTROLS:
            # A div or span the script clicks (data-request) or that takes focus is no control.
            if "data-request" in named or named.get("tabindex", "-1") != "-1":
                self.wrong.append(f"<{tag} {named}> acts without being a control")
            return
        if tag == "a" and not named.get("href"):
            self.wrong.append(f"<a {named}> without an address")
        if named.get("type") != "hidden" and named.get("tabindex") != "-1":
            self.order.append((tag, named))


def focus_of(html: str) -> _Focus:
    parser = _Focus()
    parser.feed(html)
    return parser


def test_the_checker_finds_a_clickable_span_and_a_link_without_an_address() -> None:
    found = focus_of('<span data-request="R-1">R-1</span><div tabindex="0">x</div>'
                     '<a>no</a><div onclick="go()">y</div><button type="button">ok</button>')
    assert found.wrong == ["<span {'data-request': 'R-1'}> acts without being a control",
                           "<div {'tabindex': '0'}> acts without being a control",
                           "<a {}> without an address", "<div> with onclick"]
    assert [tag for tag, _ in found.order] == ["a", "button"]


def test_board_tray_and_quotes_are_usable_by_keyboard(app_client: TestClient) -> None:
    sign_in(app_client)
    pages = {"board": app_client.get("/", params={"day": "2026-12-01"}).text,
             "unfilled": app_client.get("/unfilled").text,
             "quotes": app_client.get("/quotes").text}
    for name, html in pages.items():
        found = focus_of(html)
        assert found.wrong == [], name
        # The first stop is the skip link, and it leads to the main region.
        assert found.order[0] == ("a", {"class": "skip", "href": "#main"}), name
        assert found.ids["main"] == "main", name
        assert '<main id="main" tabindex="-1">' in html, name
    # The board's three shifts in view are buttons the script fills the forms from.
    shifts = re.findall(r'<button type="button" class="b (\w+)"[^>]*data-request="([^"]+)"',
                        pages["board"])
    assert sorted(shifts) == [("proposed", "R-1"), ("proposed", "R-2"), ("proposed", "R-2")]


def test_the_stylesheet_shows_keyboard_focus_and_the_script_clicks_only_buttons() -> None:
    static = resources.files("api.console").joinpath("static")
    css = static.joinpath("console.css").read_text(encoding="utf-8")
    script = static.joinpath("console.js").read_text(encoding="utf-8")
    assert ":focus-visible { outline: 3px solid #f59e0b; outline-offset: 1px; }" in css
    assert ".skip:focus { top: .5rem; }" in css
    # The only element the script listens on is a shift's button; no key handler on anything.
    assert re.findall(r"closest\(\"([^\"]+)\"\)", script) == ["button[data-request]"]
    assert "keydown" not in script
