"""Appending to the hash-chained audit trail, and checking the chain.

Each event's hash covers its fields and the previous hash; writers lock the single chain-head
row, so concurrent workstations still produce one unbroken line. Times come from the database
server's clock on PostgreSQL (workstation clocks drift); on SQLite the server is this machine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from girlscourt.db.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64


def _server_now(session: Session, fallback: dt.datetime) -> dt.datetime:
    if session.get_bind().dialect.name == "postgresql":
        value = session.execute(text("SELECT clock_timestamp()")).scalar_one()
        assert isinstance(value, dt.datetime)
        return value.astimezone(dt.UTC)
    return fallback


def event_hash(prev_hash: str, event: AuditEvent) -> str:
    """The hash of one event given the previous one (microsecond-exact UTC time)."""
    parts = [
        prev_hash,
        event.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        str(event.actor_id or ""),
        event.workstation,
        event.action,
        event.record_kind or "",
        str(event.record_id if event.record_id is not None else ""),
        event.outcome,
        event.detail or "",
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def append(
    session: Session,
    *,
    actor_id: int | None,
    workstation: str,
    action: str,
    record_kind: str | None,
    record_id: int | None,
    outcome: str,
    detail: str | None,
    fallback_now: dt.datetime,
) -> AuditEvent:
    """Add one event to the chain inside the caller's transaction."""
    head = session.execute(
        select(AuditChainHead).where(AuditChainHead.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditChainHead(id=1, last_event_id=0, last_hash=GENESIS_HASH)
        session.add(head)
    event = AuditEvent(
        occurred_at=_server_now(session, fallback_now),
        actor_id=actor_id,
        workstation=workstation[:80],
        action=action,
        record_kind=record_kind,
        record_id=record_id,
        outcome=outcome,
        detail=(detail or None) and detail[:200],
        prev_hash=head.last_hash,
        entry_hash="",
    )
    event.entry_hash = event_hash(head.last_hash, event)
    session.add(event)
    session.flush()
    head.last_event_id = event.id
    head.last_hash = event.entry_hash
    return event


@dataclass(frozen=True)
class ChainReport:
    """The result of walking the chain: fine, or where it first breaks."""

    events: int
    ok: bool
    first_broken_id: int | None = None
    problem: str | None = None


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    """Walk every event in id order and recompute the hashes."""
    prev = GENESIS_HASH
    count = 0
    last_id = 0
    while True:
        rows = (
            session.execute(
                select(AuditEvent)
                .where(AuditEvent.id > last_id)
                .order_by(AuditEvent.id)
                .limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            break
        for event in rows:
            count += 1
            if event.prev_hash != prev:
                return ChainReport(
                    count, False, event.id, "an event before it is missing or changed"
                )
            if event_hash(prev, event) != event.entry_hash:
                return ChainReport(count, False, event.id, "this event was changed")
            prev = event.entry_hash
            last_id = event.id
        session.expunge_all()
    head = session.get(AuditChainHead, 1)
    if head is not None and (head.last_hash != prev or head.last_event_id != last_id):
        return ChainReport(count, False, last_id or None, "events after this one were removed")
    return ChainReport(count, True)
