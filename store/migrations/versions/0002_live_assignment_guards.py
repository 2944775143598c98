"""Live assignment guards: one live row per officer, request and start.

A partial unique index (`state <> 'cancelled'`, which SQLite and PostgreSQL both allow) makes
the database refuse a second live assignment of one officer to one position. A store written
before it may already hold such duplicates (a `confirm --all` racing a nightly's write left
some): the upgrade first keeps one row of each group (worked before confirmed before proposed,
then the oldest) and marks the others cancelled, so the index can be built and the invoice no
longer bills them twice. Cancelled rows are kept for the record; no cancellation is charged.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05 07:00:00.000000
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

LIVE = "state <> 'cancelled'"
RANK = {"worked": 0, "confirmed": 1, "proposed": 2}
assignments = sa.table(
    "assignments",
    sa.column("id", sa.Integer),
    sa.column("request_id", sa.Integer),
    sa.column("officer_id", sa.Integer),
    sa.column("start", sa.String),
    sa.column("state", sa.String),
)


def upgrade() -> None:
    _release_duplicates(op.get_bind())
    op.create_index(
        "uq_assignments_live",
        "assignments",
        ["request_id", "officer_id", "start"],
        unique=True,
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )


def downgrade() -> None:
    op.drop_index("uq_assignments_live", table_name="assignments")


def _release_duplicates(bind: Any) -> None:
    """Mark cancelled every live row but the first of each (request, officer, start)."""
    groups: dict[tuple[Any, ...], list[tuple[int, int]]] = defaultdict(list)
    query = sa.select(
        assignments.c.id, assignments.c.request_id, assignments.c.officer_id,
        assignments.c.start, assignments.c.state,
    ).where(assignments.c.state != "cancelled")
    for row_id, request_id, officer_id, start, state in bind.execute(query):
        groups[(request_id, officer_id, start)].append((RANK.get(state, 3), row_id))
    extra = [row_id for rows in groups.values() for _, row_id in sorted(rows)[1:]]
    if not extra:
        return
    log.warning("%d duplicate live assignment(s) marked cancelled: ids %s", len(extra),
                ", ".join(str(i) for i in sorted(extra)))
    bind.execute(
        sa.update(assignments).where(assignments.c.id.in_(extra)).values(state="cancelled")
    )
