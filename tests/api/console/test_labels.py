"""Every console control has an accessible name: each page's HTML is parsed, and an input,
select or button (hidden inputs aside) must sit inside a label, be named by a `label for`, carry
`aria-label`/`aria-labelledby`, or (a button) have text."""

from __future__ import annotations

from html.parser import HTMLParser

from fastapi.testclient import TestClient

from tests.api.console.conftest import sign_in

CONTROLS = ("input", "select", "button", "textarea", "progress")


class _Controls(HTMLParser):
    """Collects each control with whether it is named; `label for` ids are matched at the end."""

    def __init__(self) -> None:
        super().__init__()
        self.labels = 0  # open <label> elements
        self.label_for: set[str] = set()
        self.found: list[tuple[str, dict[str, str], bool]] = []
        self.button: list[object] | None = None  # [attrs, text so far] of an open button

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {key: value or "" for key, value in attrs}
        if tag == "label":
            self.labels += 1
            if named.get("for"):
                self.label_for.add(named["for"])
        elif tag == "button":
            self.button = [named, ""]
        elif tag in CONTROLS and named.get("type") != "hidden":
            self.found.append((tag, named, self._named(named)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.labels -= 1
        elif tag == "button" and self.button is not None:
            attrs, text = self.button
            assert isinstance(attrs, dict) and isinstance(text, str)
            self.found.append(("button", attrs, bool(text.strip()) or self._named(attrs)))
            self.button = None

    def handle_data(self, data: str) -> None:
        if self.button is not None:
            self.button[1] = str(self.button[1]) + data

    def _named(self, attrs: dict[str, str]) -> bool:
        return self.labels > 0 or bool(attrs.get("aria-label") or attrs.get("aria-labelledby"))

    def unnamed(self) -> list[str]:
        return [f"<{tag} {attrs}>" for tag, attrs, named in self.found
                if not named and attrs.get("id") not in self.label_for]


def unnamed_controls(html: str) -> tuple[int, list[str]]:
    parser = _Controls()
    parser.feed(html)
    return len(parser.found), parser.unnamed()


def test_the_checker_finds_an_unnamed_control() -> None:
    html = ('<label>Day <input name="day"></label><label for="k">Key</label><input id="k">'
            '<input type="hidden" name="csrf"><button>Go</button><select name="s"></select>'
            '<button aria-label="Close"></button><button></button>')
    assert unnamed_controls(html) == (6, ["<select {'name': 's'}>", "<button {}>"])


def test_every_control_of_every_page_has_a_name(app_client: TestClient) -> None:
    signin = app_client.get("/signin").text
    token = sign_in(app_client)
    pages = {
        "signin": signin,
        "board": app_client.get("/", params={"day": "2026-12-01"}).text,
        "unfilled": app_client.get("/unfilled").text,
        "whynot": app_client.get("/whynot", params={
            "request": "R-9", "start": "2026-12-04T10:00:00-05:00",
            "end": "2026-12-04T14:00:00-05:00"}).text,
        "quotes": app_client.get("/quotes").text,
        "cancel": app_client.post("/actions/cancel", data={
            "csrf": token, "request": "R-1", "at": "2026-11-30T12:00:00-05:00"}).text,
        "refused": app_client.post("/actions/assign", data={
            "csrf": token, "request": "R-9", "officer": "K-1"}).text,
        "error": app_client.get("/", params={"status": "lost"}).text,
    }
    nightly = app_client.post("/actions/nightly", data={
        "csrf": token, "now": "2026-11-28T00:00:00-05:00", "time_limit_s": "5"})
    pages["nightly"] = app_client.get(nightly.headers["location"]).text
    counts = {}
    for name, html in pages.items():
        count, unnamed = unnamed_controls(html)
        assert unnamed == [], name
        counts[name] = count
    # Sign-in: the key and its button. The board: 7 filter controls, sign-out, the six action
    # forms' 4 + 2 + 6 + 3 + 4 + 5 controls, and its 3 shifts (buttons named by their request).
    # The error page is drawn without the session.
    assert counts == {"signin": 2, "board": 35, "unfilled": 1, "whynot": 1, "quotes": 7,
                      "cancel": 2, "refused": 1, "error": 0, "nightly": 2}
