"""`/v1/jobs`: long solves in the background; poll for the result, or cancel.

A job takes a place in the same bounded pool as a proposal. Cancelling a queued job drops it
from the queue; cancelling a running one tells the solver to stop, and the best roster it found
appears as the cancelled job's result. Deleting a finished job forgets it. A job belongs to the
key that made it: to any other key, even one covering every agency, it does not exist (404).
With `OFFDUTY_JOBS_DATABASE` set, jobs live in the store instead (`api.durable`): any process
on that database answers for any job, and a restart loses none.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Path, Request, Response

from api import examples
from api.bodies import Deferred
from api.deps import JobsDep, PoolDep, PrincipalDep, SettingsDep, authorize
from api.durable import DurableJobs, job_status
from api.jobstore import Job, JobStore, StoreFull, new_job_id
from api.routes.common import errors
from api.schemas import JobAccepted, JobStatus
from api.security import Principal
from api.settings import Settings
from api.solving import accept, agency_id_of, busy, submit_solve
from models.problem import Problem
from store import jobs as stored
from store.schema import JobRow

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])

JobId = Annotated[str, Path(max_length=64, description="The id `POST /v1/jobs` returned.")]


def _missing(job_id: str) -> HTTPException:
    # Another key's job answers exactly as a missing one: its id says nothing.
    return HTTPException(404, f"no job {job_id!r} (finished jobs are kept for a while only)")


def _stored(durable: DurableJobs, job_id: str, request: Request, principal: Principal) -> JobRow:
    row = stored.get_job(durable.store, job_id)
    if row is None or row.owner != principal.key_id:
        raise _missing(job_id)
    authorize(request, principal, row.agency_id)
    return row


def _create_durable(
    durable: DurableJobs, problem: Problem, principal: Principal, response: Response,
    settings: Settings,
) -> JobAccepted:
    """Write the job to the store, then answer; a worker of any process will claim it."""
    job_id = new_job_id()
    try:
        row = stored.add_job(durable.store, job_id, principal.key_id, agency_id_of(problem.agency),
                      problem.model_dump(mode="json"), durable.capacity)
    except stored.QueueFull as exc:
        raise busy(settings, f"solver busy: {exc}") from exc
    durable.wake()
    href = f"/v1/jobs/{row.id}"
    response.headers["Location"] = href
    return JobAccepted(id=row.id, state="queued", href=href)


def _job(jobs: JobStore, job_id: str, request: Request, principal: Principal) -> Job:
    job = jobs.get(job_id)
    if job is None or job.owner != principal.key_id:
        # Another key's job answers exactly as a missing one: its id says nothing.
        raise HTTPException(404, f"no job {job_id!r} (finished jobs are kept for a while only)")
    authorize(request, principal, job.agency)
    return job


@router.post(
    "",
    status_code=202,
    response_model=JobAccepted,
    summary="Start a background solve",
    responses={
        202: {"content": {"application/json": {"example": examples.JOB_ACCEPTED}}},
        **errors(401, 403, 413, 422, 503),
    },
)
def create_job(
    body: Annotated[Any, Deferred(Problem), Body(openapi_examples=examples.PROBLEM_EXAMPLES)],
    request: Request,
    response: Response,
    principal: PrincipalDep,
    pool: PoolDep,
    jobs: JobsDep,
    settings: SettingsDep,
) -> JobAccepted:
    """Queue the problem and answer at once with the job's id; poll `GET /v1/jobs/{id}`."""
    problem = accept(body, request, principal, settings)  # a sync route: already in a thread
    agency_id = agency_id_of(problem.agency)
    durable: DurableJobs | None = request.app.state.durable
    if durable is not None:
        return _create_durable(durable, problem, principal, response, settings)
    try:
        jobs.make_room()
    except StoreFull as exc:
        raise busy(settings, str(exc)) from exc
    job_id = new_job_id()
    log_fields = {"request_id": request.state.request_id, "job_id": job_id}
    ticket = submit_solve(pool, problem, settings, log_fields)
    job = jobs.add(job_id, agency_id, principal.key_id, ticket)
    href = f"/v1/jobs/{job.id}"
    response.headers["Location"] = href
    return JobAccepted(id=job.id, state=job.state, href=href)


@router.get(
    "/{job_id}",
    response_model=JobStatus,
    summary="A job's state, and its result when done",
    responses={
        200: {"content": {"application/json": {"example": examples.JOB_DONE}}},
        **errors(401, 404, 422),
    },
)
def get_job(job_id: JobId, request: Request, principal: PrincipalDep, jobs: JobsDep) -> JobStatus:
    """`queued`, `running`, `done` (with `result`), `failed` (with `error`) or `cancelled`."""
    durable: DurableJobs | None = request.app.state.durable
    if durable is not None:
        return job_status(_stored(durable, job_id, request, principal))
    return _job(jobs, job_id, request, principal).status()


@router.delete(
    "/{job_id}",
    response_model=JobStatus,
    summary="Cancel a job, or forget a finished one",
    responses={
        200: {"content": {"application/json": {"example": examples.JOB_CANCELLED}}},
        **errors(401, 404, 422),
    },
)
def cancel_job(
    job_id: JobId, request: Request, principal: PrincipalDep, jobs: JobsDep
) -> JobStatus:
    """A queued job leaves the queue; a running one stops early and keeps its best roster."""
    durable: DurableJobs | None = request.app.state.durable
    if durable is not None:
        _stored(durable, job_id, request, principal)
        row = stored.cancel_job(durable.store, job_id, durable.settings.job_ttl_s)
        if row is None:
            raise _missing(job_id)
        return job_status(row)
    job = _job(jobs, job_id, request, principal)
    if job.finished:
        jobs.remove(job.id)
    else:
        job.cancelled = True
        job.ticket.cancel()
    return job.status()
