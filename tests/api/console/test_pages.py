"""The console's pages: sign-in, the board, the tray, "why not", quotes, and agency isolation."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.api.console.conftest import KEYS, sign_in, signin_token

ROW_K1 = re.compile(r'<tr id="row-K-1">.*?</tr>', re.S)
QUOTE = {"start": "2026-12-01T08:00:00-05:00", "end": "2026-12-01T12:00:00-05:00",
         "received_at": "2026-11-20T09:00:00-05:00", "officers": "1"}


def post_quote(client: TestClient, token: str, **fields: str) -> Response:
    """The quote form sent with `fields` over a four-hour Kennesaw morning for one officer."""
    return client.post("/quotes", data={"csrf": token, **QUOTE, **fields})


def test_pages_without_a_session_send_the_browser_to_sign_in(app_client: TestClient) -> None:
    for path in ("/", "/unfilled", "/quotes"):
        answer = app_client.get(path)
        assert (answer.status_code, answer.headers["location"]) == (303, "/signin")


def test_a_wrong_key_is_refused_with_a_line_naming_the_key(app_client: TestClient) -> None:
    answer = app_client.post("/signin", data={"key": "od_not-a-key",
                                              "csrf": signin_token(app_client)})
    assert answer.status_code == 401
    assert "key: not a key this service knows" in answer.text
    assert "offduty_session" not in answer.headers.get("set-cookie", "")


def test_a_sign_in_without_the_forms_token_is_refused_and_issues_nothing(
    app_client: TestClient,
) -> None:
    token = signin_token(app_client)
    presession = app_client.cookies.get("offduty_signin")
    assert presession and len(token) == 64
    for data in ({"key": KEYS["kennesaw"]}, {"key": KEYS["kennesaw"], "csrf": "forged"}):
        answer = app_client.post("/signin", data=data)
        assert answer.status_code == 403 and "csrf: the sign-in form" in answer.text
        assert "offduty_session" not in answer.headers.get("set-cookie", "")
    # The right token without its cookie (another browser's form) is refused as well.
    app_client.cookies.delete("offduty_signin")
    answer = app_client.post("/signin", data={"key": KEYS["kennesaw"], "csrf": token})
    assert answer.status_code == 403 and "offduty_session" not in app_client.cookies
    assert app_client.get("/").headers["location"] == "/signin"


def test_the_sign_in_form_pairs_its_token_with_a_strict_cookie(app_client: TestClient) -> None:
    answer = app_client.get("/signin")
    cookie = answer.headers["set-cookie"].lower()
    assert cookie.startswith("offduty_signin=") and "httponly" in cookie
    assert "samesite=strict" in cookie and "path=/signin" in cookie
    assert 'name="csrf" value="' in answer.text


def test_sign_in_sets_an_httponly_strict_expiring_cookie(app_client: TestClient) -> None:
    answer = app_client.post("/signin", data={"key": KEYS["kennesaw"],
                                              "csrf": signin_token(app_client)})
    cookie = answer.headers["set-cookie"].lower()
    assert answer.status_code == 303
    assert "httponly" in cookie and "samesite=strict" in cookie and "max-age=28800" in cookie


def test_the_board_shows_each_officer_with_hours_caps_and_blocks(app_client: TestClient) -> None:
    sign_in(app_client)
    html = app_client.get("/", params={"day": "2026-12-01"}).text
    row = ROW_K1.search(html)
    assert row is not None
    # K-1 holds R-2 on Wednesday, 18:00-22:00: none of Tuesday's 12 h, 4 of the week's 24 h.
    assert '<td class="num ">0/12</td>' in row.group(0)
    assert '<td class="num ">4/24</td>' in row.group(0)
    # Availability from Tuesday 06:00 (30 h into the 168 h week) for 42 h.
    assert 'class="b available" style="left:17.857%;width:25.0%"' in row.group(0)
    assert 'class="b proposed" style="left:39.286%;width:2.381%"' in row.group(0)
    assert 'id="row-K-3"' in html and 'class="b on-duty"' in html
    assert "3 officer(s), 3 shift(s) in view." in html


def test_the_board_filters_by_request_and_status(app_client: TestClient) -> None:
    sign_in(app_client)
    html = app_client.get("/", params={"day": "2026-12-01", "request": "R-2"}).text
    assert re.findall(r'<tr id="row-([^"]+)"', html) == ["K-1", "K-2"]
    html = app_client.get("/", params={"day": "2026-12-01", "status": "confirmed"}).text
    assert "0 officer(s), 0 shift(s) in view." in html


def test_a_bad_filter_is_a_400_naming_the_field(app_client: TestClient) -> None:
    sign_in(app_client)
    answer = app_client.get("/", params={"status": "lost"})
    assert answer.status_code == 400 and "status: one of proposed, confirmed, worked" in answer.text
    assert app_client.get("/", params={"day": "12/01"}).status_code == 400


@pytest.mark.parametrize(("params", "said"), [
    ({"day": "0001-01-01"}, "day: 0001-01-01 is outside the supported years 1971-2199"),
    ({"day": "9999-12-31"}, "day: 9999-12-31 is outside the supported years 1971-2199"),
    ({"officer": "a\x00b"}, "officer: holds a control character (U+0000); plain text only"),
    ({"request": "R-\x1b[31m"}, "request: holds a control character (U+001B); plain text only"),
])
def test_a_day_out_of_the_years_or_a_control_character_is_a_400(
    app_client: TestClient, params: dict[str, str], said: str
) -> None:
    # Year 1 or 9999 answered 500 (an overflow building the week); a NUL or a terminal escape
    # in a filter was echoed raw into the page's form.
    sign_in(app_client)
    answer = app_client.get("/", params=params)
    assert answer.status_code == 400 and said in answer.text


def test_a_control_character_in_a_quote_s_field_is_a_400(app_client: TestClient) -> None:
    token = sign_in(app_client)
    answer = post_quote(app_client, token, start="a\x00b\x07")
    assert answer.status_code == 400
    assert "start: holds a control character (U+0000); plain text only" in answer.text
    assert "\x00" not in answer.text


def test_the_tray_lists_the_unfilled_position_with_its_reason(app_client: TestClient) -> None:
    sign_in(app_client)
    html = app_client.get("/unfilled").text
    assert "<td>R-9</td><td>Fri 04 Dec 10:00-14:00</td>" in html
    assert '<span class="code">NO_ELIGIBLE_OFFICER</span>' in html
    assert "Refused requests (0)" in html


def test_why_not_names_the_one_rule_holding_each_officer(app_client: TestClient) -> None:
    sign_in(app_client)
    html = app_client.get("/whynot", params={"request": "R-9",
                                             "start": "2026-12-04T10:00:00-05:00",
                                             "end": "2026-12-04T14:00:00-05:00"}).text
    held = re.findall(r'<td>(K-\d) [^<]*</td><td><span class="code">([A-Z_]+)</span>', html)
    assert held == [("K-1", "NOT_AVAILABLE"), ("K-2", "NOT_AVAILABLE"), ("K-3", "NOT_AVAILABLE")]


def test_why_not_without_an_offset_is_a_400(app_client: TestClient) -> None:
    sign_in(app_client)
    answer = app_client.get("/whynot", params={"request": "R-9", "start": "2026-12-04T10:00",
                                               "end": "2026-12-04T14:00:00-05:00"})
    assert answer.status_code == 400 and "start:" in answer.text


def test_why_not_over_a_window_beyond_the_request_is_a_400(app_client: TestClient) -> None:
    # A window to 2199 held a server thread for minutes, checking it day by day.
    sign_in(app_client)
    answer = app_client.get("/whynot", params={"request": "R-9",
                                               "start": "2026-12-04T10:00:00-05:00",
                                               "end": "2199-12-31T23:00:00-05:00"})
    assert answer.status_code == 400
    assert ("end: 2026-12-04T10:00:00-05:00 to 2199-12-31T23:00:00-05:00 is not within R-9 "
            "(2026-12-04T10:00:00-05:00 to 2026-12-04T14:00:00-05:00)") in answer.text


def test_a_quote_in_year_9999_is_a_400(app_client: TestClient) -> None:
    # It priced into an overflow: a 500.
    token = sign_in(app_client)
    answer = post_quote(app_client, token, end="9999-12-31T23:59:00+00:00")
    assert answer.status_code == 400
    assert "end: 9999-12-31T23:59:00+00:00 is outside the supported years 1971-2199" in answer.text


def test_a_rockport_session_never_sees_kennesaw(app_client: TestClient) -> None:
    sign_in(app_client, "rockport")
    for path in ("/", "/unfilled", "/quotes"):
        answer = app_client.get(path, params={"agency": "kennesaw-ga"})
        assert answer.status_code == 403
        assert "does not cover agency &#39;kennesaw-ga&#39;" in answer.text
    own = app_client.get("/").text
    assert "RP-7" in own
    assert "K-1" not in own and "R-2" not in own and "A. One" not in own
    assert app_client.get("/unfilled").text.count("R-9") == 0


def test_the_quote_form_prices_with_the_rate_engine(app_client: TestClient) -> None:
    token = sign_in(app_client)
    answer = post_quote(app_client, token, officers="2")
    # Kennesaw regular $76.05 x 4 h x 2 officers.
    assert answer.status_code == 200 and '<strong id="quote-total">608.40</strong>' in answer.text
    bad = app_client.post("/quotes", data={"csrf": token, "start": "2026-12-01T08:00",
                                           "end": "2026-12-01T12:00:00-05:00",
                                           "received_at": "2026-11-20T09:00:00-05:00"})
    assert bad.status_code == 400 and "start" in bad.text
