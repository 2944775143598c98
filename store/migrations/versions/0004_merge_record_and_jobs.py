"""Join the two migrations made side by side on 0002: the system of record and durable jobs.

They touch different tables (audit events, approvals and duty codes; jobs), so the join has
nothing to do but give the store one head again.

Revision ID: 0004
Revises: 0003_record, 0003_jobs
"""

from __future__ import annotations

revision = "0004"
down_revision = ("0003_record", "0003_jobs")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
