"""Appending to the hash-chained audit trail, and checking the chain.

Each event's hash covers its fields and the previous hash; writers lock the single chain-head
row, so concurrent workstations still produce one unbroken line. Times come from the database
server's clock on PostgreSQL (workstation clocks drift); on SQLite the server is this machine, and
its real clock is used, never the clock injected into services for tests. The head each commit
leaves is also recorded outside the database (``audit_anchor``), so a cut-off tail is caught.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from girlscourt.db.base import utcnow
from girlscourt.db.models import AuditChainHead, AuditEvent
from girlscourt.services.kernel.audit_anchor import Anchor

GENESIS_HASH = "0" * 64
PENDING_HEAD = "girlscourt.audit_pending_head"  # session.info: (event id, hash) to anchor
PENDING_BASE = "girlscourt.audit_pending_base"  # session.info: the head the transaction found


def _server_now(session: Session) -> dt.datetime:
    if session.get_bind().dialect.name == "postgresql":
        value = session.execute(text("SELECT clock_timestamp()")).scalar_one()
        assert isinstance(value, dt.datetime)
        return value.astimezone(dt.UTC)
    return utcnow()


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
) -> AuditEvent:
    """Add one event to the chain inside the caller's transaction."""
    head = session.execute(
        select(AuditChainHead).where(AuditChainHead.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditChainHead(id=1, last_event_id=0, last_hash=GENESIS_HASH)
        session.add(head)
    session.info.setdefault(PENDING_BASE, (head.last_event_id, head.last_hash))
    event = AuditEvent(
        occurred_at=_server_now(session),
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
    session.info[PENDING_HEAD] = (event.id, event.entry_hash)
    return event


@dataclass(frozen=True)
class ChainReport:
    """The result of walking the chain: fine, or where it first breaks.

    ``anchor_checked`` says whether this workstation had an anchor to compare the tail with.
    """

    events: int
    ok: bool
    first_broken_id: int | None = None
    problem: str | None = None
    anchor_checked: bool = False
    anchor_event_id: int | None = None


def verify_chain(session: Session, batch: int = 5000, anchor: Anchor | None = None) -> ChainReport:
    """Walk every event in id order, recompute the hashes, and compare with the anchor if any.

    On PostgreSQL the walk reads one snapshot (REPEATABLE READ): under READ COMMITTED a sign-in
    at another desk, committed between the last batch and the chain head, read as a cut tail.
    SQLite's read transaction is one snapshot already. Call it first in its session.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    prev = GENESIS_HASH
    count = 0
    last_id = 0
    wanted = {c.event_id for c in anchor.checkpoints} if anchor else set()
    found: dict[int, str] = {}
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
            if event.id in wanted:
                found[event.id] = event.entry_hash
            prev = event.entry_hash
            last_id = event.id
        session.expunge_all()
    head = session.get(AuditChainHead, 1)
    if head is not None and (head.last_hash != prev or head.last_event_id != last_id):
        return ChainReport(count, False, last_id or None, "events after this one were removed")
    if anchor is None:
        return ChainReport(count, True)
    return _compare_with_anchor(session, count, anchor, found)


def _compare_with_anchor(
    session: Session, count: int, anchor: Anchor, found: dict[int, str]
) -> ChainReport:
    """The tail check: every head this workstation anchored must still be there, unchanged."""
    broken = [c for c in anchor.checkpoints if found.get(c.event_id) != c.entry_hash]
    if not broken:
        return ChainReport(count, True, anchor_checked=True, anchor_event_id=anchor.head.event_id)
    first = min(broken, key=lambda c: c.event_id)
    cut_after = session.execute(
        select(func.coalesce(func.max(AuditEvent.id), 0)).where(AuditEvent.id < first.event_id)
    ).scalar_one()
    how = "was replaced" if first.event_id in found else "is missing"
    return ChainReport(
        count,
        False,
        first.event_id,
        f"the trail was cut after event {cut_after}: event {first.event_id}, recorded in this "
        f"workstation's anchor, {how}",
        anchor_checked=True,
        anchor_event_id=anchor.head.event_id,
    )
