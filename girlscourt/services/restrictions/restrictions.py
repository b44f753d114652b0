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
import threading
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, or_, select, text, true
from sqlalchemy.orm import Session

from girlscourt.db.models import (
    ContactRestriction,
    CustodyEpisode,
    RestrictionCheck,
    User,
    Youth,
)
from girlscourt.db.session import Database
from girlscourt.domain.contact_matching import (
    BLOCK,
    CLEAR,
    DEFAULT_BLOCK_THRESHOLD,
    REVIEW,
    Match,
    Probe,
    RestrictedPerson,
    RestrictionIndex,
)
from girlscourt.domain.names import initials
from girlscourt.domain.permissions import Action
from girlscourt.domain.restriction_rules import (
    ADMISSION_CALL,
    CHANNEL_LABELS,
    NOTICE_PARTIES,
    REVIEW_DAYS_DEFAULT,
    Notices,
    RestrictionInput,
    admission_block_effective,
    check_id,
    check_lift_reason,
    clean_probe,
    grade,
    instruction,
    overall,
    status_on,
    validate_restriction,
)
from girlscourt.domain.youth_rules import parse_date
from girlscourt.errors import ConflictError, NotFound, ValidationError
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import sealing

__all__ = [
    "DELTA_LIMIT",
    "LOG_LIMIT",
    "MAX_REPORTED_MATCHES",
    "REVIEW_DAYS_DEFAULT",
    "WITHHELD",
    "CheckLogEntry",
    "CheckMatch",
    "CheckOutcome",
    "LoggedMatch",
    "Reminder",
    "Reminders",
    "RestrictionRecord",
    "UnitList",
    "UnitListRow",
    "add_restriction",
    "approve_restriction",
    "check_contact",
    "check_log",
    "get_restriction",
    "housing_units",
    "lift_restriction",
    "list_restrictions",
    "prepare_index",
    "reminders",
    "review_restriction",
    "unit_list",
    "update_restriction",
    "withheld_location_youth_ids",
]

MAX_REPORTED_MATCHES = 20
DELTA_LIMIT = 5000  # changed rows kept as an overlay before every row is loaded again
LOG_LIMIT = 10_000  # checks one log query (and one printed log) may hold
REMINDER_DAYS_DEFAULT = 14
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


@dataclass(frozen=True)
class CheckMatch:
    """One restriction a desk check matched, and how strongly for the channel in use."""

    restriction_id: int
    youth_id: int | None  # None: withheld, the youth's record is sealed
    youth_initials: str
    field: str  # name | alias | phone | handle
    matched_value: str  # the value as recorded on the restriction
    score: float
    grade: str  # BLOCK | REVIEW
    person_name: str
    channels: tuple[str, ...]
    ends_on: dt.date | None
    approved: bool
    withhold_location: bool


@dataclass(frozen=True)
class CheckOutcome:
    """The desk's answer, already logged as check ``check_id``."""

    check_id: int
    checked_at: dt.datetime
    result: str  # BLOCK | REVIEW | CLEAR
    matches: tuple[CheckMatch, ...]  # strongest first
    instruction: str
    channel: str | None
    youth_id: int | None  # None: every youth in custody
    youths_in_scope: int

    def as_json(self) -> dict[str, Any]:
        """The interchange shape of ``restriction check --json``."""
        return {
            "result": self.result,
            "matches": [
                {"restriction_id": m.restriction_id, "field": m.field, "score": m.score}
                for m in self.matches
            ],
        }


@dataclass(frozen=True)
class LoggedMatch:
    """A match as the check log keeps it (ids and scores, no names)."""

    restriction_id: int
    youth_id: int | None
    field: str
    score: float
    grade: str


@dataclass(frozen=True)
class CheckLogEntry:
    """One logged desk check, as investigators read it."""

    id: int
    checked_at: dt.datetime
    checked_by: int
    staff: str
    youth_id: int | None
    youth_initials: str | None
    channel: str | None
    probe_name: str | None
    probe_phone: str | None
    probe_handle: str | None
    result: str
    matches: tuple[LoggedMatch, ...]
    match_initials: Mapping[int, str]  # youth id -> initials, for the matched youths


@dataclass(frozen=True)
class Reminder:
    """A restriction that needs attention by ``due_on`` (negative ``days_left``: overdue)."""

    restriction_id: int
    youth_id: int
    youth_initials: str
    person_name: str
    due_on: dt.date
    days_left: int
    in_custody: bool


@dataclass(frozen=True)
class Reminders:
    """What supervisors must act on: reviews due, restrictions ending, approvals, notices."""

    as_of: dt.date
    within_days: int
    reviews_due: tuple[Reminder, ...]
    expiring: tuple[Reminder, ...]
    pending_approval: tuple[Reminder, ...]
    notices_missing: tuple[Reminder, ...]


@dataclass(frozen=True)
class UnitListRow:
    """One restriction on a housing unit's printed list."""

    youth_id: int
    youth_initials: str
    restriction_id: int
    person_name: str
    aliases: tuple[str, ...]
    phones: tuple[str, ...]
    handles: tuple[str, ...]
    relationship: str | None
    channels: tuple[str, ...]
    basis: str
    court_order_number: str | None
    starts_on: dt.date
    ends_on: dt.date | None
    review_on: dt.date
    status: str
    approved: bool
    withhold_location: bool
    admission_calls_blocked: bool


@dataclass(frozen=True)
class UnitList:
    """The restrictions of every youth in custody on one housing unit."""

    unit: str
    as_of: dt.date
    youths_in_unit: int
    rows: tuple[UnitListRow, ...]


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


def _open_episodes(session: Session) -> dict[int, str | None]:
    """Youth in custody now, with the housing unit of their open episode."""
    rows = session.execute(
        select(CustodyEpisode.youth_id, CustodyEpisode.housing_unit)
        .where(CustodyEpisode.released_at.is_(None))
        .order_by(CustodyEpisode.custody_start_at)
    ).all()
    return {r.youth_id: r.housing_unit for r in rows}


def _reminder(row: Any, due_on: dt.date, today: dt.date, custody: Mapping[int, Any]) -> Reminder:
    return Reminder(
        restriction_id=row.id,
        youth_id=row.youth_id,
        youth_initials=_initials(row),
        person_name=row.person_name,
        due_on=due_on,
        days_left=(due_on - today).days,
        in_custody=row.youth_id in custody,
    )


def reminders(core: Core, actor: Actor, within_days: int = REMINDER_DAYS_DEFAULT) -> Reminders:
    """Reviews due (or overdue), restrictions ending, approvals pending, Title 15 notices owed.

    Youth hidden by sealing are left out (custodian excepted).
    """
    core.require(actor, Action.RESTRICTION_MANAGE)
    if not 0 <= within_days <= 366:
        raise ValidationError("within_days", "must be between 0 and 366")
    today = core.today()
    horizon = today + dt.timedelta(days=within_days)
    cr = ContactRestriction
    visible = (  # a youth hidden by sealing has no reminders but the custodian's
        sealing.visible_youth_filter(cr.youth_id) if not actor.may(Action.SEALED_ACCESS) else true()
    )
    with core.write() as session:
        rows = session.execute(
            select(
                cr.id,
                cr.youth_id,
                cr.person_name,
                cr.starts_on,
                cr.ends_on,
                cr.review_on,
                cr.approved_by,
                cr.notices,
                Youth.legal_first_name,
                Youth.legal_last_name,
                Youth.initials_override,
            )
            .join(Youth, Youth.id == cr.youth_id)
            .where(cr.lifted_at.is_(None), or_(cr.ends_on.is_(None), cr.ends_on >= today))
            .where(
                or_(
                    cr.review_on <= horizon,
                    cr.ends_on <= horizon,
                    cr.approved_by.is_(None),
                    cr.starts_on <= today,
                )
            )
            .where(visible)
            .order_by(cr.id)
        ).all()
        custody = _open_episodes(session)
        core.audit(session, actor, "restriction.reminders", detail=f"days={within_days}")
    reviews = [_reminder(r, r.review_on, today, custody) for r in rows if r.review_on <= horizon]
    ending = [
        _reminder(r, r.ends_on, today, custody)
        for r in rows
        if r.ends_on is not None and r.ends_on <= horizon
    ]
    pending = [_reminder(r, r.starts_on, today, custody) for r in rows if r.approved_by is None]
    notices = [
        _reminder(r, r.starts_on, today, custody)
        for r in rows
        if r.starts_on <= today and _notices_from(r.notices).missing
    ]

    def by_due(items: list[Reminder]) -> tuple[Reminder, ...]:
        return tuple(sorted(items, key=lambda m: (m.due_on, m.restriction_id)))

    return Reminders(
        today, within_days, by_due(reviews), by_due(ending), by_due(pending), by_due(notices)
    )


def housing_units(core: Core, actor: Actor) -> tuple[str, ...]:
    """The housing units that hold a youth in custody now (for the list's unit picker)."""
    core.require(actor, Action.RESTRICTION_CHECK)
    with core.read() as session:
        units = session.execute(
            select(CustodyEpisode.housing_unit)
            .where(CustodyEpisode.released_at.is_(None), CustodyEpisode.housing_unit.is_not(None))
            .distinct()
        ).scalars()
        return tuple(sorted({u for u in units if u}, key=str.casefold))


def _unit_row(row: ContactRestriction, youth_initials: str, today: dt.date) -> UnitListRow:
    return UnitListRow(
        youth_id=row.youth_id,
        youth_initials=youth_initials,
        restriction_id=row.id,
        person_name=row.person_name,
        aliases=tuple(row.aliases or ()),
        phones=tuple(row.phones or ()),
        handles=tuple(row.handles or ()),
        relationship=row.relationship_to_youth,
        channels=tuple(row.channels),
        basis=row.basis,
        court_order_number=row.court_order_number,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        review_on=row.review_on,
        status=status_on(row.starts_on, row.ends_on, False, today),
        approved=row.approved_by is not None,
        withhold_location=row.do_not_disclose_location,
        admission_calls_blocked=admission_block_effective(
            row.blocks_admission_calls, row.admission_block_reason, row.admission_block_signoff_by
        ),
    )


def unit_list_in(
    session: Session, unit: str, today: dt.date, *, include_sealed: bool = False
) -> UnitList:
    """The unit's list inside the caller's transaction (the printing service uses it).

    Youth hidden by sealing are left out, rows and count, unless ``include_sealed`` (the
    custodian); the desk check still blocks their restricted persons.
    """
    wanted = unit.strip().casefold()
    in_custody = _open_episodes(session)
    in_unit = sorted(
        youth_id
        for youth_id, housing in in_custody.items()
        if housing is not None and housing.strip().casefold() == wanted
    )
    if in_unit and not include_sealed:
        sealed = sealing.sealed_youth_ids(session, in_unit)
        in_unit = [y for y in in_unit if y not in sealed]
    shown = next((in_custody[y] for y in in_unit), None) or unit.strip()
    names = _initials_for(session, in_unit)
    rows: Sequence[ContactRestriction] = []
    if in_unit:
        rows = (
            session.execute(
                select(ContactRestriction)
                .where(
                    ContactRestriction.youth_id.in_(in_unit),
                    ContactRestriction.lifted_at.is_(None),
                    or_(ContactRestriction.ends_on.is_(None), ContactRestriction.ends_on >= today),
                )
                .order_by(ContactRestriction.id)
            )
            .scalars()
            .all()
        )
    listed = sorted(
        (_unit_row(r, names[r.youth_id], today) for r in rows),
        key=lambda r: (r.youth_initials, r.youth_id, r.starts_on, r.restriction_id),
    )
    return UnitList(shown.strip(), today, len(in_unit), tuple(listed))


def unit_list(core: Core, actor: Actor, unit: str) -> UnitList:
    """Active and scheduled restrictions of every youth in custody on ``unit`` (audited)."""
    core.require(actor, Action.RESTRICTION_CHECK)
    if not unit or not unit.strip():
        raise ValidationError("unit", "name a housing unit")
    with core.write() as session:
        result = unit_list_in(
            session, unit, core.today(), include_sealed=actor.may(Action.SEALED_ACCESS)
        )
        core.audit(session, actor, "restriction.unit_list", detail=f"rows={len(result.rows)}")
        return result


def _county_day_bounds(core: Core, start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = core.settings.timezone
    lower = dt.datetime.combine(start, dt.time(0), zone).astimezone(dt.UTC)
    upper = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), zone).astimezone(dt.UTC)
    return lower, upper


def check_log_in(
    core: Core,
    session: Session,
    start: dt.date,
    end: dt.date,
    youth_id: int | None = None,
    *,
    include_sealed: bool = False,
) -> tuple[CheckLogEntry, ...]:
    """Logged checks from ``start`` to ``end`` (county dates, inclusive), oldest first.

    Unless ``include_sealed`` (the custodian), a check made for a youth hidden by sealing is
    left out, and a match on one keeps its restriction, field, score and grade (what the desk
    answered) without her id or initials.
    """
    if end < start:
        raise ValidationError("to", f"{end.isoformat()} is before {start.isoformat()}")
    lower, upper = _county_day_bounds(core, start, end)
    query = (
        select(RestrictionCheck, User.username, User.display_name)
        .join(User, User.id == RestrictionCheck.checked_by)
        .where(RestrictionCheck.checked_at >= lower, RestrictionCheck.checked_at < upper)
        .order_by(RestrictionCheck.checked_at, RestrictionCheck.id)
        .limit(LOG_LIMIT + 1)
    )
    if youth_id is not None:
        query = query.where(RestrictionCheck.youth_id == youth_id)
    found = session.execute(query).all()
    if len(found) > LOG_LIMIT:
        raise ValidationError(
            "to", f"more than {LOG_LIMIT:,} checks in this range; choose a shorter range"
        )
    entries = []
    wanted: set[int] = set()
    for check, _, _ in found:
        wanted.update(int(m["youth_id"]) for m in check.matches or () if m.get("youth_id"))
        if check.youth_id is not None:
            wanted.add(check.youth_id)
    sealed: set[int] = set() if include_sealed else sealing.sealed_youth_ids(session, wanted)
    names = _initials_for(session, wanted - sealed)
    for check, username, display in found:
        if check.youth_id in sealed:
            continue
        matches = tuple(
            LoggedMatch(
                int(m["restriction_id"]),
                None if m.get("youth_id") in sealed else m.get("youth_id"),
                str(m.get("field", "")),
                float(m.get("score", 0.0)),
                str(m.get("grade", check.result)),
            )
            for m in check.matches or ()
        )
        entries.append(
            CheckLogEntry(
                id=check.id,
                checked_at=check.checked_at,
                checked_by=check.checked_by,
                staff=f"{display} ({username})",
                youth_id=check.youth_id,
                youth_initials=names.get(check.youth_id) if check.youth_id else None,
                channel=check.channel,
                probe_name=check.probe_name,
                probe_phone=check.probe_phone,
                probe_handle=check.probe_handle,
                result=check.result,
                matches=matches,
                match_initials={
                    m.youth_id: names[m.youth_id] for m in matches if m.youth_id in names
                },
            )
        )
    return tuple(entries)


def check_log(
    core: Core, actor: Actor, start: dt.date, end: dt.date, *, youth_id: int | None = None
) -> tuple[CheckLogEntry, ...]:
    """The desk check log for a date range, as evidence (supervisors; the read is audited)."""
    core.require(actor, Action.AUDIT_VIEW)
    if youth_id is not None:
        check_id("youth_id", youth_id)
    with core.write() as session:
        entries = check_log_in(
            core, session, start, end, youth_id, include_sealed=actor.may(Action.SEALED_ACCESS)
        )
        core.audit(
            session,
            actor,
            "restriction.check_log",
            record_kind="youth" if youth_id else None,
            record_id=youth_id,
            detail=f"from={start.isoformat()} to={end.isoformat()} rows={len(entries)}",
        )
    return entries


# --------------------------------------------------------------------------- the index cache


@dataclass(frozen=True, slots=True)
class _Live:
    """One restriction as the desk needs it: its person for the index, the rest for judging."""

    restriction_id: int
    youth_id: int
    person: RestrictedPerson
    person_name: str
    channels: tuple[str, ...]
    starts_on: dt.date
    ends_on: dt.date | None
    lifted: bool
    approved: bool
    admission_blocked: bool
    withhold_location: bool
    change_seq: int


@dataclass(frozen=True, slots=True)
class _Rows:
    """Every restriction that can still apply (base), overlaid with every row changed since.

    ``seq``/``max_id`` say how current it is; rows changed after the base are in ``changed``
    (lifted and ended ones too, so the base's old version is never used).
    """

    base: Mapping[int, _Live]
    base_by_youth: Mapping[int, tuple[int, ...]]
    base_seq: int
    base_max_id: int
    changed: Mapping[int, _Live]
    changed_by_youth: Mapping[int, tuple[int, ...]]
    seq: int
    max_id: int

    def get(self, restriction_id: int) -> _Live | None:
        """The current version of a restriction (None: lifted or ended before the base)."""
        return self.changed.get(restriction_id) or self.base.get(restriction_id)

    def of_youth(self, youth_id: int) -> list[_Live]:
        """The current versions of a youth's restrictions."""
        rows = [self.base[r] for r in self.base_by_youth.get(youth_id, ()) if r not in self.changed]
        return rows + [self.changed[r] for r in self.changed_by_youth.get(youth_id, ())]

    def __len__(self) -> int:
        return len(self.base) + sum(1 for r in self.changed if r not in self.base)


@dataclass(frozen=True, slots=True)
class _Scoped:
    """An index over the restrictions of the youth in custody, plus the changes since it."""

    base_token: tuple[int, int]  # the _Rows base it was built from
    indexed: frozenset[int]  # the youth whose restrictions ``index`` holds
    youths: frozenset[int]  # those and the youth admitted since (their rows are in ``delta``)
    built: tuple[int, int]  # _Rows (seq, max_id) when ``index`` was built
    index: RestrictionIndex
    current: tuple[int, int]  # _Rows (seq, max_id) that ``delta`` brings it up to
    delta: RestrictionIndex
    stale: frozenset[int]  # restrictions whose entries in ``index`` are out of date

    def matches(self, probe: Probe) -> list[Match]:
        """Every match: from the index (minus stale entries) and from the delta."""
        found = [
            m
            for m in self.index.check(probe, max_matches=_ALL).matches
            if m.restriction_id not in self.stale
        ]
        if self.stale:
            found += self.delta.check(probe, max_matches=_ALL).matches
        return found


_ALL = 1_000_000  # the matcher's cap on matches; scope and dates are applied afterwards
_EMPTY_INDEX = RestrictionIndex.build(())
SCOPED_DELTA_LIMIT = 200  # changed rows carried as a delta before the scoped index is rebuilt
_COLUMNS = (
    ContactRestriction.id,
    ContactRestriction.youth_id,
    ContactRestriction.person_name,
    ContactRestriction.aliases,
    ContactRestriction.phones,
    ContactRestriction.handles,
    ContactRestriction.channels,
    ContactRestriction.starts_on,
    ContactRestriction.ends_on,
    ContactRestriction.lifted_at,
    ContactRestriction.approved_by,
    ContactRestriction.blocks_admission_calls,
    ContactRestriction.admission_block_reason,
    ContactRestriction.admission_block_signoff_by,
    ContactRestriction.do_not_disclose_location,
    ContactRestriction.change_seq,
)


def _live(row: Any) -> _Live:
    return _Live(
        restriction_id=row.id,
        youth_id=row.youth_id,
        person=RestrictedPerson(
            row.id,
            (row.person_name, *(row.aliases or ())),
            tuple(row.phones or ()),
            tuple(row.handles or ()),
        ),
        person_name=row.person_name,
        channels=tuple(row.channels),
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        lifted=row.lifted_at is not None,
        approved=row.approved_by is not None,
        admission_blocked=admission_block_effective(
            row.blocks_admission_calls, row.admission_block_reason, row.admission_block_signoff_by
        ),
        withhold_location=row.do_not_disclose_location,
        change_seq=int(row.change_seq or 0),
    )


def _by_youth(rows: Iterable[_Live]) -> dict[int, tuple[int, ...]]:
    grouped: dict[int, list[int]] = {}
    for row in rows:
        grouped.setdefault(row.youth_id, []).append(row.restriction_id)
    return {youth: tuple(ids) for youth, ids in grouped.items()}


def _index(rows: Iterable[_Live], today: dt.date) -> RestrictionIndex:
    """Index the rows that can still apply (dates are checked again at each check)."""
    return RestrictionIndex.build(
        r.person for r in rows if not r.lifted and (r.ends_on is None or r.ends_on >= today)
    )


def _fingerprint(session: Session) -> tuple[int, int]:
    """(max change_seq, max id): two index look-ups, however many restrictions there are."""
    seq = select(func.max(ContactRestriction.change_seq)).scalar_subquery()
    top = select(func.max(ContactRestriction.id)).scalar_subquery()
    found = session.execute(select(seq, top)).one()
    return int(found[0] or 0), int(found[1] or 0)


class _Cache:
    """One database's current rows and in-custody index; each replaced whole under the lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rows: _Rows | None = None
        self.scoped: _Scoped | None = None


_CACHES: weakref.WeakKeyDictionary[Database, _Cache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def _cache_for(db: Database) -> _Cache:
    with _CACHES_LOCK:
        cache = _CACHES.get(db)
        if cache is None:
            cache = _CACHES[db] = _Cache()
        return cache


def _full(session: Session, seq: int, max_id: int, today: dt.date) -> _Rows:
    """Every restriction not lifted and not ended, in one query."""
    cr = ContactRestriction
    rows = [
        _live(r)
        for r in session.execute(
            select(*_COLUMNS).where(
                cr.lifted_at.is_(None), or_(cr.ends_on.is_(None), cr.ends_on >= today)
            )
        )
    ]
    return _Rows(
        base={r.restriction_id: r for r in rows},
        base_by_youth=_by_youth(rows),
        base_seq=seq,
        base_max_id=max_id,
        changed={},
        changed_by_youth={},
        seq=seq,
        max_id=max_id,
    )


def _with_changes(session: Session, old: _Rows, seq: int, max_id: int) -> _Rows | None:
    """``old`` plus the rows changed since it was current; None once the overlay is too big."""
    cr = ContactRestriction
    fresh = [
        _live(r)
        for r in session.execute(
            select(*_COLUMNS)
            .where(or_(cr.change_seq > old.seq, cr.id > old.max_id))
            .limit(DELTA_LIMIT + 1)
        )
    ]
    changed = dict(old.changed)
    changed.update((r.restriction_id, r) for r in fresh)
    if len(changed) > DELTA_LIMIT:
        return None
    return replace(
        old, changed=changed, changed_by_youth=_by_youth(changed.values()), seq=seq, max_id=max_id
    )


def _rows(core: Core, session: Session) -> _Rows:
    """The cached rows, brought up to date with the database first if it changed."""
    cache = _cache_for(core.db)
    seq, max_id = _fingerprint(session)
    current = cache.rows
    if current is not None and (current.seq, current.max_id) == (seq, max_id):
        return current
    with cache.lock:
        current = cache.rows
        if current is not None and (current.seq, current.max_id) == (seq, max_id):
            return current
        fresh = _with_changes(session, current, seq, max_id) if current else None
        if fresh is None:
            fresh = _full(session, seq, max_id, core.today())
        cache.rows = fresh
        return fresh


def _moved(rows: _Rows, old: _Scoped, covered: frozenset[int]) -> list[_Live]:
    """Rows ``old.index`` lacks or has stale: changed since it was built, or of youth added."""
    built_seq, built_max = old.built
    moved = [
        r
        for r in rows.changed.values()
        if (r.change_seq > built_seq or r.restriction_id > built_max) and r.youth_id in old.indexed
    ]
    return moved + [r for youth in sorted(covered - old.indexed) for r in rows.of_youth(youth)]


def _scoped(core: Core, rows: _Rows, youths: frozenset[int]) -> _Scoped:
    """The in-custody index for ``youths``: reused, brought up to date, or built afresh.

    A youth released since it was built stays in it (matches are filtered by scope); a youth
    admitted since and every changed row go into the small delta index. A rebuilt base, a
    delta past ``SCOPED_DELTA_LIMIT`` rows, or an index twice the size it needs, means building
    it again.
    """
    cache = _cache_for(core.db)
    token = (rows.base_seq, rows.base_max_id)
    now = (rows.seq, rows.max_id)
    today = core.today()
    with cache.lock:
        old = cache.scoped
        if old is not None and old.base_token == token:
            covered = old.youths | youths
            if covered == old.youths and old.current == now:
                return old
            moved = _moved(rows, old, covered)
            if len(moved) <= SCOPED_DELTA_LIMIT and len(covered) <= 2 * len(youths) + 50:
                fresh = replace(
                    old,
                    youths=covered,
                    current=now,
                    delta=_index(moved, today),
                    stale=frozenset(r.restriction_id for r in moved),
                )
                cache.scoped = fresh
                return fresh
        members = [r for youth in sorted(youths) for r in rows.of_youth(youth)]
        fresh = _Scoped(
            base_token=token,
            indexed=youths,
            youths=youths,
            built=now,
            index=_index(members, today),
            current=now,
            delta=_EMPTY_INDEX,
            stale=frozenset(),
        )
        cache.scoped = fresh
        return fresh


def _custody(session: Session) -> frozenset[int]:
    """The youth in custody now (an open custody episode)."""
    return frozenset(
        session.execute(
            select(CustodyEpisode.youth_id).where(CustodyEpisode.released_at.is_(None)).distinct()
        ).scalars()
    )


def prepare_index(core: Core) -> int:
    """Load the restrictions and index those of the youth in custody now (e.g. at start-up).

    Returns how many restrictions the cache holds. Later checks only apply what changed.
    """
    with core.read() as session:
        rows = _rows(core, session)
        _scoped(core, rows, _custody(session))
    return len(rows)


# --------------------------------------------------------------------------- desk check


@dataclass(frozen=True, slots=True)
class _Graded:
    match: Match
    row: _Live
    grade: str


def _graded(
    found: Iterable[Match],
    rows: _Rows,
    in_scope: frozenset[int] | None,
    channel: str | None,
    today: dt.date,
) -> list[_Graded]:
    """Best match per (restriction, field) within scope, graded for the channel, best first."""
    best: dict[tuple[int, str], _Graded] = {}
    for match in found:
        row = rows.get(match.restriction_id)
        if row is None or row.lifted or row.starts_on > today:
            continue
        if row.ends_on is not None and row.ends_on < today:
            continue
        if in_scope is not None and row.youth_id not in in_scope:
            continue
        level = grade(
            match.score,
            channels=row.channels,
            channel=channel,
            admission_blocked=row.admission_blocked,
        )
        if level == CLEAR:
            continue
        key = (match.restriction_id, match.field)
        if key not in best or match.score > best[key].match.score:
            best[key] = _Graded(match, row, level)
    strength = {BLOCK: 0, REVIEW: 1}
    return sorted(
        best.values(),
        key=lambda g: (strength[g.grade], -g.match.score, g.match.restriction_id, g.match.field),
    )


def _downgrade_reason(top: _Graded, channel: str | None) -> str | None:
    if top.grade != REVIEW or top.match.score < DEFAULT_BLOCK_THRESHOLD:
        return None
    if channel == ADMISSION_CALL:
        return (
            "This is an admission call (WIC 627): the restriction has no supervisor-signed "
            "block on admission calls, so it must not be stopped without a supervisor."
        )
    covered = ", ".join(CHANNEL_LABELS.get(c, c) for c in top.row.channels)
    return f"The restriction covers {covered}, not this channel."


def _candidates(
    core: Core, actor: Actor, probe: Probe, youth_id: int | None
) -> tuple[_Rows, frozenset[int], list[Match]]:
    """The rows, the youth in scope and every match among their restrictions (a check naming
    a youth sealing hides is refused like one naming an unknown youth; the check of everyone
    in custody still matches her restrictions)."""
    with core.read() as session:
        if youth_id is not None:
            sealing.visible_youth(
                core,
                session,
                actor,
                youth_id,
                action="restriction.check",
                unknown=lambda: NotFound(f"youth_id: no youth with id {youth_id}"),
            )
        rows = _rows(core, session)
        scope = frozenset({youth_id}) if youth_id is not None else _custody(session)
    if youth_id is not None:  # a handful of restrictions: index them on the spot
        found = _index(rows.of_youth(youth_id), core.today()).check(probe, max_matches=_ALL)
        return rows, scope, list(found.matches)
    return rows, scope, _scoped(core, rows, scope).matches(probe)


def check_contact(
    core: Core,
    actor: Actor,
    *,
    name: str | None = None,
    phone: str | None = None,
    handle: str | None = None,
    youth_id: int | None = None,
    channel: str | None = None,
    admission_call: bool = False,
) -> CheckOutcome:
    """Check a visitor or caller against one youth's restrictions (or every youth in custody).

    Writes exactly one check-log row (CLEAR too) and its audit event, in one transaction.
    ``admission_call=True`` marks one of the two WIC 627 admission calls: a restriction without
    a supervisor-signed admission block answers REVIEW, never BLOCK, for it. A youth hidden by
    sealing still has her restrictions matched (safety first), shown as ``WITHHELD``.
    """
    if youth_id is not None:
        check_id("youth_id", youth_id)
    core.require(actor, Action.RESTRICTION_CHECK, record_kind="youth", record_id=youth_id)
    probe = clean_probe(name, phone, handle, channel, admission_call=admission_call)
    rows, scope, found = _candidates(
        core, actor, Probe(probe.name, probe.phone, probe.handle), youth_id
    )
    graded = _graded(found, rows, scope, probe.channel, core.today())[:MAX_REPORTED_MATCHES]
    with core.write() as session:
        result = overall(g.grade for g in graded)
        names = _initials_for(session, (g.row.youth_id for g in graded))
        withheld: set[int] = set()
        if graded and not actor.may(Action.SEALED_ACCESS):  # still blocks; never names her
            withheld = sealing.sealed_youth_ids(session, set(names))
            names.update(dict.fromkeys(withheld, WITHHELD))
        checked_at = core.now()
        log = RestrictionCheck(
            checked_at=checked_at,
            checked_by=actor.user_id,
            youth_id=youth_id,
            channel=probe.channel,
            probe_name=probe.name,
            probe_phone=probe.phone,
            probe_handle=probe.handle,
            result=result,
            matches=[
                {
                    "restriction_id": g.match.restriction_id,
                    "youth_id": g.row.youth_id,
                    "field": g.match.field,
                    "score": g.match.score,
                    "grade": g.grade,
                }
                for g in graded
            ],
        )
        session.add(log)
        session.flush()
        scope_text = "youth" if youth_id is not None else "in_custody"
        core.audit(
            session,
            actor,
            "restriction.check",
            record_kind="restriction_check",
            record_id=log.id,
            detail=f"result={result} matches={len(graded)} scope={scope_text} "
            f"channel={probe.channel or 'any'}",
        )
    matches = tuple(
        CheckMatch(
            restriction_id=g.match.restriction_id,
            youth_id=None if g.row.youth_id in withheld else g.row.youth_id,
            youth_initials=names.get(g.row.youth_id, "?"),
            field=g.match.field,
            matched_value=g.match.value,
            score=g.match.score,
            grade=g.grade,
            person_name=g.row.person_name,
            channels=g.row.channels,
            ends_on=g.row.ends_on,
            approved=g.row.approved,
            withhold_location=g.row.withhold_location,
        )
        for g in graded
    )
    top = graded[0] if graded else None
    advice = instruction(
        result,
        channel=probe.channel,
        youth_initials=names.get(top.row.youth_id) if top else None,
        restriction_id=top.match.restriction_id if top else None,
        field_matched=top.match.field if top else None,
        approved=top.row.approved if top else True,
        withhold_location=any(g.row.withhold_location for g in graded),
        reason=_downgrade_reason(top, probe.channel) if top else None,
    )
    return CheckOutcome(
        check_id=log.id,
        checked_at=checked_at,
        result=result,
        matches=matches,
        instruction=advice,
        channel=probe.channel,
        youth_id=youth_id,
        youths_in_scope=len(scope),
    )
