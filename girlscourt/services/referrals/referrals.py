"""Referrals and consents: create, move through the lifecycle, send only on a lawful footing.

Every write is one transaction with its ReferralEvent (who, when, from, to) and its audit event.
A referral is sent only with a valid consent that covers it, or a recorded lawful exception;
a refused send is audited too. Results are frozen dataclasses; no ORM object leaves here.

Reads follow three rules on top of the role's permission. Health referrals (medical, mental
health, substance use) and consents covering health care or 42 CFR Part 2 records are a
field-level permission (``referral.view_health``): without it they are left out of every list,
and opening one is refused and audited. A youth hidden by sealing (WIC 786) takes her referrals
and consents with her, for everyone but the custodian: opening one is NotFound (audited), lists
leave them out. A partner reads only those of the youth assigned to her (``partner_access``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NoReturn

from sqlalchemy import select
from sqlalchemy.orm import Session

from girlscourt.db.models import (
    Agency,
    AgencyRepresentative,
    Consent,
    CustodyEpisode,
    Referral,
    Youth,
)
from girlscourt.domain.consent_rules import LAWFUL_EXCEPTIONS, check_exception, consent_problem
from girlscourt.domain.permissions import Action
from girlscourt.domain.referral_rules import (
    CLOSE_REASONS,
    DECLINE_REASONS,
    EDITABLE,
    JUSTIFICATION_MAX,
    NOTE_MAX,
    REASON_TEXT_MAX,
    STATUS_LABELS,
    ReferralType,
    Status,
    Urgency,
    check_due_override,
    check_reasons,
    check_transition,
    due_by,
    label_of,
    parse_choice,
    required_scopes,
)
from girlscourt.domain.youth_rules import age_on
from girlscourt.errors import (
    ConflictError,
    NotFound,
    PermissionDenied,
    RuleRefused,
    ValidationError,
)
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.referrals.agencies import active_on
from girlscourt.services.referrals.referral_records import (
    EXCEPTION_PREFIX,
    HEALTH_TYPES,
    ReferralInput,
    ReferralRecord,
    ReferralSummary,
    _consent_on_file,
    _event,
    _record,
    _scoped,
    _summary,
    _text,
    _visible_youth,
    _youth,
    _youth_hidden,
    visible_types_filter,
    ward_or_dependent,
)
from girlscourt.services.security import sealing


@dataclass(frozen=True)
class _Checked:
    referral_type: ReferralType
    urgency: Urgency
    reason_codes: tuple[str, ...]
    reason_text: str | None


def _check_input(data: ReferralInput) -> _Checked:
    referral_type = ReferralType(
        parse_choice("type", data.referral_type, [t.value for t in ReferralType])
    )
    urgency = Urgency(parse_choice("urgency", data.urgency, [u.value for u in Urgency]))
    codes_given: object = data.reason_codes
    if not isinstance(codes_given, (tuple, list)):
        raise ValidationError("reason_codes", "must be a list of reason codes")
    if data.due_at is not None and not isinstance(data.due_at, dt.datetime):
        raise ValidationError("due_at", "must be a date and time")
    text = _text("reason_text", data.reason_text, REASON_TEXT_MAX)
    codes = check_reasons(referral_type, data.reason_codes, text)
    return _Checked(referral_type, urgency, codes, text)


def _agency_and_rep(
    session: Session, agency_id: int, representative_id: int | None, today: dt.date
) -> tuple[Agency, int | None]:
    agency = session.get(Agency, agency_id) if isinstance(agency_id, int) else None
    if agency is None:
        raise ValidationError("agency_id", f"there is no agency {agency_id}")
    if not active_on(agency.effective_from, agency.effective_to, today):
        raise ValidationError("agency_id", f"{agency.name} is not a current partner agency")
    reps = list(
        session.execute(
            select(AgencyRepresentative)
            .where(AgencyRepresentative.agency_id == agency.id)
            .order_by(AgencyRepresentative.id)
        ).scalars()
    )
    current = [r for r in reps if active_on(r.effective_from, r.effective_to, today)]
    if representative_id is None:
        points = [r for r in current if r.csec_point_person]
        return agency, (points[0].id if points else None)
    if representative_id not in {r.id for r in reps}:
        raise ValidationError(
            "representative_id", f"{representative_id} is not a representative of {agency.name}"
        )
    if representative_id not in {r.id for r in current}:
        raise ValidationError("representative_id", f"{representative_id} is no longer current")
    return agency, representative_id


def _episode(session: Session, youth_id: int, episode_id: int | None) -> int | None:
    if episode_id is not None:
        episode = session.get(CustodyEpisode, episode_id)
        if episode is None or episode.youth_id != youth_id:
            raise ValidationError("episode_id", f"{episode_id} is not an episode of this youth")
        return episode_id
    found = session.execute(
        select(CustodyEpisode.id)
        .where(CustodyEpisode.youth_id == youth_id, CustodyEpisode.released_at.is_(None))
        .order_by(CustodyEpisode.custody_start_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    return found


def _consent_for(
    session: Session,
    core: Core,
    consent_id: int,
    *,
    youth: Youth,
    agency_id: int,
    referral_type: ReferralType,
    reason_codes: tuple[str, ...],
) -> str | None:
    consent = session.get(Consent, consent_id)
    if consent is None:
        return f"there is no consent {consent_id}"
    minor = age_on(youth.dob, core.today()) < 18
    return consent_problem(
        _consent_on_file(consent),
        youth_id=youth.id,
        agency_id=agency_id,
        referral_type=referral_type,
        needed=required_scopes(referral_type, reason_codes),
        ward_or_dependent_minor=minor and ward_or_dependent(session, youth),
        on=core.today(),
        tz=core.settings.timezone,
    )


def _load(
    core: Core,
    session: Session,
    actor: Actor,
    referral_id: int,
    expected_version: int | None,
    action: str,
) -> Referral:
    ref = session.get(Referral, referral_id)
    if ref is None:
        raise NotFound(f"referral {referral_id}: no such referral")
    if _youth_hidden(session, actor, ref.youth_id):  # no write reaches a youth sealing hides
        _refuse(core, session, actor, ref.id, action, "denied", detail="sealed")
        raise NotFound(f"referral {referral_id}: no such referral")
    if expected_version is not None and ref.version != expected_version:
        _refuse(core, session, actor, ref.id, action, "conflict")
        raise ConflictError(
            f"referral {referral_id}: someone else saved it (version {ref.version}) after you "
            f"opened it (version {expected_version}); nothing was overwritten",
            current_version=ref.version,
        )
    return ref


def _refuse(
    core: Core,
    session: Session,
    actor: Actor,
    referral_id: int,
    action: str,
    outcome: str,
    *,
    detail: str | None = None,
) -> None:
    """Audit a refusal and keep it, even though the change itself is abandoned."""
    session.rollback()
    core.audit(
        session,
        actor,
        action,
        record_kind="referral",
        record_id=referral_id,
        outcome=outcome,
        detail=detail,
    )
    session.commit()


# --- referrals -----------------------------------------------------------------------------


def create_referral(core: Core, actor: Actor, data: ReferralInput) -> ReferralRecord:
    """Open a referral in ``draft``; due-by follows the urgency (or an earlier time given)."""
    core.require(actor, Action.REFERRAL_MANAGE)
    checked = _check_input(data)
    now = core.now()
    due = due_by(checked.urgency, now, core.settings.timezone)
    if data.due_at is not None:
        due = check_due_override(data.due_at, now, due)
    with core.write() as session:
        youth = _visible_youth(core, session, actor, data.youth_id, "referral.create")
        agency, rep_id = _agency_and_rep(
            session, data.agency_id, data.representative_id, core.today()
        )
        if data.consent_id is not None:
            problem = _consent_for(
                session,
                core,
                data.consent_id,
                youth=youth,
                agency_id=agency.id,
                referral_type=checked.referral_type,
                reason_codes=checked.reason_codes,
            )
            if problem:
                raise ValidationError("consent_id", problem)
        ref = Referral(
            youth_id=youth.id,
            episode_id=_episode(session, youth.id, data.episode_id),
            referral_type=checked.referral_type.value,
            agency_id=agency.id,
            representative_id=rep_id,
            reason_codes=list(checked.reason_codes),
            reason_text=checked.reason_text,
            urgency=checked.urgency.value,
            due_at=due,
            status=Status.DRAFT.value,
            consent_id=data.consent_id,
            created_by=actor.user_id,
            created_at=now,
            updated_at=now,
        )
        session.add(ref)
        session.flush()
        _event(session, core, actor, ref, None, Status.DRAFT.value)
        core.audit(session, actor, "referral.create", record_kind="referral", record_id=ref.id)
        session.flush()
        return _record(session, ref, now)


def update_referral(
    core: Core, actor: Actor, referral_id: int, expected_version: int | None, data: ReferralInput
) -> ReferralRecord:
    """Edit a referral that has not been sent yet (the youth cannot change)."""
    core.require(actor, Action.REFERRAL_MANAGE, record_kind="referral", record_id=referral_id)
    checked = _check_input(data)
    with core.write() as session:
        ref = _load(core, session, actor, referral_id, expected_version, "referral.edit")
        if Status(ref.status) not in EDITABLE:
            raise RuleRefused(
                f"referral {referral_id}: a {label_of(STATUS_LABELS, ref.status)} referral can "
                "no longer be edited"
            )
        if data.youth_id != ref.youth_id:
            raise ValidationError("youth_id", "a referral cannot move to another youth")
        youth = _youth(session, ref.youth_id)
        agency, rep_id = _agency_and_rep(
            session, data.agency_id, data.representative_id, core.today()
        )
        due = due_by(checked.urgency, ref.created_at, core.settings.timezone)
        if data.due_at is not None:
            due = check_due_override(data.due_at, ref.created_at, due)
        consent_id = data.consent_id
        if consent_id is not None:
            problem = _consent_for(
                session,
                core,
                consent_id,
                youth=youth,
                agency_id=agency.id,
                referral_type=checked.referral_type,
                reason_codes=checked.reason_codes,
            )
            if problem:
                raise ValidationError("consent_id", problem)
        ref.referral_type = checked.referral_type.value
        ref.agency_id = agency.id
        ref.representative_id = rep_id
        ref.reason_codes = list(checked.reason_codes)
        ref.reason_text = checked.reason_text
        ref.urgency = checked.urgency.value
        ref.due_at = due
        ref.episode_id = _episode(session, ref.youth_id, data.episode_id)
        ref.consent_id = consent_id
        ref.updated_at = core.now()
        _event(session, core, actor, ref, ref.status, ref.status, "Details edited")
        core.audit(session, actor, "referral.edit", record_kind="referral", record_id=ref.id)
        session.flush()
        return _record(session, ref, core.now())


def _send_problem(core: Core, session: Session, ref: Referral) -> str | None:
    youth = _youth(session, ref.youth_id)
    agency = session.get(Agency, ref.agency_id)
    if agency is None or not active_on(agency.effective_from, agency.effective_to, core.today()):
        return "the receiving agency is no longer a current partner agency"
    referral_type = ReferralType(ref.referral_type)
    consent_issue: str | None = None
    if ref.consent_id is not None:
        consent_issue = _consent_for(
            session,
            core,
            ref.consent_id,
            youth=youth,
            agency_id=ref.agency_id,
            referral_type=referral_type,
            reason_codes=tuple(ref.reason_codes or ()),
        )
        if consent_issue is None:
            return None
    exception = LAWFUL_EXCEPTIONS.get(ref.lawful_exception or "")
    if exception is not None and referral_type in exception.types:
        return None
    if consent_issue:
        return consent_issue
    return "it has no valid consent and no recorded lawful exception"


def _move(
    core: Core,
    session: Session,
    actor: Actor,
    ref: Referral,
    target: Status,
    reason: str | None,
    note: str | None,
) -> None:
    current = Status(ref.status)
    try:
        check_transition(ref.id, current, target, reason, note)
    except RuleRefused:
        _refuse(core, session, actor, ref.id, "referral.transition", "refused")
        raise
    if target == Status.SENT:
        problem = _send_problem(core, session, ref)
        if problem:
            _refuse(core, session, actor, ref.id, "referral.send", "refused")
            raise RuleRefused(f"referral {ref.id}: cannot be sent: {problem}")
    if target in (Status.CLOSED, Status.DECLINED):
        reasons = CLOSE_REASONS if target == Status.CLOSED else DECLINE_REASONS
        ref.closed_reason = parse_choice("reason", reason, reasons)
    ref.status = target.value
    ref.updated_at = core.now()
    _event(session, core, actor, ref, current.value, target.value, note)
    core.audit(
        session,
        actor,
        "referral.send" if target == Status.SENT else "referral.transition",
        record_kind="referral",
        record_id=ref.id,
        detail=f"{current.value}->{target.value}",
    )


def transition_referral(
    core: Core,
    actor: Actor,
    referral_id: int,
    to_status: str,
    *,
    expected_version: int | None = None,
    reason: str | None = None,
    note: str | None = None,
) -> ReferralRecord:
    """Move a referral one legal step; ``closed`` and ``declined`` need a reason code.

    ``expected_version`` None acts on whatever is saved (batch tools); the GUI passes the
    version it showed so a concurrent change raises ConflictError.
    """
    core.require(actor, Action.REFERRAL_MANAGE, record_kind="referral", record_id=referral_id)
    target = Status(parse_choice("to", to_status, [s.value for s in Status]))
    clean_note = _text("note", note, NOTE_MAX)
    with core.write() as session:
        ref = _load(core, session, actor, referral_id, expected_version, "referral.transition")
        _move(core, session, actor, ref, target, reason, clean_note)
        session.flush()
        return _record(session, ref, core.now())


def _record_exception(
    core: Core,
    session: Session,
    actor: Actor,
    ref: Referral,
    code: str,
    justification: str | None,
) -> None:
    text = _text("justification", justification, JUSTIFICATION_MAX)
    exception = check_exception(code, ReferralType(ref.referral_type), text)
    if Status(ref.status) not in EDITABLE:
        raise RuleRefused(
            f"referral {ref.id}: a lawful exception is recorded before sending, not when "
            f"{label_of(STATUS_LABELS, ref.status)}"
        )
    ref.lawful_exception = exception.code
    ref.updated_at = core.now()
    note = f"{EXCEPTION_PREFIX}{exception.code}. {text}"
    _event(session, core, actor, ref, ref.status, ref.status, note)
    core.audit(
        session,
        actor,
        "referral.exception",
        record_kind="referral",
        record_id=ref.id,
        detail=exception.code,
    )


def record_lawful_exception(
    core: Core,
    actor: Actor,
    referral_id: int,
    code: str,
    justification: str,
    *,
    expected_version: int | None = None,
) -> ReferralRecord:
    """Record why this referral may go without a consent (e.g. a medical emergency)."""
    core.require(actor, Action.REFERRAL_MANAGE, record_kind="referral", record_id=referral_id)
    with core.write() as session:
        ref = _load(core, session, actor, referral_id, expected_version, "referral.exception")
        _record_exception(core, session, actor, ref, code, justification)
        session.flush()
        return _record(session, ref, core.now())


def send_referral(
    core: Core,
    actor: Actor,
    referral_id: int,
    *,
    expected_version: int | None = None,
    note: str | None = None,
    lawful_exception: str | None = None,
    justification: str | None = None,
) -> ReferralRecord:
    """Mark a referral sent: refused unless a valid consent covers it or an exception applies."""
    core.require(actor, Action.REFERRAL_MANAGE, record_kind="referral", record_id=referral_id)
    clean_note = _text("note", note, NOTE_MAX)
    with core.write() as session:
        ref = _load(core, session, actor, referral_id, expected_version, "referral.send")
        if lawful_exception is not None:
            _record_exception(core, session, actor, ref, lawful_exception, justification)
            session.flush()
        _move(core, session, actor, ref, Status.SENT, None, clean_note)
        session.flush()
        return _record(session, ref, core.now())


def attach_consent(
    core: Core,
    actor: Actor,
    referral_id: int,
    consent_id: int,
    *,
    expected_version: int | None = None,
) -> ReferralRecord:
    """Link a consent that is valid today and covers this referral."""
    core.require(actor, Action.REFERRAL_MANAGE, record_kind="referral", record_id=referral_id)
    with core.write() as session:
        ref = _load(core, session, actor, referral_id, expected_version, "referral.consent")
        if Status(ref.status) not in EDITABLE:
            raise RuleRefused(
                f"referral {referral_id}: a consent is attached before sending, not when "
                f"{label_of(STATUS_LABELS, ref.status)}"
            )
        problem = _consent_for(
            session,
            core,
            consent_id,
            youth=_youth(session, ref.youth_id),
            agency_id=ref.agency_id,
            referral_type=ReferralType(ref.referral_type),
            reason_codes=tuple(ref.reason_codes or ()),
        )
        if problem:
            raise ValidationError("consent_id", problem)
        ref.consent_id = consent_id
        ref.updated_at = core.now()
        _event(session, core, actor, ref, ref.status, ref.status, f"Consent {consent_id} attached")
        core.audit(session, actor, "referral.consent", record_kind="referral", record_id=ref.id)
        session.flush()
        return _record(session, ref, core.now())


def _refused_read(
    core: Core, actor: Actor, action: str, kind: str, record_id: int, why: str
) -> NoReturn:
    """Audit a refused read (its own transaction) and raise what the actor is told: a record
    hidden by sealing does not exist for them; a health record is not theirs to see."""
    core.refuse(actor, action, record_kind=kind, record_id=record_id, detail=why)
    if why == "sealed":
        raise NotFound(f"{kind} {record_id}: no such {kind}")
    raise PermissionDenied(
        f"{actor.username} ({actor.role.value}) may not {Action.REFERRAL_VIEW_HEALTH.value}"
    )


def get_referral(core: Core, actor: Actor, referral_id: int) -> ReferralRecord:
    """One referral with its history; every view is audited (refusals too)."""
    core.require(actor, Action.REFERRAL_VIEW, record_kind="referral", record_id=referral_id)
    with core.write() as session:
        ref = session.get(Referral, referral_id)
        if ref is None:
            raise NotFound(f"referral {referral_id}: no such referral")
        if _youth_hidden(session, actor, ref.youth_id):
            why = "sealed"
        elif ref.referral_type in HEALTH_TYPES and not actor.may(Action.REFERRAL_VIEW_HEALTH):
            why = "health referral"
        else:
            core.audit(session, actor, "referral.view", record_kind="referral", record_id=ref.id)
            return _record(session, ref, core.now())
    _refused_read(core, actor, "referral.view", "referral", referral_id, why)


def _summaries(session: Session, query: Any, now: dt.datetime) -> tuple[ReferralSummary, ...]:
    rows = session.execute(query.join(Agency, Agency.id == Referral.agency_id)).all()
    return tuple(_summary(ref, name, now) for ref, name in rows)


def list_referrals(core: Core, actor: Actor, youth_id: int) -> tuple[ReferralSummary, ...]:
    """A youth's referrals, newest first, each flagged when overdue (audited as a record view).

    Health referrals only with ``referral.view_health``; a youth hidden by sealing is NotFound.
    """
    core.require(actor, Action.REFERRAL_VIEW, record_kind="youth", record_id=youth_id)
    with core.write() as session:
        _listed_youth(core, session, actor, youth_id, "referral.list")
        core.audit(session, actor, "referral.list", record_kind="youth", record_id=youth_id)
        query = (
            select(Referral, Agency.name)
            .where(Referral.youth_id == youth_id)
            .order_by(Referral.created_at.desc(), Referral.id.desc())
        )
        types = visible_types_filter(actor)
        if types is not None:
            query = query.where(types)
        return _summaries(session, query, core.now())


def _listed_youth(core: Core, session: Session, actor: Actor, youth_id: int, action: str) -> None:
    """A list names a youth: an unknown one and one sealing hides are alike "no such youth"."""
    sealing.visible_youth(
        core,
        session,
        actor,
        youth_id,
        action=action,
        unknown=lambda: NotFound(f"youth {youth_id}: no such youth"),
    )


def overdue_referrals(
    core: Core, actor: Actor, *, youth_id: int | None = None
) -> tuple[ReferralSummary, ...]:
    """Referrals past due-by with no first contact yet, most overdue first (feeds the checklist).

    Youth hidden by sealing are left out (custodian excepted), so are health referrals without
    ``referral.view_health``; a partner sees only her assigned youth.
    """
    core.require(actor, Action.REFERRAL_VIEW, record_kind="youth", record_id=youth_id)
    now = core.now()
    waiting = [
        s.value
        for s in (
            Status.DRAFT,
            Status.CONSENT_PENDING,
            Status.SENT,
            Status.ACKNOWLEDGED,
            Status.UNABLE_TO_REACH,
        )
    ]
    with core.write() as session:
        core.audit(
            session,
            actor,
            "referral.overdue",
            record_kind="youth" if youth_id is not None else None,
            record_id=youth_id,
        )
        query = (
            select(Referral, Agency.name)
            .where(Referral.status.in_(waiting), Referral.due_at < now)
            .order_by(Referral.due_at, Referral.id)
        )
        if youth_id is not None:
            query = query.where(Referral.youth_id == youth_id)
        query = _scoped(core, actor, query, Referral.youth_id)
        types = visible_types_filter(actor)
        if types is not None:
            query = query.where(types)
        return _summaries(session, query, now)
