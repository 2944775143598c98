"""Console sessions: an API key exchanged for a signed, expiring cookie and a CSRF token.

The cookie holds the key's name, its hash, the agencies it covers, an expiry and a random
session id, signed with HMAC-SHA256 under the server's secret (`console_secret`, random per
process when unset; set it when several processes serve one store). The key ring is consulted
on every request, so a key removed from the ring ends its sessions; sign-out writes the session
id to the store (`store.console_sessions`), which every process checks (`api.console.deps`).
The CSRF token is an HMAC of the session id. Before sign-in there is no session: the sign-in
form's token is an HMAC of a random pre-session cookie (double submit, SameSite=Strict).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
from dataclasses import dataclass

from api.security import KeyRing, Principal

log = logging.getLogger(__name__)

COOKIE = "offduty_session"
SIGNIN_COOKIE = "offduty_signin"


@dataclass(frozen=True)
class ConsoleSession:
    """A signed-in dispatcher: who (the key's principal), the session id and its expiry."""

    principal: Principal
    session_id: str
    expires: float


class SessionSigner:
    """Issues and checks session cookies and CSRF tokens under one secret."""

    def __init__(self, secret: str | None, lifetime_s: float) -> None:
        self._secret = (secret or secrets.token_urlsafe(32)).encode("utf-8")
        self.lifetime_s = lifetime_s

    def issue(self, principal: Principal, now: float | None = None) -> tuple[str, ConsoleSession]:
        """A cookie value for this principal, valid for `lifetime_s` from `now`."""
        moment = time.time() if now is None else now
        session = ConsoleSession(principal, secrets.token_urlsafe(16), moment + self.lifetime_s)
        payload = {"name": principal.name, "key": principal.key_id,
                   "agencies": sorted(principal.agencies), "sid": session.session_id,
                   "exp": session.expires}
        body = base64.urlsafe_b64encode(json.dumps(payload).encode("utf-8")).decode("ascii")
        return f"{body}.{self._sign(body)}", session

    def read(self, cookie: str | None, keys: KeyRing, now: float | None = None
             ) -> ConsoleSession | None:
        """The session a cookie carries, or None when it is forged, expired or its key is no
        longer configured (a signed-out session is the store's to refuse)."""
        if not cookie or "." not in cookie:
            return None
        body, signature = cookie.rsplit(".", 1)
        if not hmac.compare_digest(signature, self._sign(body)):
            return None
        try:
            payload = json.loads(base64.urlsafe_b64decode(body.encode("ascii")))
        except ValueError:
            return None
        moment = time.time() if now is None else now
        if float(payload["exp"]) <= moment:
            return None
        if not keys.has_key_id(payload["key"]):
            return None
        principal = Principal(name=payload["name"], agencies=frozenset(payload["agencies"]),
                              key_id=payload["key"])
        return ConsoleSession(principal, payload["sid"], float(payload["exp"]))

    def csrf_token(self, session: ConsoleSession) -> str:
        return self._sign("csrf:" + session.session_id)

    def csrf_ok(self, session: ConsoleSession, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(str(token), self.csrf_token(session))

    def signin_token(self, presession: str) -> str:
        """The sign-in form's token for a pre-session cookie value."""
        return self._sign("signin:" + presession)

    def signin_ok(self, presession: str | None, token: str | None) -> bool:
        return bool(presession) and bool(token) and hmac.compare_digest(
            str(token), self.signin_token(str(presession)))

    def _sign(self, text: str) -> str:
        return hmac.new(self._secret, text.encode("utf-8"), hashlib.sha256).hexdigest()
