"""Fixtures of the store tests: every store test runs on SQLite and, when a server is given
(`OFFDUTY_TEST_POSTGRES_URL`), on PostgreSQL too, each test in a fresh schema."""

from __future__ import annotations

import os
import uuid
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from store import Store, open_store
from store.settings import normalize_url
from tests.store.world import write_world

POSTGRES_ENV = "OFFDUTY_TEST_POSTGRES_URL"


@dataclass
class Target:
    """Where a test's store lives: `url` also serves a subprocess (`offduty --db URL`)."""

    url: str
    store: Store


def _sqlite(tmp_path: Path) -> Generator[str, None, None]:
    yield f"sqlite+pysqlite:///{tmp_path / 'offduty.db'}"


def _postgres() -> Generator[str, None, None]:
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    plain = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in base else "?"
    try:
        yield f"{normalize_url(base)}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    urls = _sqlite(tmp_path) if request.param == "sqlite" else _postgres()
    url = next(urls)
    store = open_store(url)
    try:
        yield Target(url=url, store=store)
    finally:
        store.close()
        urls.close()


@pytest.fixture
def store(target: Target) -> Store:
    return target.store


@pytest.fixture
def world(tmp_path: Path) -> Path:
    """The three import files of the small test world (see `world.py`)."""
    return write_world(tmp_path / "world")
