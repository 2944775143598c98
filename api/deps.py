"""Dependencies the routes declare: settings, the solve pool, the job store and the caller.

The app builds one of each in `create_app` and keeps them on `app.state`; routes receive them as
`Annotated` parameters so tests can build an app with their own settings. `authorize` is the one
place an agency scope is checked, and it records the agency for the access log.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.jobstore import JobStore
from api.pool import SolvePool
from api.security import KeyRing, Principal
from api.settings import Settings

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key from `offduty keys new`, sent as `Authorization: Bearer <key>`.",
)


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_pool(request: Request) -> SolvePool:
    """The app's solve pool; 503 before startup has made it."""
    pool: SolvePool | None = request.app.state.pool
    if pool is None:
        raise HTTPException(503, "the service is starting; retry shortly", {"Retry-After": "1"})
    return pool


def get_jobs(request: Request) -> JobStore:
    jobs: JobStore = request.app.state.jobs
    return jobs


def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller behind the bearer key; 401 when there is no key or it is not one of ours."""
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None or not credentials.credentials:
        raise HTTPException(401, "missing API key: send Authorization: Bearer <key>", challenge)
    keys: KeyRing = request.app.state.keys
    principal = keys.identify(credentials.credentials)
    if principal is None:
        raise HTTPException(401, "invalid API key", challenge)
    request.state.client = principal.name
    return principal


SettingsDep = Annotated[Settings, Depends(get_settings)]
PoolDep = Annotated[SolvePool, Depends(get_pool)]
JobsDep = Annotated[JobStore, Depends(get_jobs)]
PrincipalDep = Annotated[Principal, Depends(current_principal)]


def authorize(request: Request, principal: Principal, agency_id: str) -> None:
    """403 unless the caller's key covers `agency_id`."""
    request.state.agency = agency_id
    if not principal.allows(agency_id):
        raise HTTPException(403, f"this API key does not cover agency {agency_id!r}")
