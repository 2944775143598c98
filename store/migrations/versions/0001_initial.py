"""Initial store schema: agencies, officers, availability, on-duty blocks, requests,
assignments, nightly runs and cancellations.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-24 05:15:10.698512
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.coltypes

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=True),
        sa.Column("policy_overrides", sa.JSON(), nullable=False),
        sa.Column("created_at", store.coltypes.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "nightly_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column(
            "as_of",
            store.coltypes.UTCDateTime(timezone=True),
            nullable=False,
            comment="The run's `now`: the horizon starts here.",
        ),
        sa.Column("horizon_end", store.coltypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("inputs_hash", sa.String(length=64), nullable=False),
        sa.Column("solver_status", sa.String(length=32), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("timings", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("started_at", store.coltypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", store.coltypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "officers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column(
            "code", sa.String(length=64), nullable=False, comment="The officer's public id (K-101)."
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("rank", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("qualifications", sa.JSON(), nullable=False),
        sa.Column("conflicts", sa.JSON(), nullable=False),
        sa.Column("max_hours_per_week", sa.Float(), nullable=True),
        sa.Column("updated_at", store.coltypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agency_id", "code", name="uq_officers_agency_code"),
    )
    op.create_table(
        "requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column(
            "code", sa.String(length=64), nullable=False, comment="The request's public id (R-1)."
        ),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("employer_id", sa.String(length=64), nullable=False),
        sa.Column("employer_name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("pending_litigation", sa.Boolean(), nullable=False),
        sa.Column("within_city_limits", sa.Boolean(), nullable=False),
        sa.Column("alcohol_served", sa.Boolean(), nullable=False),
        sa.Column("post", sa.String(length=16), nullable=False),
        sa.Column("uniformed", sa.Boolean(), nullable=False),
        sa.Column("job_type", sa.String(length=16), nullable=False),
        sa.Column("customer_rate", sa.String(length=200), nullable=True),
        sa.Column("start", store.coltypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end", store.coltypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", store.coltypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("officers_needed", sa.Integer(), nullable=False),
        sa.Column("vehicle_kind", sa.String(length=16), nullable=False),
        sa.Column("vehicle_miles", sa.Float(), nullable=False),
        sa.Column("approvals", sa.JSON(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("preferred_officers", sa.JSON(), nullable=False),
        sa.Column("cancelled_at", store.coltypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", store.coltypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agency_id", "code", name="uq_requests_agency_code"),
    )
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_index("ix_requests_agency_start", ["agency_id", "start"], unique=False)

    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("start", store.coltypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end", store.coltypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("worked_start", store.coltypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("worked_end", store.coltypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("created_at", store.coltypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", store.coltypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["officers.id"],
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["nightly_runs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index("ix_assignments_officer_start", ["officer_id", "start"], unique=False)
        batch_op.create_index("ix_assignments_request_state", ["request_id", "state"], unique=False)

    op.create_table(
        "availability",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("start", store.coltypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end", store.coltypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["officer_id"], ["officers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("officer_id", "start", "end", name="uq_availability_window"),
    )
    with op.batch_alter_table("availability", schema=None) as batch_op:
        batch_op.create_index("ix_availability_officer_end", ["officer_id", "end"], unique=False)

    op.create_table(
        "cancellations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("notice_at", store.coltypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("officers", sa.JSON(), nullable=False),
        sa.Column("bracket", sa.String(length=16), nullable=False),
        sa.Column("total", store.coltypes.MoneyType(length=24), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", store.coltypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "on_duty_blocks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("start", store.coltypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end", store.coltypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["officer_id"], ["officers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("officer_id", "start", "end", name="uq_on_duty_window"),
    )
    with op.batch_alter_table("on_duty_blocks", schema=None) as batch_op:
        batch_op.create_index("ix_on_duty_officer_end", ["officer_id", "end"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("on_duty_blocks", schema=None) as batch_op:
        batch_op.drop_index("ix_on_duty_officer_end")

    op.drop_table("on_duty_blocks")
    op.drop_table("cancellations")
    with op.batch_alter_table("availability", schema=None) as batch_op:
        batch_op.drop_index("ix_availability_officer_end")

    op.drop_table("availability")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_assignments_request_state")
        batch_op.drop_index("ix_assignments_officer_start")

    op.drop_table("assignments")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_agency_start")

    op.drop_table("requests")
    op.drop_table("officers")
    op.drop_table("nightly_runs")
    op.drop_table("agencies")
