"""Contact restrictions and the visiting/phone desk check that keeps exploiters from a youth.

Every write is one transaction with its audit event. A desk check writes exactly one row to the
append-only check log (CLEAR included) plus its audit event; this module has no way to change
or remove a logged check.

Speed (100k restrictions, p95 <= 20 ms a check): each database gets a cache of every restriction
that can still apply, loaded in one query. Each restriction write stamps ``change_seq`` from a
serialised counter (``_stamp``), so a check reads only ``max(change_seq)`` and ``max(id)`` (two
index look-ups) to know whether the cache is current, and then loads only the rows changed since.
Workstation clocks play no part, so a change can't hide behind clock skew as it could behind
``max(updated_at)``. Matching runs on an index of the youth in custody only (restrictions
changed and youth admitted since it was built go into a small delta index; it is rebuilt only
when that delta grows), or, for one youth, on an index of her few restrictions built on the
spot. Dates, scope and channel are applied to the matches afterwards, so an index may hold more
than applies today, never less.

Sealing (WIC 786): a youth hidden by sealing takes her restrictions with her, for everyone but
the custodian. Opening one or listing hers is NotFound (audited); the reminders, the unit list
(on screen and printed) and the check log leave her out. The desk check is the exception, as a
safety function: her restrictions still BLOCK or REVIEW a caller or visitor (a sealed record must
never let an exploiter through), but the answer withholds who she is: no youth id and
``WITHHELD`` for her initials, in the result and in the instruction read at the desk. The
logged check keeps her id, as evidence only the custodian can tie back to her.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from girlscourt.db.models import (
    ContactRestriction,
    User,
    Youth,
)
from girlscourt.domain.names import initials
from girlscourt.domain.permissions import Action
from girlscourt.domain.restriction_rules import (
    NOTICE_PARTIES,
    REVIEW_DAYS_DEFAULT,
    Notices,
    RestrictionInput,
    admission_block_effective,
    check_id,
    check_lift_reason,
    status_on,
    validate_restriction,
)
from girlscourt.domain.youth_rules import parse_date
from girlscourt.errors import ConflictError, NotFound, ValidationError
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import sealing

WITHHELD = "(withheld)"  # a sealed youth's initials at the desk
_KIND = "contact_restriction"


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class RestrictionRecord:
    """A restriction as screens show it, with the version an edit must name."""

    id: int
    version: int
    youth_id: int
    youth_initials: str
    data: RestrictionInput
    status: str  # active | scheduled | ended | lifted
    approved_by: int | None
    approver_name: str | None
    admission_block_signed_off_by: int | None
    lifted_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def approved(self) -> bool:
        """Whether a supervisor approved the current content."""
        return self.approved_by is not None

    @property
    def admission_calls_blocked(self) -> bool:
        """Whether the two admission calls are blocked (reasoned and signed off)."""
        d = self.data
        return admission_block_effective(
            d.blocks_admission_calls, d.admission_block_reason, self.admission_block_signed_off_by
        )


# --------------------------------------------------------------------------- helpers


def _initials(youth: Any) -> str:
    return initials(youth.legal_first_name, youth.legal_last_name, youth.initials_override)


def _initials_for(session: Session, youth_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(youth_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(
            Youth.id, Youth.legal_first_name, Youth.legal_last_name, Youth.initials_override
        ).where(Youth.id.in_(ids))
    ).all()
    return {r.id: _initials(r) for r in rows}


def _notices_from(raw: Mapping[str, Any] | None) -> Notices:
    raw = raw or {}
    return Notices(
        **{p: parse_date(f"notices.{p}", raw[p]) if raw.get(p) else None for p in NOTICE_PARTIES}
    )


def _input_of(row: ContactRestriction) -> RestrictionInput:
    return RestrictionInput(
        youth_id=row.youth_id,
        person_name=row.person_name,
        channels=tuple(row.channels),
        basis=row.basis,
        aliases=tuple(row.aliases or ()),
        phones=tuple(row.phones or ()),
        handles=tuple(row.handles or ()),
        relationship_to_youth=row.relationship_to_youth,
        court_order_number=row.court_order_number,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        review_on=row.review_on,
        notices=_notices_from(row.notices),
        do_not_disclose_location=row.do_not_disclose_location,
        blocks_admission_calls=row.blocks_admission_calls,
        admission_block_reason=row.admission_block_reason,
    )


def _record(session: Session, row: ContactRestriction, today: dt.date) -> RestrictionRecord:
    youth = session.get(Youth, row.youth_id)
    assert youth is not None
    approver = session.get(User, row.approved_by) if row.approved_by is not None else None
    return RestrictionRecord(
        id=row.id,
        version=row.version,
        youth_id=row.youth_id,
        youth_initials=_initials(youth),
        data=_input_of(row),
        status=status_on(row.starts_on, row.ends_on, row.lifted_at is not None, today),
        approved_by=row.approved_by,
        approver_name=approver.display_name if approver else None,
        admission_block_signed_off_by=row.admission_block_signoff_by,
        lifted_at=row.lifted_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _apply(row: ContactRestriction, data: RestrictionInput) -> None:
    assert data.starts_on is not None and data.review_on is not None
    row.youth_id = data.youth_id
    row.person_name = data.person_name
    row.aliases = list(data.aliases)
    row.phones = list(data.phones)
    row.handles = list(data.handles)
    row.relationship_to_youth = data.relationship_to_youth
    row.channels = list(data.channels)
    row.basis = data.basis
    row.court_order_number = data.court_order_number
    row.starts_on = data.starts_on
    row.ends_on = data.ends_on
    row.review_on = data.review_on
    row.notices = data.notices.as_json()
    row.do_not_disclose_location = data.do_not_disclose_location
    row.blocks_admission_calls = data.blocks_admission_calls
    row.admission_block_reason = data.admission_block_reason


def _approve(row: ContactRestriction, actor: Actor | None) -> None:
    """Record (or, with None, clear) the approval and the admission-call sign-off."""
    row.approved_by = actor.user_id if actor else None
    blocks = actor is not None and row.blocks_admission_calls
    row.admission_block_signoff_by = actor.user_id if blocks and actor else None


def _lock_writers(session: Session) -> None:
    """On PostgreSQL, wait for other restriction writers (readers are never held up)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE contact_restriction IN SHARE ROW EXCLUSIVE MODE"))


def _stamp(session: Session, row: ContactRestriction) -> None:
    """Give the row the next change number, serialised with every other restriction writer.

    SQLite write transactions are already serial (BEGIN IMMEDIATE). On PostgreSQL a table lock
    that conflicts only with other writers of this table (readers and the check log carry on)
    makes the numbers follow commit order, so a reader that saw number N has seen every change
    numbered up to N.
    """
    with session.no_autoflush:  # one UPDATE (and one version bump) per save
        _lock_writers(session)
        current = session.execute(select(func.max(ContactRestriction.change_seq))).scalar()
    row.change_seq = int(current or 0) + 1


def _youth_exists(session: Session, youth_id: int, field: str = "youth_id") -> Youth:
    youth = session.get(Youth, check_id(field, youth_id))
    if youth is None:
        raise NotFound(f"{field}: no youth with id {youth_id}")
    return youth


def _load_for_write(
    core: Core, session: Session, actor: Actor, restriction_id: int, expected: int, action: str
) -> ContactRestriction:
    _lock_writers(session)
    row = session.get(ContactRestriction, check_id("restriction_id", restriction_id))
    if row is None:
        raise NotFound(f"restriction {restriction_id}: no such restriction")
    sealing.refuse_if_sealed(  # hidden with her youth, as ``get_restriction`` hides it
        core,
        session,
        actor,
        row.youth_id,
        action=action,
        unknown=lambda: NotFound(f"restriction {restriction_id}: no such restriction"),
        record_kind=_KIND,
        record_id=restriction_id,
    )
    if row.version != expected:
        core.audit(
            session, actor, action, record_kind=_KIND, record_id=restriction_id, outcome="conflict"
        )
        session.commit()
        raise ConflictError(
            f"restriction {restriction_id}: someone else saved it (version {row.version}) after "
            f"you opened it (version {expected}); nothing was overwritten",
            current_version=row.version,
        )
    return row


# --------------------------------------------------------------------------- writes


def add_restriction(
    core: Core, actor: Actor, data: RestrictionInput, *, approve: bool = False
) -> RestrictionRecord:
    """Record a restriction; a supervisor may approve it (and sign off an admission block) now.

    Unapproved restrictions already match at the desk (safety first); the desk says so.
    """
    core.require(actor, Action.RESTRICTION_MANAGE)
    if approve:
        core.require(actor, Action.RESTRICTION_APPROVE)
    clean = validate_restriction(data, core.today())
    with core.write() as session:
        check_id("youth_id", clean.youth_id)
        sealing.visible_youth(
            core,
            session,
            actor,
            clean.youth_id,
            action="restriction.create",
            unknown=lambda: NotFound(f"youth_id: no youth with id {clean.youth_id}"),
        )
        row = ContactRestriction()
        _apply(row, clean)
        _approve(row, actor if approve else None)
        _stamp(session, row)
        session.add(row)
        session.flush()
        core.audit(
            session,
            actor,
            "restriction.create",
            record_kind=_KIND,
            record_id=row.id,
            detail="approved" if approve else "pending_approval",
        )
        session.flush()
        return _record(session, row, core.today())


def update_restriction(
    core: Core,
    actor: Actor,
    restriction_id: int,
    expected_version: int,
    data: RestrictionInput,
    *,
    approve: bool = False,
) -> RestrictionRecord:
    """Save edits made to ``expected_version``.

    Any change other than notice dates needs approval again (``approve=True`` by a supervisor
    gives it at once); recording a notice keeps the approval. A lifted restriction is closed.
    """
    check_id("restriction_id", restriction_id)
    core.require(actor, Action.RESTRICTION_MANAGE, record_kind=_KIND, record_id=restriction_id)
    if approve:
        core.require(actor, Action.RESTRICTION_APPROVE, record_kind=_KIND, record_id=restriction_id)
    clean = validate_restriction(data, core.today())
    with core.write() as session:
        row = _load_for_write(
            core, session, actor, restriction_id, expected_version, "restriction.edit"
        )
        if row.lifted_at is not None:
            raise ValidationError("restriction", f"restriction {restriction_id} was lifted")
        if clean.youth_id != row.youth_id:
            raise ValidationError(
                "youth_id", "a restriction stays with its youth; lift it and add a new one"
            )
        material = replace(_input_of(row), notices=clean.notices) != clean
        _apply(row, clean)
        if approve:
            _approve(row, actor)
        elif material:
            _approve(row, None)
        _stamp(session, row)
        row.updated_at = core.now()
        detail = "approved" if approve else "pending_approval" if material else "notices"
        core.audit(
            session,
            actor,
            "restriction.edit",
            record_kind=_KIND,
            record_id=restriction_id,
            detail=detail,
        )
        session.flush()
        return _record(session, row, core.today())


def approve_restriction(
    core: Core, actor: Actor, restriction_id: int, expected_version: int
) -> RestrictionRecord:
    """A supervisor approves the restriction as it stands (and signs off an admission block)."""
    check_id("restriction_id", restriction_id)
    core.require(actor, Action.RESTRICTION_APPROVE, record_kind=_KIND, record_id=restriction_id)
    with core.write() as session:
        row = _load_for_write(
            core, session, actor, restriction_id, expected_version, "restriction.approve"
        )
        if row.lifted_at is not None:
            raise ValidationError("restriction", f"restriction {restriction_id} was lifted")
        _approve(row, actor)
        _stamp(session, row)
        row.updated_at = core.now()
        core.audit(
            session, actor, "restriction.approve", record_kind=_KIND, record_id=restriction_id
        )
        session.flush()
        return _record(session, row, core.today())


def review_restriction(
    core: Core,
    actor: Actor,
    restriction_id: int,
    expected_version: int,
    next_review_on: dt.date | None = None,
) -> RestrictionRecord:
    """A supervisor reviewed the restriction: it stays, approved by them, until the next review."""
    check_id("restriction_id", restriction_id)
    core.require(actor, Action.RESTRICTION_APPROVE, record_kind=_KIND, record_id=restriction_id)
    today = core.today()
    with core.write() as session:
        row = _load_for_write(
            core, session, actor, restriction_id, expected_version, "restriction.review"
        )
        if row.lifted_at is not None:
            raise ValidationError("restriction", f"restriction {restriction_id} was lifted")
        next_on = next_review_on or today + dt.timedelta(days=REVIEW_DAYS_DEFAULT)
        if row.ends_on is not None and next_review_on is None:
            next_on = min(next_on, row.ends_on)
        if next_on < today:
            raise ValidationError("next_review_on", f"{next_on.isoformat()} is in the past")
        if row.ends_on is not None and next_on > row.ends_on:
            raise ValidationError(
                "next_review_on",
                f"{next_on.isoformat()} is after the restriction ends ({row.ends_on.isoformat()})",
            )
        row.review_on = next_on
        _approve(row, actor)
        _stamp(session, row)
        row.updated_at = core.now()
        core.audit(
            session, actor, "restriction.review", record_kind=_KIND, record_id=restriction_id
        )
        session.flush()
        return _record(session, row, today)


def lift_restriction(
    core: Core, actor: Actor, restriction_id: int, expected_version: int, reason: str
) -> RestrictionRecord:
    """A supervisor ends the restriction now; ``reason`` is one of ``LIFT_REASONS``."""
    check_id("restriction_id", restriction_id)
    core.require(actor, Action.RESTRICTION_APPROVE, record_kind=_KIND, record_id=restriction_id)
    code = check_lift_reason(reason)
    with core.write() as session:
        row = _load_for_write(
            core, session, actor, restriction_id, expected_version, "restriction.lift"
        )
        if row.lifted_at is not None:
            raise ValidationError("restriction", f"restriction {restriction_id} is already lifted")
        row.lifted_at = core.now()
        _stamp(session, row)
        row.updated_at = core.now()
        core.audit(
            session,
            actor,
            "restriction.lift",
            record_kind=_KIND,
            record_id=restriction_id,
            detail=f"reason={code}",
        )
        session.flush()
        return _record(session, row, core.today())


# --------------------------------------------------------------------------- reads


def _hidden(session: Session, actor: Actor, youth_id: int) -> bool:
    """Whether sealing hides this youth (and her restrictions) from the actor."""
    return not actor.may(Action.SEALED_ACCESS) and sealing.youth_is_sealed(session, youth_id)


def get_restriction(core: Core, actor: Actor, restriction_id: int) -> RestrictionRecord:
    """One restriction; the view is audited (NotFound, audited, if sealing hides its youth)."""
    check_id("restriction_id", restriction_id)
    core.require(actor, Action.RESTRICTION_VIEW, record_kind=_KIND, record_id=restriction_id)
    with core.write() as session:
        row = session.get(ContactRestriction, check_id("restriction_id", restriction_id))
        if row is None:
            raise NotFound(f"restriction {restriction_id}: no such restriction")
        if not _hidden(session, actor, row.youth_id):
            core.audit(
                session, actor, "restriction.view", record_kind=_KIND, record_id=restriction_id
            )
            return _record(session, row, core.today())
    core.refuse(
        actor, "restriction.view", record_kind=_KIND, record_id=restriction_id, detail="sealed"
    )
    raise NotFound(f"restriction {restriction_id}: no such restriction")


def list_restrictions(
    core: Core, actor: Actor, youth_id: int, *, include_inactive: bool = True
) -> tuple[RestrictionRecord, ...]:
    """A youth's restrictions, newest start first (active and scheduled only unless asked).

    A youth hidden by sealing is NotFound (the refusal is audited), custodian excepted.
    """
    check_id("youth_id", youth_id)
    core.require(actor, Action.RESTRICTION_VIEW, record_kind="youth", record_id=youth_id)
    today = core.today()
    records: list[RestrictionRecord] | None = None
    with core.write() as session:
        _youth_exists(session, youth_id)
        if not _hidden(session, actor, youth_id):
            rows = (
                session.execute(
                    select(ContactRestriction)
                    .where(ContactRestriction.youth_id == youth_id)
                    .order_by(ContactRestriction.starts_on.desc(), ContactRestriction.id.desc())
                )
                .scalars()
                .all()
            )
            core.audit(session, actor, "restriction.view", record_kind="youth", record_id=youth_id)
            records = [_record(session, r, today) for r in rows]
    if records is None:
        core.refuse(
            actor, "restriction.view", record_kind="youth", record_id=youth_id, detail="sealed"
        )
        raise NotFound(f"youth_id: no youth with id {youth_id}")
    if not include_inactive:
        records = [r for r in records if r.status in ("active", "scheduled")]
    return tuple(records)


def withheld_location_youth_ids(
    session: Session, youth_ids: Iterable[int], today: dt.date
) -> frozenset[int]:
    """Of ``youth_ids``, those with an active "do not disclose location" restriction.

    For other services (referral forms, dockets) to call inside their own transaction.
    """
    ids = sorted(set(youth_ids))
    if not ids:
        return frozenset()
    found = session.execute(
        select(ContactRestriction.youth_id)
        .where(
            ContactRestriction.youth_id.in_(ids),
            ContactRestriction.do_not_disclose_location.is_(True),
            ContactRestriction.lifted_at.is_(None),
            ContactRestriction.starts_on <= today,
            or_(ContactRestriction.ends_on.is_(None), ContactRestriction.ends_on >= today),
        )
        .distinct()
    ).scalars()
    return frozenset(found)
