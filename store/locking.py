"""Write transactions that hold what they check, on SQLite and PostgreSQL alike.

Every write of the workflow (a nightly's proposals, confirm, cancel, worked) reads some rows,
decides, and writes. Without a lock another writer can commit between the read and the write: a
`confirm --all` landing between the nightly's check and its insert once left duplicate shifts.
So a write transaction first takes its agency:

- SQLite: the transaction starts with `BEGIN IMMEDIATE`, which takes the database's write lock
  at once (a plain `BEGIN` would only take it at the first write, after the checks). Other
  writers wait for it (the connection's busy timeout); readers are not blocked.
- PostgreSQL: the agency rows are locked with `SELECT ... FOR UPDATE`, in id order so two
  writers never deadlock. Writers of one agency queue; other agencies go on.

Checks made after the lock see the latest committed rows, and nothing changes them until commit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from store.schema import AgencyRow

log = logging.getLogger(__name__)


def begin_write(session: Session) -> None:
    """Open the session's transaction as a writer (must be its first statement)."""
    if session.get_bind().dialect.name == "sqlite":
        # pysqlite opens no transaction before a SELECT, so this is the first statement sent.
        session.execute(text("BEGIN IMMEDIATE"))


def hold_agencies(session: Session, agencies: Iterable[str] | None) -> list[str]:
    """Lock these agencies (every agency with None) until commit; returns the ids held.

    Rows the session loaded before the lock are expired, so every check after it reads the
    rows as they are now rather than as they were.
    """
    query = select(AgencyRow.id).order_by(AgencyRow.id)
    if agencies is not None:
        query = query.where(AgencyRow.id.in_(sorted(set(agencies))))
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update()
    held = list(session.scalars(query))
    session.expire_all()
    log.debug("write lock on %s", ", ".join(held) or "no agency")
    return held
