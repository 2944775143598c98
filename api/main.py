"""The offduty HTTP service: `create_app` assembles settings, keys, the solve pool and routers.

Run it with `offduty serve`. Proposals solve in the process's pool, each in a child process.
Jobs live in memory, or with `OFFDUTY_JOBS_DATABASE` in the store, where several processes
share them (`api.durable`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from api import errors
from api.console import actions, pages
from api.console.errors import install as install_console
from api.console.session import SessionSigner
from api.durable import DurableJobs
from api.isolation import warm
from api.jobstore import JobStore
from api.middleware import BodyLimitMiddleware, RequestContextMiddleware
from api.pool import SolvePool
from api.routes import agencies, approvals, health, jobs, quotes, requests, rosters
from api.security import build_key_ring
from api.settings import Settings
from store import Store
from store.db import open_store

logger = logging.getLogger(__name__)

DESCRIPTION = """Staff off-duty police requests with eligible officers, spread the hours fairly,
explain every unfilled request, and bill the customer from the agency's rate card.

Every `/v1` route needs an API key (`Authorization: Bearer <key>`, made by `offduty keys new`);
a key covers the agencies it was made for."""


def create_app(
    settings: Settings | None = None, *, store: Store | None = None, database: str | None = None
) -> FastAPI:
    """The app; the console serves `store` (else the one at `database`, else the environment's,
    opened on first use)."""
    settings = settings or Settings()
    keys = build_key_ring(settings.api_keys_file, settings.api_keys)
    if not len(keys):
        logger.warning("no API keys configured: every /v1 request will be refused")
    job_store = JobStore(settings.job_ttl_s, settings.max_jobs)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The pool's threads belong to one run of the app: made at startup, stopped at shutdown.
        if settings.solve_in_child:
            # Before the first request: the fork server's start is no solve's time (isolation).
            await run_in_threadpool(warm)
        pool = SolvePool(settings.solve_workers, settings.queue_size, settings.stop_grace_s)
        app.state.pool = pool
        if settings.jobs_database:
            # Jobs in the store: any process on that database answers for them (api.durable).
            durable = DurableJobs(open_store(settings.jobs_database), settings)
            durable.start()
            app.state.durable = durable
        try:
            yield
        finally:
            job_store.cancel_all()
            pool.shutdown(wait=False)
            if app.state.durable is not None:
                app.state.durable.stop()
                app.state.durable.store.close()

    app = FastAPI(title="offduty", version="1", description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    app.state.keys = keys
    app.state.pool = None
    app.state.jobs = job_store
    app.state.durable = None
    app.state.store = store
    app.state.database = database
    app.state.console_signer = SessionSigner(settings.console_secret, settings.console_session_s)

    for module in (rosters, jobs, quotes, requests, agencies, approvals, health):
        app.include_router(module.router)
    for console in (pages, actions):
        app.include_router(console.router)
    app.mount("/static", StaticFiles(packages=[("api.console", "static")]), name="static")
    errors.install(app)
    install_console(app)
    # Added last, so it runs first: the request id exists before the size check answers.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContextMiddleware)
    return app
