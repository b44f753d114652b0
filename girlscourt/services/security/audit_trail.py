"""Reading the audit trail: verifying the chain and its anchor, the viewer, "who looked at this".

Reading the trail is itself audited (CJIS AU-2: access to the audit log is an event).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import aliased

from girlscourt.db.models import AuditEvent, User
from girlscourt.domain.permissions import Action
from girlscourt.errors import ValidationError
from girlscourt.services.kernel import audit_anchor
from girlscourt.services.kernel.audit_log import ChainReport, verify_chain
from girlscourt.services.kernel.core import Actor, Core

PAGE_MAX = 1000


@dataclass(frozen=True)
class AuditEntry:
    """One event as the audit viewer shows it (ids, codes and user names only)."""

    id: int
    occurred_at: dt.datetime
    user_id: int | None
    username: str | None
    workstation: str
    action: str
    record_kind: str | None
    record_id: int | None
    outcome: str
    detail: str | None


@dataclass(frozen=True)
class AuditPage:
    """A page of events, newest first; ``has_more`` says another page follows.

    For the next page pass ``before_id=page.next_before_id``: unlike ``offset`` it stays put
    while new events (including the viewer's own ``audit.view``) arrive at the top.
    """

    rows: tuple[AuditEntry, ...]
    offset: int
    has_more: bool

    @property
    def next_before_id(self) -> int | None:
        """The ``before_id`` that fetches the next (older) page."""
        return self.rows[-1].id if self.rows and self.has_more else None


@dataclass(frozen=True)
class RecordAccess:
    """One touch of a youth's record, for the "who looked at this" panel."""

    occurred_at: dt.datetime
    user_id: int | None
    username: str | None
    display_name: str | None
    workstation: str
    action: str
    outcome: str


def verify(core: Core, actor: Actor) -> ChainReport:
    """Recompute every hash and compare the tail with this workstation's anchor (audited)."""
    core.require(actor, Action.AUDIT_VIEW)
    report: ChainReport
    path = core.anchor_path()
    try:
        anchor = audit_anchor.read_anchor(path) if path is not None else None
    except audit_anchor.AnchorUnreadable as error:
        anchor = None
        unreadable: str | None = str(error)
    else:
        unreadable = None
    with core.read() as session:
        report = verify_chain(session, anchor=anchor)
    if report.ok and unreadable is not None:
        report = ChainReport(
            report.events, False, None, f"the anchor file cannot be read ({unreadable})"
        )
    with core.write() as session:
        core.audit(
            session,
            actor,
            "audit.verify",
            outcome="ok" if report.ok else "broken",
            record_kind="audit_event" if report.first_broken_id else None,
            record_id=report.first_broken_id,
        )
    return report


def _check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= PAGE_MAX:
        raise ValidationError("limit", f"must be between 1 and {PAGE_MAX}")
    if offset < 0:
        raise ValidationError("offset", "must not be negative")


def _time_window(
    since: dt.datetime | None, until: dt.datetime | None, before_id: int | None
) -> list[ColumnElement[bool]]:
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise ValidationError(name, "needs a time zone")
    if since and until and until <= since:
        raise ValidationError("until", "must be after since")
    conditions: list[ColumnElement[bool]] = []
    if since is not None:
        conditions.append(AuditEvent.occurred_at >= since)
    if until is not None:
        conditions.append(AuditEvent.occurred_at < until)
    if before_id is not None:
        conditions.append(AuditEvent.id < before_id)
    return conditions


def list_events(
    core: Core,
    actor: Actor,
    *,
    user_id: int | None = None,
    record_kind: str | None = None,
    record_id: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int = 200,
    offset: int = 0,
    before_id: int | None = None,
) -> AuditPage:
    """Events newest first, filtered by user, record and time (``since`` ≤ time < ``until``).

    Page with ``before_id`` (stable) or ``offset``. The viewing is itself audited.
    """
    core.require(actor, Action.AUDIT_VIEW)
    _check_page(limit, offset)
    if record_id is not None and record_kind is None:
        raise ValidationError("record_kind", "is needed with record_id")
    conditions: list[ColumnElement[bool]] = []
    if user_id is not None:
        conditions.append(AuditEvent.actor_id == user_id)
    if record_kind is not None:
        conditions.append(AuditEvent.record_kind == record_kind)
    if record_id is not None:
        conditions.append(AuditEvent.record_id == record_id)
    conditions += _time_window(since, until, before_id)
    statement = (
        select(AuditEvent, User.username)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(*conditions)
        .order_by(AuditEvent.id.desc())
        .offset(offset)
        .limit(limit + 1)
    )
    with core.write() as session:
        rows = session.execute(statement).all()
        entries = tuple(
            AuditEntry(
                e.id,
                e.occurred_at,
                e.actor_id,
                name,
                e.workstation,
                e.action,
                e.record_kind,
                e.record_id,
                e.outcome,
                e.detail,
            )
            for e, name in rows[:limit]
        )
        core.audit(
            session,
            actor,
            "audit.view",
            record_kind=record_kind,
            record_id=record_id,
            detail=f"user {user_id}" if user_id is not None else None,
        )
    return AuditPage(entries, offset, len(rows) > limit)


@dataclass(frozen=True)
class AuditUser:
    """An account the viewer can filter by (every account, disabled ones too)."""

    id: int
    username: str
    display_name: str


def list_actors(core: Core, actor: Actor) -> tuple[AuditUser, ...]:
    """The accounts to choose from when filtering events by user, by user name."""
    core.require(actor, Action.AUDIT_VIEW)
    with core.read() as session:
        rows = session.execute(
            select(User.id, User.username, User.display_name).order_by(User.username_key)
        ).all()
    return tuple(AuditUser(i, name, display) for i, name, display in rows)


def who_viewed(
    core: Core, actor: Actor, youth_id: int, limit: int = 500
) -> tuple[RecordAccess, ...]:
    """Everyone who opened, changed, printed or was refused a youth's record, newest first."""
    core.require(actor, Action.AUDIT_VIEW, record_kind="youth", record_id=youth_id)
    if not 1 <= limit <= PAGE_MAX:
        raise ValidationError("limit", f"must be between 1 and {PAGE_MAX}")
    person = aliased(User)
    statement = (
        select(AuditEvent, person.username, person.display_name)
        .outerjoin(person, person.id == AuditEvent.actor_id)
        .where(AuditEvent.record_kind == "youth", AuditEvent.record_id == youth_id)
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
    with core.write() as session:
        rows = session.execute(statement).all()
        core.audit(session, actor, "audit.who_viewed", record_kind="youth", record_id=youth_id)
        return tuple(
            RecordAccess(
                e.occurred_at, e.actor_id, name, display, e.workstation, e.action, e.outcome
            )
            for e, name, display in rows
        )
