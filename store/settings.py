"""Store settings from the environment (`OFFDUTY_DATABASE_PATH`, `OFFDUTY_DATABASE_URL`, ...).

A URL wins over a path, so the same command line works against a local file or a shared
PostgreSQL server depending only on the environment.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class StoreSettings(BaseSettings):
    """Where the store lives and the nightly run's defaults."""

    model_config = SettingsConfigDict(env_prefix="OFFDUTY_", extra="ignore")

    database_path: Path = Path("offduty.db")
    database_url: str | None = None
    fairness_window_days: int = Field(default=28, ge=1, le=366)
    horizon_days: int = Field(default=14, ge=1, le=366)
    time_limit_s: float = Field(default=10, gt=0, le=3600)
    dask_address: str | None = None  # nightly solves go to this Dask cluster when set

    def url(self) -> str:
        """The SQLAlchemy URL: the explicit URL, else the SQLite file at `database_path`."""
        if self.database_url:
            return normalize_url(self.database_url)
        return f"sqlite+pysqlite:///{self.database_path}"


def normalize_url(url: str) -> str:
    """Accept plain `postgresql://` URLs and route them to the psycopg 3 driver we ship."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
