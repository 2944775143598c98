"""Opening the store: engine, sessions, and the Alembic `upgrade head` applied on every open.

Migrations run programmatically on the same engine, so a user never runs a separate migration
tool; a store written by an older offduty is brought up to date the first time a newer one opens
it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from store.locking import begin_write
from store.settings import StoreSettings, normalize_url

log = logging.getLogger(__name__)


class Store:
    """An open store: an engine plus a session factory; `transaction()` is the unit of work."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One session, committed on success and rolled back on any error."""
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that writes after checking: the writer's lock on SQLite from its first
        statement; call `store.locking.hold_agencies` before reading what it checks."""
        with self._sessions.begin() as session:
            begin_write(session)
            yield session

    def session(self) -> Session:
        return self._sessions()

    def close(self) -> None:
        self.engine.dispose()


def open_store(target: str | Path | None = None, *, migrate: bool = True) -> Store:
    """Open (and create or upgrade) the store at a URL, a SQLite path, or from the settings."""
    url = _url_for(target)
    engine = _engine(url)
    if migrate:
        upgrade(engine)
    return Store(engine)


def sqlite_file(target: str | Path | None = None) -> Path | None:
    """The file of the store at `target` (or of the settings) where it is SQLite, else None."""
    url = _url_for(target)
    if not url.startswith("sqlite"):
        return None
    path = url.split(":///", 1)[-1]
    return Path(path) if path and path != ":memory:" else None


def _url_for(target: str | Path | None) -> str:
    if target is None:
        return StoreSettings().url()
    text = str(target)
    if "://" in text:
        return normalize_url(text)
    return f"sqlite+pysqlite:///{text}"


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        _make_parent(url)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _make_parent(url: str) -> None:
    path = url.split(":///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; the rollback journal (not WAL) keeps the store
    # one self-contained file, and a killed writer is rolled back on the next open.
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def alembic_config() -> Config:
    """The packaged Alembic configuration, pointing at `store/migrations`."""
    ini = resources.files("store").joinpath("alembic.ini")
    config = Config(str(ini))
    config.set_main_option("script_location", str(resources.files("store").joinpath("migrations")))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration up to `revision` on this engine, in one transaction."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    log.info("store schema at %s", revision)
