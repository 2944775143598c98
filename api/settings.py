"""Service settings, read from the environment (`OFFDUTY_` prefix) by pydantic-settings.

Everything an operator may want to change without touching code lives here: where to listen, how
many solves run at once and how many may wait, the longest solve a caller may ask for, the
largest body accepted, and where the API keys come from (a file, or JSON in the environment).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.security import ApiKeyEntry
from models.common import MAX_REQUEST_HOURS


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OFFDUTY_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    solve_workers: int = Field(default=2, ge=1, le=64, description="Solves that run at once.")
    queue_size: int = Field(default=8, ge=0, le=10_000, description="Solves that may wait.")
    max_time_limit_s: float = Field(
        default=30, gt=0, le=3600, description="Cap on a problem's options.time_limit_s."
    )
    max_solver_threads: int = Field(
        default=2, ge=1, le=64, description="Cap on options.num_workers (CP-SAT threads)."
    )
    stop_grace_s: float = Field(
        default=5, ge=0, description="After the time limit plus this, a solve is told to stop."
    )
    solve_in_child: bool = Field(
        default=True,
        description="Run each solve in a child process (parts of a large solve hold the GIL "
        "for seconds); false runs it in the pool's thread.",
    )
    max_body_bytes: int = Field(default=1_000_000, ge=1)
    max_request_hours: float = Field(
        default=MAX_REQUEST_HOURS,
        gt=0,
        le=MAX_REQUEST_HOURS,
        description="Longest request accepted (at most the solver's own limit).",
    )
    max_horizon_days: float = Field(
        default=62, gt=0, description="Longest span from a problem's first start to last end."
    )
    max_officers: int = Field(default=2000, ge=1, description="Officers per problem at most.")
    max_requests: int = Field(default=5000, ge=1, description="Requests per problem at most.")
    job_ttl_s: float = Field(default=3600, gt=0, description="How long a finished job is kept.")
    max_jobs: int = Field(default=100, ge=1, description="Jobs kept in memory at most.")
    jobs_database: str | None = Field(
        default=None,
        description="Keep jobs in this store (a URL, or a SQLite path) so they survive a restart "
        "and every API process on it answers for every job; unset keeps them in memory.",
    )
    dask_address: str | None = Field(
        default=None, description="Solve durable jobs on the Dask cluster at this address."
    )
    job_attempts: int = Field(
        default=2, ge=1, le=10, description="Runs of a job whose solve worker died, at most."
    )
    job_heartbeat_s: float = Field(default=2, gt=0, description="A running job's heartbeat.")
    job_stale_s: float = Field(
        default=30, gt=0, description="A running job silent this long was interrupted."
    )
    job_poll_s: float = Field(default=0.5, gt=0, description="Idle workers look this often.")
    api_keys_file: Path | None = Field(
        default=None, description="JSON or YAML list of {name, sha256, agencies} entries."
    )
    api_keys: list[ApiKeyEntry] | None = Field(
        default=None, description="The same entries as JSON, for deployments without a file."
    )
    log_level: str = "INFO"
    console_secret: str | None = Field(
        default=None, description="Signs console session cookies; random per process if unset "
        "(sessions then end when the service restarts)."
    )
    console_session_s: float = Field(
        default=8 * 3600, gt=0, le=7 * 86400, description="How long a console sign-in lasts."
    )
    console_secure_cookie: bool = Field(
        default=False, description="Mark the session cookie Secure (set when served over HTTPS)."
    )
