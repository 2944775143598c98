"""Console sessions: an API key exchanged for a signed, expiring cookie and a CSRF token.

The cookie holds the key's name, its hash, the agencies it covers, an expiry and a random
session id, signed with HMAC-SHA256 under the server's secret (`console_secret`, random per
process when unset). No table is needed: the key ring is consulted on every request, so a key
removed from the ring ends its sessions, and sign-out puts the session id on a revoked list
kept until the session would have expired anyway. The CSRF token is an HMAC of the session id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
from dataclasses import dataclass

from api.security import KeyRing, Principal

log = logging.getLogger(__name__)

COOKIE = "offduty_session"


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
        self._revoked: dict[str, float] = {}
        self._lock = threading.Lock()

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
        """The session a cookie carries, or None when it is forged, expired, revoked or its key
        is no longer configured."""
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
        if float(payload["exp"]) <= moment or self._is_revoked(payload["sid"], moment):
            return None
        if not keys.has_key_id(payload["key"]):
            return None
        principal = Principal(name=payload["name"], agencies=frozenset(payload["agencies"]),
                              key_id=payload["key"])
        return ConsoleSession(principal, payload["sid"], float(payload["exp"]))

    def revoke(self, session: ConsoleSession) -> None:
        """End a session now (sign-out); the entry is dropped once the cookie has expired."""
        with self._lock:
            self._revoked[session.session_id] = session.expires

    def csrf_token(self, session: ConsoleSession) -> str:
        return self._sign("csrf:" + session.session_id)

    def csrf_ok(self, session: ConsoleSession, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(str(token), self.csrf_token(session))

    def _sign(self, text: str) -> str:
        return hmac.new(self._secret, text.encode("utf-8"), hashlib.sha256).hexdigest()

    def _is_revoked(self, session_id: str, moment: float) -> bool:
        with self._lock:
            for sid in [s for s, exp in self._revoked.items() if exp <= moment]:
                del self._revoked[sid]
            return session_id in self._revoked
