"""The audit trail: every change to the store appends one event, chained by hashes.

An event says when, who (the API key's name, else the user running the command), what, on which
request and officer, and the values before and after. Events are only ever appended (migration
0003 refuses updates and deletes), and each carries the SHA-256 of its predecessor, so an event
edited or removed behind the store's back breaks the chain: `verify` names the first broken
link. The chain is one sequence for the whole store; writers append under the store's write
lock (SQLite) or a transaction-scoped advisory lock (PostgreSQL), so two writers of different
agencies never fork it.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from store.record_schema import AuditEventRow

log = logging.getLogger(__name__)

GENESIS = "0" * 64
# Any constant works: it names the one lock every appender of this database takes.
CHAIN_LOCK = 7_315_001
_TAIL = "audit_tail"
_actor: ContextVar[str | None] = ContextVar("offduty_actor", default=None)


def current_actor() -> str:
    """Who is changing the store: the name set by `acting_as`, else the logged-in user."""
    named = _actor.get()
    if named:
        return named
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment (a bare container)
        return "unknown"


@contextmanager
def acting_as(name: str) -> Iterator[None]:
    """Attribute every event written inside the block to `name` (an API key's name)."""
    token = _actor.set(name)
    try:
        yield
    finally:
        _actor.reset(token)


def plain(value: Any) -> Any:
    """A value as JSON keeps it (times as ISO text, money as text), so a stored event hashes
    the same when it is read back."""
    return None if value is None else json.loads(json.dumps(value, default=_text))


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def event_hash(prev_hash: str, row: AuditEventRow) -> str:
    """The SHA-256 of the event's content and its predecessor's hash."""
    content = {
        "prev": prev_hash,
        "at": row.at.astimezone(UTC).isoformat(),
        "actor": row.actor,
        "action": row.action,
        "agency": row.agency_id,
        "request": row.request_code,
        "officer": row.officer_code,
        "before": row.before,
        "after": row.after,
        "reason": row.reason,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record(
    session: Session,
    action: str,
    *,
    agency: str | None = None,
    request: str | None = None,
    officer: str | None = None,
    before: Any = None,
    after: Any = None,
    reason: str | None = None,
) -> AuditEventRow:
    """Append one event to the chain, inside the caller's write transaction."""
    prev = _tail(session)
    row = AuditEventRow(
        at=datetime.now(UTC),
        actor=current_actor(),
        action=action,
        agency_id=agency,
        request_code=request,
        officer_code=officer,
        before=plain(before),
        after=plain(after),
        reason=reason,
        prev_hash=prev,
    )
    row.hash = event_hash(prev, row)
    session.add(row)
    session.info[_TAIL] = (session.get_transaction(), row.hash)
    log.debug("audit %s %s %s by %s", action, request or "", officer or "", row.actor)
    return row


def _tail(session: Session) -> str:
    """The hash of the chain's last event, read once per transaction under the chain's lock."""
    cached = session.info.get(_TAIL)
    if cached is not None and cached[0] is session.get_transaction():
        return str(cached[1])
    if session.get_bind().dialect.name != "sqlite":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    session.flush()
    last = session.scalar(
        select(AuditEventRow.hash).order_by(AuditEventRow.id.desc()).limit(1)
    )
    return last or GENESIS


@dataclass(frozen=True)
class Verification:
    """What `verify` found: how many events it read, and the first broken link (if any)."""

    events: int
    broken_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None

    def summary(self) -> str:
        if self.ok:
            return f"audit trail intact: {self.events} event(s), every link checked"
        return f"audit trail broken at event {self.broken_id}: {self.problem}"


def verify(session: Session) -> Verification:
    """Walk the chain in order and report the first event whose link or content is wrong."""
    prev, prev_id, count = GENESIS, None, 0
    rows = session.scalars(select(AuditEventRow).order_by(AuditEventRow.id)).yield_per(500)
    for row in rows:
        count += 1
        if row.prev_hash != prev:
            after = f"event {prev_id}" if prev_id is not None else "the start of the trail"
            return Verification(count, row.id, f"it does not follow {after} (an event before "
                                "it was changed, removed or inserted)")
        if event_hash(prev, row) != row.hash:
            return Verification(count, row.id, "its content no longer matches its hash (the "
                                "event was edited)")
        prev, prev_id = row.hash, row.id
    return Verification(count)


def list_events(
    session: Session, *, request: str | None = None, officer: str | None = None,
    since: datetime | None = None, agency: str | None = None,
) -> list[AuditEventRow]:
    """Events in order, optionally of one request, one officer, one agency, from a moment."""
    query = select(AuditEventRow).order_by(AuditEventRow.id)
    if request:
        query = query.where(AuditEventRow.request_code == request)
    if officer:
        query = query.where(AuditEventRow.officer_code == officer)
    if agency:
        query = query.where(AuditEventRow.agency_id == agency)
    if since is not None:
        query = query.where(AuditEventRow.at >= since.astimezone(UTC))
    return list(session.scalars(query))


EVENT_COLUMNS = ("id", "at", "actor", "action", "agency", "request", "officer", "before",
                 "after", "reason", "hash")


def event_cells(row: AuditEventRow) -> list[str]:
    """One event as the cells of `EVENT_COLUMNS` (values as compact JSON)."""
    def shown(value: Any) -> str:
        return "" if value is None else json.dumps(value, sort_keys=True, separators=(",", ":"))

    return [str(row.id), row.at.isoformat(), row.actor, row.action, row.agency_id or "",
            row.request_code or "", row.officer_code or "", shown(row.before), shown(row.after),
            row.reason or "", row.hash]


def event_line(row: AuditEventRow) -> str:
    """One readable line per event (the full values are in the CSV)."""
    cells = event_cells(row)
    subject = " ".join(c for c in (cells[5], cells[6]) if c)
    change = f" {cells[7] or '-'} -> {cells[8] or '-'}" if cells[7] or cells[8] else ""
    why = f" reason: {row.reason}" if row.reason else ""
    return f"{row.id:>5} {row.at.isoformat(timespec='seconds')} {row.actor} {row.action}" \
        f"{' ' + subject if subject else ''}{change}{why}"
