"""`GET /healthz` (the process answers) and `GET /readyz` (it can take a solve now)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.pool import SolvePool
from api.schemas import Health, PoolStats, Readiness
from api.settings import Settings
from models.common import InputError
from scheduler.agencies import agencies_dir, get_agency, shipped_agency_ids

router = APIRouter(tags=["health"])


def _agencies_load() -> bool:
    """The shipped agencies load and the agencies folder, when set, is a folder (one broken
    folder file fails only its own agency's calls, not the whole service)."""
    try:
        for agency_id in shipped_agency_ids():
            get_agency(agency_id)
        agencies_dir()
    except (InputError, OSError):
        return False
    return True


@router.get("/healthz", response_model=Health, summary="Liveness",
            responses={200: {"content": {"application/json": {"example": {"status": "ok"}}}}})
async def healthz() -> Health:
    """Answers as long as the event loop does, however busy the solvers are."""
    return Health()


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="Readiness",
    responses={
        200: {"content": {"application/json": {"example": {
            "status": "ready",
            "checks": {"pool": True, "agencies": True},
            "pool": {"workers": 2, "queue_size": 8, "running": 0, "queued": 0},
            "checked_at": "2026-12-01T12:00:00+00:00",
        }}}},
        503: {"model": Readiness, "description": "Not ready: a check failed."},
    },
)
def readyz(request: Request) -> JSONResponse:
    """Ready when the solve pool takes work, and the shipped agencies load."""
    pool: SolvePool | None = request.app.state.pool
    settings: Settings = request.app.state.settings
    stats = pool.stats() if pool is not None else {
        "workers": settings.solve_workers, "queue_size": settings.queue_size,
        "running": 0, "queued": 0,
    }
    checks = {
        "pool": pool is not None and pool.alive,
        "agencies": _agencies_load(),
    }
    ready = all(checks.values())
    body = Readiness(
        status="ready" if ready else "not_ready",
        checks=checks,
        pool=PoolStats(**stats),
        checked_at=datetime.now(UTC),
    )
    return JSONResponse(status_code=200 if ready else 503, content=body.model_dump(mode="json"))
