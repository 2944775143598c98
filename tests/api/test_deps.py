"""The caller and the scope check: 401 without a known key, 403 outside the key's agencies."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fastapi import HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials

from api.deps import authorize, current_principal
from api.security import KeyRing, Principal
from tests.api.conftest import ENTRIES, ROCKPORT_KEY


def _request() -> Request:
    app = SimpleNamespace(state=SimpleNamespace(keys=KeyRing(ENTRIES)))
    return Request({"type": "http", "app": app, "headers": [], "state": {}})


def test_known_key_names_the_caller_for_the_log() -> None:
    request = _request()
    credentials = HTTPAuthorizationCredentials(scheme="Bearer", credentials=ROCKPORT_KEY)
    principal = current_principal(request, credentials)
    assert principal == Principal("rockport-dispatch", frozenset({"rockport-tx"}))
    assert request.scope["state"]["client"] == "rockport-dispatch"


@pytest.mark.parametrize("credentials", [None, "", "od_unknown"])
def test_missing_or_unknown_key_is_401_with_a_challenge(credentials: str | None) -> None:
    given = None if credentials is None else HTTPAuthorizationCredentials(
        scheme="Bearer", credentials=credentials)
    with pytest.raises(HTTPException) as caught:
        current_principal(_request(), given)
    assert caught.value.status_code == 401
    assert caught.value.headers == {"WWW-Authenticate": "Bearer"}


def test_authorize_records_the_agency_and_refuses_outside_the_scope() -> None:
    request = _request()
    principal = Principal("rockport-dispatch", frozenset({"rockport-tx"}))
    authorize(request, principal, "rockport-tx")
    assert request.scope["state"]["agency"] == "rockport-tx"
    with pytest.raises(HTTPException) as caught:
        authorize(request, principal, "kennesaw-ga")
    assert caught.value.status_code == 403
    assert request.scope["state"]["agency"] == "kennesaw-ga"  # the log shows what was refused
