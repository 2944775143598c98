"""Ended console sessions, kept in the store so every API process sharing it refuses them.

A console cookie is signed, not stored: any process with the secret accepts it until it expires.
Signing out writes the session's id here, and every process checks this table before it trusts
a cookie, so a signed-out cookie is refused by a second process or after a restart. A row is
useless once its session would have expired anyway; sign-outs delete such rows as they go.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import Index, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Store
from store.schema import Base

log = logging.getLogger(__name__)


class ConsoleSessionRow(Base):
    """A signed-out console session: its id, who it was, when it ended and when it expires."""

    __tablename__ = "console_sessions"
    __table_args__ = (Index("ix_console_sessions_expires", "expires_at"),)

    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    principal: Mapped[str] = mapped_column(String(200))
    revoked_at: Mapped[datetime]
    expires_at: Mapped[datetime]


def revoke_session(store: Store, session_id: str, principal: str, expires: float) -> None:
    """Record a sign-out (once: signing out twice keeps the first row)."""
    now = datetime.now(UTC)
    with store.transaction() as session:
        session.execute(delete(ConsoleSessionRow).where(ConsoleSessionRow.expires_at <= now))
        if session.get(ConsoleSessionRow, session_id) is None:
            session.add(ConsoleSessionRow(
                session_id=session_id, principal=principal, revoked_at=now,
                expires_at=datetime.fromtimestamp(expires, UTC)))
    log.info("console session of %s ended", principal)


def is_revoked(store: Store, session_id: str) -> bool:
    """Whether the session was signed out (by any process sharing the store)."""
    with store.transaction() as session:
        found = session.scalar(select(ConsoleSessionRow.session_id)
                               .where(ConsoleSessionRow.session_id == session_id))
    return found is not None
