"""What every console route needs: the store, the signed-in session, the agency, templates.

A page without a valid session redirects to the sign-in page; an action (POST) without one, or
without the session's CSRF token, is refused with 403 and changes nothing. The agency comes from
the `agency` parameter, else the first agency of the store the key covers; one the key does not
cover is 403 before anything is read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from importlib import resources
from typing import Any
from urllib.parse import parse_qs

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.console.session import COOKIE, ConsoleSession, SessionSigner
from api.console.times import span, when
from models import InputError
from models.common import refuse_control
from store import Store, open_store
from store.console_sessions import is_revoked
from store.records import agency_ids

log = logging.getLogger(__name__)

_TEMPLATES = Environment(
    loader=FileSystemLoader(str(resources.files("api.console").joinpath("templates"))),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_TEMPLATES.globals.update(when=when, span=span)  # every page prints shift times one way


class SignInRequired(Exception):
    """A page asked for without a valid session: the handler sends the browser to sign in."""


def get_store(request: Request) -> Store:
    """The store the app serves (opened from the environment on first use when not given)."""
    store: Store | None = request.app.state.store
    if store is None:
        store = open_store(request.app.state.database)
        request.app.state.store = store
    return store


def signer(request: Request) -> SessionSigner:
    found: SessionSigner = request.app.state.console_signer
    return found


def current_session(request: Request) -> ConsoleSession:
    """The signed-in session, or `SignInRequired` (a page) / 403 (an action). A session signed
    out in any process sharing the store is refused (`store.console_sessions`)."""
    session = signer(request).read(request.cookies.get(COOKIE), request.app.state.keys)
    if session is not None and is_revoked(get_store(request), session.session_id):
        session = None
    if session is None:
        if request.method == "GET":
            raise SignInRequired()
        raise HTTPException(403, "not signed in, or the session has expired: sign in again")
    request.state.client = session.principal.name
    _plain(request.query_params.multi_items())
    return session


def _plain(fields: Iterable[tuple[str, str]]) -> None:
    """400 for a field holding a control character: a NUL or a terminal escape in a board
    filter or a quote's field was echoed raw into the page's form."""
    for name, value in fields:
        try:
            refuse_control(name, value)
        except InputError as exc:
            raise HTTPException(400, str(exc)) from exc


async def form_of(request: Request) -> dict[str, str]:
    """The posted form (url-encoded), one value per field."""
    body = (await request.body()).decode("utf-8", errors="replace")
    form = {name: values[-1].strip() for name, values in parse_qs(body).items()}
    _plain(form.items())
    return form


def check_csrf(request: Request, session: ConsoleSession, form: dict[str, str]) -> None:
    if not signer(request).csrf_ok(session, form.get("csrf")):
        raise HTTPException(403, "csrf: the form's token is missing or stale; reload the page")


def agencies_for(store: Store, session: ConsoleSession) -> list[str]:
    """The store's agencies this session's key covers."""
    with store.transaction() as db:
        ids = agency_ids(db)
    return [agency for agency in ids if session.principal.allows(agency)]


def chosen_agency(store: Store, session: ConsoleSession, asked: str | None) -> str:
    """The agency to show: the one asked for (403 if not covered), else the first covered."""
    if asked:
        if not session.principal.allows(asked):
            raise HTTPException(403, f"agency: this key does not cover agency {asked!r}")
        if asked not in agencies_for(store, session):
            raise HTTPException(404, f"agency: no agency {asked!r} in the store")
        return asked
    covered = agencies_for(store, session)
    if not covered:
        raise HTTPException(403, "agency: the store holds no agency this key covers")
    return covered[0]


def render(request: Request, name: str, code: int = 200, /, **context: Any) -> HTMLResponse:
    """A template with the session's name, its CSRF token and its agencies filled in."""
    session: ConsoleSession | None = context.get("session")
    if session is not None:
        context.setdefault("csrf", signer(request).csrf_token(session))
    html = _TEMPLATES.get_template(name).render(**context)
    return HTMLResponse(html, status_code=code, headers={"Cache-Control": "no-store"})
