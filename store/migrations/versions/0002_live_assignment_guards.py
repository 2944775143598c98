"""Live assignment guards: one live row per officer, request and start; never more live rows
on a request at once than it needs.

A partial unique index (`state <> 'cancelled'`, which SQLite and PostgreSQL both allow) makes
the database refuse a second live assignment of one officer to one position. A trigger refuses a
live row that would put more officers on a request at some moment than `officers_needed` (a
split request holds several rows per position, one after the other, so the rule counts the rows
on at each start inside the new row's times, not the rows). A store written
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


# True when NEW would make some moment of its times hold more live rows than the request needs:
# the busiest moment of [start, end) is its start or the start of another row inside it.
OVER_NEED = """
NEW.state <> 'cancelled' AND EXISTS (
    SELECT 1 FROM (
        SELECT NEW.start AS moment
        UNION SELECT o.start FROM assignments o
        WHERE o.request_id = NEW.request_id AND o.state <> 'cancelled'
          AND o.start > NEW.start AND o.start < NEW."end"
    ) AS points
    WHERE (
        SELECT count(*) FROM assignments b
        WHERE b.request_id = NEW.request_id AND b.state <> 'cancelled' AND b.id <> {own}
          AND b.start <= points.moment AND b."end" > points.moment
    ) >= (SELECT r.officers_needed FROM requests r WHERE r.id = NEW.request_id)
)"""
# An update only matters when it makes a row live or moves it: confirming or recording worked
# hours adds nobody (and must not fail on a request an import has since shrunk).
MOVED = """(OLD.state = 'cancelled' OR OLD.request_id <> NEW.request_id
    OR OLD.start <> NEW.start OR OLD."end" <> NEW."end")"""
MESSAGE = "assignments: more live assignments on the request at once than it needs"
SQLITE_TRIGGER = """
CREATE TRIGGER tr_assignments_within_need_{event} BEFORE {event} ON assignments
WHEN {condition}
BEGIN SELECT RAISE(ABORT, '{message}'); END
"""
POSTGRES_FUNCTION = """
CREATE FUNCTION assignments_within_need() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NOT {moved} THEN
            RETURN NEW;
        END IF;
    END IF;
    IF {condition} THEN
        RAISE EXCEPTION '{message}' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$
"""
POSTGRES_TRIGGER = """
CREATE TRIGGER tr_assignments_within_need BEFORE INSERT OR UPDATE ON assignments
FOR EACH ROW EXECUTE FUNCTION assignments_within_need()
"""


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
    _create_need_trigger(op.get_bind().dialect.name)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for event in ("INSERT", "UPDATE"):
            op.execute(f"DROP TRIGGER tr_assignments_within_need_{event}")
    else:
        op.execute("DROP TRIGGER tr_assignments_within_need ON assignments")
        op.execute("DROP FUNCTION assignments_within_need()")
    op.drop_index("uq_assignments_live", table_name="assignments")


def _create_need_trigger(dialect: str) -> None:
    """The need rule as a trigger: SQLite's WHEN clause, or a PL/pgSQL function."""
    if dialect == "sqlite":
        # A row being inserted has no id yet; an updated row must not count itself.
        for event, condition in (("INSERT", OVER_NEED.format(own="-1")),
                                 ("UPDATE", f"{MOVED} AND {OVER_NEED.format(own='NEW.id')}")):
            op.execute(SQLITE_TRIGGER.format(event=event, condition=condition, message=MESSAGE))
        return
    op.execute(POSTGRES_FUNCTION.format(moved=MOVED, condition=OVER_NEED.format(own="NEW.id"),
                                        message=MESSAGE))
    op.execute(POSTGRES_TRIGGER)


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
