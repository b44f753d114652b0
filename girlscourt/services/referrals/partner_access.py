"""Read-only partners (DA, public defender, CSEC advocate) see only the youth assigned to them.

WIC 827 opens a juvenile case file only to persons with a role in that youth's case, so a
partner account reads nothing until an administrator or supervisor assigns it to a youth, and
nothing more once the assignment ends. One scope serves every read service:

- a record named by id (a youth, or a referral, consent, restriction, screening, case, petition,
  hearing, Girls Court assignment or custody episode of one) is checked in ``Core.require``, which
  calls ``require_in_scope``: an unassigned youth is a refusal (``PermissionDenied``), audited
  with the detail ``not assigned``, and the same answer whether or not the record exists, so a
  partner cannot probe for youth;
- lists, searches and counts add ``scope_filter`` to their WHERE clause, the way sealing adds
  ``sealing.visible_youth_filter``: unassigned youth are simply not there.

For staff both are free: no query, no clause. Sealing still applies on top (a partner is never
the custodian). Assigning and ending are audited; an assignment is never deleted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from girlscourt.db.models import (
    PartnerAssignment,
    User,
    Youth,
)
from girlscourt.domain.names import initials
from girlscourt.domain.permissions import PARTNER_REASONS, PARTNER_ROLES, Action, is_partner
from girlscourt.errors import (
    ConflictError,
    NotFound,
    RuleRefused,
    ValidationError,
)
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import sealing

UserRef = int | str


@dataclass(frozen=True)
class PartnerAssignmentRecord:
    """One assignment of a partner account to a youth."""

    id: int
    version: int
    user_id: int
    username: str
    youth_id: int
    youth_initials: str
    assigned_at: dt.datetime
    ended_at: dt.datetime | None
    assigned_by: int
    reason: str
    reason_label: str
    active: bool


# --- assignments (administrators and supervisors) -----------------------------------------------


def _user(session: Session, user: UserRef) -> User:
    if isinstance(user, bool) or not isinstance(user, int | str):
        raise ValidationError("user", "give a user id or a user name")
    if isinstance(user, int):
        found = session.get(User, user)
    else:
        found = session.execute(
            select(User).where(User.username_key == user.strip().casefold())
        ).scalar_one_or_none()
    if found is None:
        raise ValidationError("user", f"{user!r}: no such user")
    return found


def _partner_user(session: Session, user: UserRef) -> User:
    found = _user(session, user)
    if not is_partner(found.role):
        raise ValidationError(
            "user", f"{found.username} is a {found.role} account, not a DA, defender or advocate"
        )
    return found


def _youth_id(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError("youth_id", "must be a youth id (a whole number)")
    return value


def _record(
    core: Core, row: PartnerAssignment, username: str, youth_initials: str
) -> PartnerAssignmentRecord:
    now = core.now()
    return PartnerAssignmentRecord(
        id=row.id,
        version=row.version,
        user_id=row.user_id,
        username=username,
        youth_id=row.youth_id,
        youth_initials=youth_initials,
        assigned_at=row.assigned_at,
        ended_at=row.ended_at,
        assigned_by=row.assigned_by,
        reason=row.reason,
        reason_label=PARTNER_REASONS.get(row.reason, row.reason),
        active=row.assigned_at <= now and (row.ended_at is None or row.ended_at > now),
    )


def _initials(youth: Youth) -> str:
    return initials(youth.legal_first_name, youth.legal_last_name, youth.initials_override)


def assign_partner(
    core: Core, actor: Actor, user: UserRef, youth_id: int, reason: str
) -> PartnerAssignmentRecord:
    """Let a partner account read one youth's record from now on (audited).

    ``reason`` is the WIC 827 basis, a code of ``PARTNER_REASONS``. A partner already assigned
    to the youth is refused (end the assignment first); a youth hidden by sealing is unknown.
    """
    youth_id = _youth_id(youth_id)
    core.require(actor, Action.PARTNER_ASSIGN, record_kind="youth", record_id=youth_id)
    code = (reason or "").strip().lower()
    if code not in PARTNER_REASONS:
        raise ValidationError("reason", f"{reason!r} is not one of {', '.join(PARTNER_REASONS)}")
    with core.write() as session:
        target = _partner_user(session, user)
        youth = sealing.visible_youth(
            core,
            session,
            actor,
            youth_id,
            action="partner.assign",
            unknown=lambda: ValidationError("youth_id", f"no youth has the id {youth_id}"),
        )
        open_one = session.execute(
            select(PartnerAssignment.id).where(
                PartnerAssignment.user_id == target.id,
                PartnerAssignment.youth_id == youth_id,
                PartnerAssignment.ended_at.is_(None),
            )
        ).first()
        if open_one is not None:
            raise RuleRefused(
                f"youth_id: {target.username} is already assigned to youth {youth_id} "
                f"(assignment {open_one[0]})"
            )
        row = PartnerAssignment(
            user_id=target.id,
            youth_id=youth_id,
            assigned_at=core.now(),
            assigned_by=actor.user_id,
            reason=code,
        )
        session.add(row)
        session.flush()
        core.audit(
            session,
            actor,
            "partner.assign",
            record_kind="youth",
            record_id=youth_id,
            detail=f"assignment {row.id}; partner user {target.id}; reason {code}",
        )
        return _record(core, row, target.username, _initials(youth))


def end_partner_assignment(
    core: Core,
    actor: Actor,
    user: UserRef,
    youth_id: int,
    *,
    expected_version: int | None = None,
) -> PartnerAssignmentRecord:
    """End a partner's open assignment to a youth now: from this moment she is out of scope.

    Ending never needs the youth to be visible (taking access away is always allowed).
    """
    youth_id = _youth_id(youth_id)
    core.require(actor, Action.PARTNER_ASSIGN, record_kind="youth", record_id=youth_id)
    with core.write() as session:
        target = _user(session, user)
        row = session.execute(
            select(PartnerAssignment)
            .where(
                PartnerAssignment.user_id == target.id,
                PartnerAssignment.youth_id == youth_id,
                PartnerAssignment.ended_at.is_(None),
            )
            .order_by(PartnerAssignment.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        if row is None:
            raise NotFound(f"{target.username} has no open assignment to youth {youth_id}")
        if expected_version is not None and row.version != expected_version:
            raise ConflictError(
                f"partner assignment {row.id}: someone else saved it (version {row.version}) "
                f"after you opened it (version {expected_version}); nothing was overwritten",
                current_version=row.version,
            )
        row.ended_at = core.now()
        session.flush()
        core.audit(
            session,
            actor,
            "partner.end",
            record_kind="youth",
            record_id=youth_id,
            detail=f"assignment {row.id}; partner user {target.id}",
        )
        youth = session.get(Youth, youth_id)
        shown = _initials(youth) if youth is not None else "?"
        return _record(core, row, target.username, shown)


def list_partner_assignments(
    core: Core, actor: Actor, user: UserRef, *, include_ended: bool = True
) -> tuple[PartnerAssignmentRecord, ...]:
    """A partner's assignments, newest first (administrators and supervisors, or the partner
    asking about themself). Youth hidden by sealing are left out, as everywhere."""
    own = (isinstance(user, int) and not isinstance(user, bool) and user == actor.user_id) or (
        isinstance(user, str) and user.strip().casefold() == actor.username.casefold()
    )
    if not own or actor.must_change_password:
        core.require(actor, Action.PARTNER_ASSIGN, record_kind="user")
    with core.write() as session:
        target = _user(session, user)
        query = (
            select(PartnerAssignment, Youth)
            .join(Youth, Youth.id == PartnerAssignment.youth_id)
            .where(PartnerAssignment.user_id == target.id)
            .order_by(PartnerAssignment.assigned_at.desc(), PartnerAssignment.id.desc())
        )
        if not actor.may(Action.SEALED_ACCESS):
            query = query.where(sealing.visible_youth_filter(PartnerAssignment.youth_id))
        rows = session.execute(query).all()
        core.audit(
            session,
            actor,
            "partner.list",
            record_kind="user",
            record_id=target.id,
            detail=f"rows={len(rows)}",
        )
        records = [_record(core, a, target.username, _initials(y)) for a, y in rows]
    if not include_ended:
        records = [r for r in records if r.active]
    return tuple(records)


@dataclass(frozen=True)
class PartnerAccount:
    """A DA, defender or advocate account that can be assigned to a youth."""

    id: int
    username: str
    display_name: str
    role: str


def partner_accounts(core: Core, actor: Actor) -> tuple[PartnerAccount, ...]:
    """Every enabled partner account, by user name (to choose from when assigning)."""
    core.require(actor, Action.PARTNER_ASSIGN, record_kind="user")
    with core.read() as session:
        users = session.execute(
            select(User)
            .where(User.disabled_at.is_(None), User.role.in_([str(r) for r in PARTNER_ROLES]))
            .order_by(User.username_key)
        ).scalars()
        return tuple(PartnerAccount(u.id, u.username, u.display_name, u.role) for u in users)


def assignments_of_youth(
    core: Core, actor: Actor, youth_id: int
) -> tuple[PartnerAssignmentRecord, ...]:
    """Who was given access to this youth's record, and until when, newest first (audited)."""
    youth_id = _youth_id(youth_id)
    core.require(actor, Action.PARTNER_ASSIGN, record_kind="youth", record_id=youth_id)
    with core.read() as session:
        found = session.execute(
            select(Youth, sealing.sealed_flag(Youth.id)).where(Youth.id == youth_id)
        ).first()
        shown = _initials(found[0]) if found is not None else ""
    hidden = found is not None and bool(found[1]) and not actor.may(Action.SEALED_ACCESS)
    if hidden:  # the refusal is audited like any other
        core.refuse(actor, "partner.list", record_kind="youth", record_id=youth_id, detail="sealed")
    if found is None or hidden:
        raise NotFound(f"youth {youth_id}: no such youth")
    with core.write() as session:
        rows = session.execute(
            select(PartnerAssignment, User.username)
            .join(User, User.id == PartnerAssignment.user_id)
            .where(PartnerAssignment.youth_id == youth_id)
            .order_by(PartnerAssignment.assigned_at.desc(), PartnerAssignment.id.desc())
        ).all()
        core.audit(
            session,
            actor,
            "partner.list",
            record_kind="youth",
            record_id=youth_id,
            detail=f"rows={len(rows)}",
        )
        return tuple(_record(core, row, name, shown) for row, name in rows)
