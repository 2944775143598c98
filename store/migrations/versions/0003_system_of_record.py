"""System of record: the append-only audit trail, the chief's approvals, duty assignment codes.

`audit_events` is append-only: a trigger refuses every update and delete (SQLite's RAISE, a
PL/pgSQL function on PostgreSQL); each row also carries its predecessor's hash, so a row edited
by someone who dropped the trigger still shows (`offduty audit verify`). `approvals` keeps each
approval of one request with who gave it and when, and who withdrew it. `on_duty_blocks.code`
keeps the duty system's assignment code of an imported block.

Revision ID: 0003_record
Revises: 0002
Create Date: 2026-12-06 07:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.coltypes

revision = "0003_record"
down_revision = "0002"
branch_labels = None
depends_on = None

MESSAGE = "audit_events: the audit trail is append-only"
SQLITE_TRIGGER = """
CREATE TRIGGER tr_audit_events_append_only_{event} BEFORE {event} ON audit_events
BEGIN SELECT RAISE(ABORT, '{message}'); END
"""
POSTGRES_FUNCTION = """
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{message}' USING ERRCODE = 'insufficient_privilege';
END $$
"""
POSTGRES_TRIGGER = """
CREATE TRIGGER tr_audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()
"""


def upgrade() -> None:
    _audit_events()
    _approvals()
    with op.batch_alter_table("on_duty_blocks") as batch:
        batch.add_column(sa.Column("code", sa.String(length=64), nullable=True,
                                   comment="The duty system's assignment code (PATROL-A)."))
    _append_only(op.get_bind().dialect.name)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(f"DROP TRIGGER tr_audit_events_append_only_{event}")
    else:
        op.execute("DROP TRIGGER tr_audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    with op.batch_alter_table("on_duty_blocks") as batch:
        batch.drop_column("code")
    op.drop_index("ix_approvals_request", table_name="approvals")
    op.drop_table("approvals")
    for name in ("ix_audit_events_at", "ix_audit_events_officer", "ix_audit_events_request"):
        op.drop_index(name, table_name="audit_events")
    op.drop_table("audit_events")


def _audit_events() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", store.coltypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=True),
        sa.Column("request_code", sa.String(length=64), nullable=True),
        sa.Column("officer_code", sa.String(length=64), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hash"),
    )
    op.create_index("ix_audit_events_request", "audit_events", ["request_code"])
    op.create_index("ix_audit_events_officer", "audit_events", ["officer_code"])
    op.create_index("ix_audit_events_at", "audit_events", ["at"])


def _approvals() -> None:
    op.create_table(
        "approvals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("approved_by", sa.String(length=200), nullable=False),
        sa.Column("approved_at", store.coltypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_by", sa.String(length=200), nullable=True),
        sa.Column("withdrawn_at", store.coltypes.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["requests.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_approvals_request", "approvals", ["request_id"])


def _append_only(dialect: str) -> None:
    if dialect == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(SQLITE_TRIGGER.format(event=event, message=MESSAGE))
        return
    op.execute(POSTGRES_FUNCTION.format(message=MESSAGE))
    op.execute(POSTGRES_TRIGGER)
