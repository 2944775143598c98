"""Alembic environment: runs migrations on the connection offduty hands over (or from the URL).

Batch mode lets later migrations alter SQLite tables, which ALTER TABLE alone cannot.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from store.schema import Base
from store.settings import StoreSettings

config = context.config
target_metadata = Base.metadata


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(StoreSettings().url())
    with engine.begin() as own:
        _run(own)


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; open the store instead")
run_migrations_online()
