"""The console's nightly runs as they go, so every API process sharing the store sees them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.coltypes

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "run_progress",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("time_limit_s", sa.Float(), nullable=False),
        sa.Column("started_at", store.coltypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("phases", sa.JSON(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=2000), nullable=True),
        sa.Column("finished_at", store.coltypes.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_run_progress_agency_finished", "run_progress",
                    ["agency_id", "finished_at"])


def downgrade() -> None:
    op.drop_index("ix_run_progress_agency_finished", table_name="run_progress")
    op.drop_table("run_progress")
