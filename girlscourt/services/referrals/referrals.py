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

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from girlscourt.db.models import (
    Agency,
    AgencyRepresentative,
    Consent,
    CustodyEpisode,
    Referral,
    ReferralEvent,
    User,
    Youth,
)
from girlscourt.domain.names import clean_text
from girlscourt.domain.permissions import Action
from girlscourt.domain.referral_rules import (
    CLOSE_REASONS,
    DECLINE_REASONS,
    EDITABLE,
    JUSTIFICATION_MAX,
    LAWFUL_EXCEPTIONS,
    LEGAL_BASES,
    NOTE_MAX,
    REASON_TEXT_MAX,
    REASONS,
    SCOPE_LABELS,
    STATUS_LABELS,
    TRANSITIONS,
    TYPE_LABELS,
    URGENCY_LABELS,
    ConsentOnFile,
    ConsentTerms,
    ReferralType,
    Scope,
    SignerRole,
    Status,
    Urgency,
    check_consent_terms,
    check_due_override,
    check_exception,
    check_reasons,
    check_transition,
    consent_problem,
    consent_state,
    due_by,
    is_overdue,
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
from girlscourt.services.kernel import partner_scope
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.referrals.agencies import active_on
from girlscourt.services.security import sealing

EXCEPTION_PREFIX = "Lawful exception recorded: "
ATTESTATIONS = ("wet_signature", "scanned_copy", "electronic_signature", "court_order_on_file")

# Health care referrals and the consents for them: seen only with ``referral.view_health``.
HEALTH_TYPES = frozenset(
    t.value for t in (ReferralType.MEDICAL, ReferralType.MENTAL_HEALTH, ReferralType.SUBSTANCE_USE)
)
HEALTH_SCOPES = frozenset(
    s.value
    for s in (
        Scope.MEDICAL_CARE,
        Scope.OUTPATIENT_MENTAL_HEALTH,
        Scope.PSYCHOTROPIC_MEDICATION,
        Scope.INPATIENT_MENTAL_HEALTH,
        Scope.SUBSTANCE_USE_TREATMENT,
    )
)

# The CSEC protocol's steps that say whether a health referral was made (record_view drops them
# with the health referrals themselves).


def visible_types_filter(actor: Actor) -> ColumnElement[bool] | None:
    """A WHERE clause leaving out health referrals for a role without ``referral.view_health``
    (None: the actor sees every type)."""
    if actor.may(Action.REFERRAL_VIEW_HEALTH):
        return None
    return Referral.referral_type.not_in(sorted(HEALTH_TYPES))


def _consent_visible(actor: Actor, consent: Consent) -> bool:
    """A consent for health care or Part 2 records is part of the health record."""
    if actor.may(Action.REFERRAL_VIEW_HEALTH):
        return True
    return not consent.part2 and not HEALTH_SCOPES.intersection(consent.scope or ())


def _youth_hidden(session: Session, actor: Actor, youth_id: int) -> bool:
    """Whether sealing hides this youth (and what hangs on her) from the actor."""
    return not actor.may(Action.SEALED_ACCESS) and sealing.youth_is_sealed(session, youth_id)


def _scoped(core: Core, actor: Actor, query: Any, youth_id: Any) -> Any:
    """``query`` limited to youth the actor may see in a list: not sealed away, and for a
    partner, assigned."""
    if not actor.may(Action.SEALED_ACCESS):
        query = query.where(sealing.visible_youth_filter(youth_id))
    scope = partner_scope.scope_filter(core, actor, youth_id)
    return query if scope is None else query.where(scope)


# --- inputs and results --------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralInput:
    """A referral as the dialog or a JSON file gives it."""

    youth_id: int
    referral_type: str
    agency_id: int
    urgency: str
    reason_codes: tuple[str, ...]
    reason_text: str | None = None
    representative_id: int | None = None
    episode_id: int | None = None
    consent_id: int | None = None
    due_at: dt.datetime | None = None  # may only tighten the urgency's own due-by


@dataclass(frozen=True)
class ReferralEventRecord:
    """One stamped step: a status change, or a note (``from_status == to_status``)."""

    id: int
    from_status: str | None
    to_status: str
    actor_id: int
    actor_name: str
    at: dt.datetime
    note: str | None

    @property
    def is_transition(self) -> bool:
        """Whether this step changed the status (the others are notes on the record)."""
        return self.from_status != self.to_status


@dataclass(frozen=True)
class ReferralSummary:
    """A list row (the youth's record, the overdue list)."""

    id: int
    youth_id: int
    referral_type: str
    type_label: str
    agency_id: int
    agency_name: str
    status: str
    status_label: str
    urgency: str
    urgency_label: str
    due_at: dt.datetime
    overdue: bool
    created_at: dt.datetime


@dataclass(frozen=True)
class ReferralRecord:
    """A referral in full, with its history and the moves it may make next."""

    id: int
    version: int
    youth_id: int
    episode_id: int | None
    referral_type: str
    type_label: str
    agency_id: int
    agency_name: str
    representative_id: int | None
    representative_name: str | None
    reason_codes: tuple[str, ...]
    reason_labels: tuple[str, ...]
    reason_text: str | None
    urgency: str
    urgency_label: str
    due_at: dt.datetime
    status: str
    status_label: str
    closed_reason: str | None
    closed_reason_label: str | None
    consent_id: int | None
    lawful_exception: str | None
    lawful_exception_label: str | None
    lawful_exception_justification: str | None
    created_by: int
    created_at: dt.datetime
    updated_at: dt.datetime
    overdue: bool
    next_statuses: tuple[str, ...]
    events: tuple[ReferralEventRecord, ...]

    @property
    def part2(self) -> bool:
        """Substance-use referrals carry 42 CFR Part 2 protection."""
        return self.referral_type == ReferralType.SUBSTANCE_USE


@dataclass(frozen=True)
class ConsentInput:
    """A signed consent as the officer records it."""

    youth_id: int
    signer_role: str
    legal_basis: str
    scope: tuple[str, ...]
    recipient_agency_id: int | None
    purpose: str
    information: str
    signed_on: dt.date
    expires_on: dt.date | None = None
    signer_name: str | None = None
    court_order_number: str | None = None
    part2: bool = False
    attestation: str | None = None
    maturity_attested: bool = False
    self_sufficient_attested: bool = False
    youth_cosigned: bool = False
    youth_agrees_to_contact: bool | None = None


@dataclass(frozen=True)
class ConsentRecord:
    """A stored consent with its state today (valid, expired, revoked, not yet)."""

    id: int
    version: int
    youth_id: int
    signer_role: str
    signer_name: str | None
    court_order_number: str | None
    legal_basis: str
    legal_basis_label: str
    scope: tuple[str, ...]
    scope_labels: tuple[str, ...]
    recipient_agency_id: int | None
    recipient_name: str | None
    purpose: str
    information: str
    signed_on: dt.date
    expires_on: dt.date | None
    revoked_at: dt.datetime | None
    revocation_reason: str | None
    part2: bool
    attestation: str | None
    maturity_attested: bool
    self_sufficient_attested: bool
    youth_cosigned: bool
    youth_agrees_to_contact: bool | None
    state: str
    created_at: dt.datetime


@dataclass(frozen=True)
class Revocation:
    """A revoked consent and the open referrals that relied on it (the GUI warns about them)."""

    consent: ConsentRecord
    affected_referrals: tuple[int, ...]


# --- helpers -------------------------------------------------------------------------------


def _text(field: str, value: Any, max_length: int, *, required: bool = False) -> str | None:
    return clean_text(field, value, required=required, max_length=max_length, multiline=True)


def _youth(session: Session, youth_id: int, field: str = "youth_id") -> Youth:
    youth = session.get(Youth, youth_id) if isinstance(youth_id, int) else None
    if youth is None:
        raise ValidationError(field, f"there is no youth {youth_id}")
    return youth


def _visible_youth(core: Core, session: Session, actor: Actor, youth_id: int, action: str) -> Youth:
    """The youth a new record names: unknown, or hidden by sealing, alike (and audited)."""
    return sealing.visible_youth(
        core,
        session,
        actor,
        youth_id,
        action=action,
        unknown=lambda: ValidationError("youth_id", f"there is no youth {youth_id}"),
    )


def ward_or_dependent(session: Session, youth: Youth) -> bool:
    """A WIC 300 dependent, a dual-status youth, or a 602 ward (jurisdiction found, on probation).

    For these youths only the court (JV-220) authorises psychotropic medication.
    """
    if (youth.dependency_status or "none") != "none":
        return True
    found = session.execute(
        select(CustodyEpisode.id)
        .where(
            CustodyEpisode.youth_id == youth.id,
            or_(
                CustodyEpisode.jurisdiction_at.is_not(None),
                CustodyEpisode.on_probation.is_(True),
            ),
        )
        .limit(1)
    ).first()
    return found is not None


def _consent_on_file(consent: Consent) -> ConsentOnFile:
    return ConsentOnFile(
        id=consent.id,
        youth_id=consent.youth_id,
        legal_basis=consent.legal_basis,
        scope=frozenset(consent.scope or ()),
        recipient_agency_id=consent.recipient_agency_id,
        part2=consent.part2,
        signed_on=consent.signed_on,
        expires_on=consent.expires_on,
        revoked_at=consent.revoked_at,
    )


def load_events(session: Session, referral_id: int) -> tuple[ReferralEventRecord, ...]:
    """A referral's stamped steps, oldest first (for services that already hold a session)."""
    rows = session.execute(
        select(ReferralEvent, User.display_name)
        .join(User, User.id == ReferralEvent.actor_id)
        .where(ReferralEvent.referral_id == referral_id)
        .order_by(ReferralEvent.at, ReferralEvent.id)
    ).all()
    return tuple(
        ReferralEventRecord(e.id, e.from_status, e.to_status, e.actor_id, name, e.at, e.note)
        for e, name in rows
    )


def exception_justification(events: tuple[ReferralEventRecord, ...], code: str) -> str | None:
    """The justification written when ``code`` was recorded (the latest one)."""
    marker = f"{EXCEPTION_PREFIX}{code}. "
    for event in reversed(events):
        if event.note and event.note.startswith(marker):
            return event.note[len(marker) :]
    return None


def _record(session: Session, ref: Referral, now: dt.datetime) -> ReferralRecord:
    agency = session.get(Agency, ref.agency_id)
    rep = (
        session.get(AgencyRepresentative, ref.representative_id) if ref.representative_id else None
    )
    events = load_events(session, ref.id)
    status = Status(ref.status)
    exception = LAWFUL_EXCEPTIONS.get(ref.lawful_exception or "")
    reasons = CLOSE_REASONS if status == Status.CLOSED else DECLINE_REASONS
    codes = tuple(ref.reason_codes or ())
    return ReferralRecord(
        id=ref.id,
        version=ref.version,
        youth_id=ref.youth_id,
        episode_id=ref.episode_id,
        referral_type=ref.referral_type,
        type_label=label_of(TYPE_LABELS, ref.referral_type),
        agency_id=ref.agency_id,
        agency_name=agency.name if agency else f"agency {ref.agency_id}",
        representative_id=ref.representative_id,
        representative_name=rep.name if rep else None,
        reason_codes=codes,
        reason_labels=tuple(REASONS[c].label if c in REASONS else c for c in codes),
        reason_text=ref.reason_text,
        urgency=ref.urgency,
        urgency_label=label_of(URGENCY_LABELS, ref.urgency),
        due_at=ref.due_at,
        status=ref.status,
        status_label=label_of(STATUS_LABELS, ref.status),
        closed_reason=ref.closed_reason,
        closed_reason_label=label_of(reasons, ref.closed_reason) if ref.closed_reason else None,
        consent_id=ref.consent_id,
        lawful_exception=ref.lawful_exception,
        lawful_exception_label=exception.label if exception else ref.lawful_exception,
        lawful_exception_justification=(
            exception_justification(events, ref.lawful_exception) if ref.lawful_exception else None
        ),
        created_by=ref.created_by,
        created_at=ref.created_at,
        updated_at=ref.updated_at,
        overdue=is_overdue(status, ref.due_at, now),
        next_statuses=tuple(s.value for s in TRANSITIONS[status]),
        events=events,
    )


def _summary(ref: Referral, agency_name: str, now: dt.datetime) -> ReferralSummary:
    return ReferralSummary(
        id=ref.id,
        youth_id=ref.youth_id,
        referral_type=ref.referral_type,
        type_label=label_of(TYPE_LABELS, ref.referral_type),
        agency_id=ref.agency_id,
        agency_name=agency_name,
        status=ref.status,
        status_label=label_of(STATUS_LABELS, ref.status),
        urgency=ref.urgency,
        urgency_label=label_of(URGENCY_LABELS, ref.urgency),
        due_at=ref.due_at,
        overdue=is_overdue(ref.status, ref.due_at, now),
        created_at=ref.created_at,
    )


def _event(
    session: Session,
    core: Core,
    actor: Actor,
    ref: Referral,
    from_status: str | None,
    to_status: str,
    note: str | None = None,
) -> None:
    session.add(
        ReferralEvent(
            referral_id=ref.id,
            from_status=from_status,
            to_status=to_status,
            actor_id=actor.user_id,
            at=core.now(),
            note=note,
        )
    )


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


# --- consents ------------------------------------------------------------------------------


def _consent_record(
    session: Session, consent: Consent, today: dt.date, core: Core
) -> ConsentRecord:
    details: dict[str, Any] = dict(consent.details or {})
    recipient = (
        session.get(Agency, consent.recipient_agency_id) if consent.recipient_agency_id else None
    )
    basis = LEGAL_BASES.get(consent.legal_basis)
    scope = tuple(consent.scope or ())
    return ConsentRecord(
        id=consent.id,
        version=consent.version,
        youth_id=consent.youth_id,
        signer_role=consent.signer_role,
        signer_name=consent.signer_name,
        court_order_number=consent.court_order_number,
        legal_basis=consent.legal_basis,
        legal_basis_label=basis.label if basis else consent.legal_basis,
        scope=scope,
        scope_labels=tuple(label_of(SCOPE_LABELS, s) for s in scope),
        recipient_agency_id=consent.recipient_agency_id,
        recipient_name=recipient.name if recipient else None,
        purpose=consent.purpose,
        information=str(details.get("information") or ""),
        signed_on=consent.signed_on,
        expires_on=consent.expires_on,
        revoked_at=consent.revoked_at,
        revocation_reason=details.get("revocation_reason"),
        part2=consent.part2,
        attestation=consent.attestation,
        maturity_attested=bool(details.get("maturity_attested")),
        self_sufficient_attested=bool(details.get("self_sufficient_attested")),
        youth_cosigned=bool(details.get("youth_cosigned")),
        youth_agrees_to_contact=details.get("youth_agrees_to_contact"),
        state=consent_state(
            consent.signed_on, consent.expires_on, consent.revoked_at, today, core.settings.timezone
        ),
        created_at=consent.created_at,
    )


def _flag(field: str, value: object, *, optional: bool = False) -> bool | None:
    if value is None and optional:
        return None
    if not isinstance(value, bool):
        raise ValidationError(field, "must be true or false")
    return value


def create_consent(core: Core, actor: Actor, data: ConsentInput) -> ConsentRecord:
    """Record a signed consent after checking signer, legal basis, scope, age and Part 2 rules."""
    core.require(actor, Action.CONSENT_MANAGE)
    role = SignerRole(parse_choice("signer_role", data.signer_role, [r.value for r in SignerRole]))
    basis = parse_choice("legal_basis", data.legal_basis, LEGAL_BASES)
    scope_items: object = data.scope
    if not isinstance(scope_items, (tuple, list)):
        raise ValidationError("scope", "must be a list of services")
    scope = frozenset(
        Scope(parse_choice(f"scope[{i}]", s, [x.value for x in Scope]))
        for i, s in enumerate(scope_items)
    )
    signer_name = clean_text("signer_name", data.signer_name, required=False, max_length=200)
    order = clean_text("court_order_number", data.court_order_number, required=False, max_length=60)
    purpose = clean_text("purpose", data.purpose, required=False, max_length=200)
    information = _text("information", data.information, 1000)
    attestation = (
        parse_choice("attestation", data.attestation, ATTESTATIONS) if data.attestation else None
    )
    for key in ("signed_on", "expires_on"):
        value = getattr(data, key)
        if (value is not None or key == "signed_on") and (
            not isinstance(value, dt.date) or isinstance(value, dt.datetime)
        ):
            raise ValidationError(key, "must be a date")
    part2 = bool(_flag("part2", data.part2))
    maturity = bool(_flag("maturity_attested", data.maturity_attested))
    self_sufficient = bool(_flag("self_sufficient_attested", data.self_sufficient_attested))
    cosigned = bool(_flag("youth_cosigned", data.youth_cosigned))
    agrees = _flag("youth_agrees_to_contact", data.youth_agrees_to_contact, optional=True)
    with core.write() as session:
        youth = _visible_youth(core, session, actor, data.youth_id, "consent.create")
        if data.signed_on < youth.dob:
            raise ValidationError("signed_on", "is before the youth's date of birth")
        if data.recipient_agency_id is not None and (
            not isinstance(data.recipient_agency_id, int)
            or session.get(Agency, data.recipient_agency_id) is None
        ):
            raise ValidationError(
                "recipient_agency_id", f"there is no agency {data.recipient_agency_id}"
            )
        terms = ConsentTerms(
            signer_role=role,
            legal_basis=basis,
            scope=scope,
            signed_on=data.signed_on,
            expires_on=data.expires_on,
            part2=part2,
            has_signer_name=signer_name is not None,
            court_order_number=order,
            maturity_attested=maturity,
            self_sufficient_attested=self_sufficient,
            youth_cosigned=cosigned,
            recipient_agency_id=data.recipient_agency_id,
            has_purpose=purpose is not None,
            has_information=information is not None,
        )
        check_consent_terms(
            terms,
            age_on(youth.dob, data.signed_on),
            ward_or_dependent(session, youth),
            core.today(),
        )
        assert purpose is not None
        consent = Consent(
            youth_id=youth.id,
            signer_role=role.value,
            signer_name=signer_name,
            court_order_number=order,
            legal_basis=basis,
            scope=sorted(s.value for s in scope),
            recipient_agency_id=data.recipient_agency_id,
            purpose=purpose,
            signed_on=data.signed_on,
            expires_on=data.expires_on,
            part2=part2,
            attestation=attestation,
            details={
                "information": information,
                "maturity_attested": maturity,
                "self_sufficient_attested": self_sufficient,
                "youth_cosigned": cosigned,
                "youth_agrees_to_contact": agrees,
            },
            created_at=core.now(),
            updated_at=core.now(),
        )
        session.add(consent)
        session.flush()
        core.audit(
            session,
            actor,
            "consent.create",
            record_kind="consent",
            record_id=consent.id,
            detail=f"basis={basis} part2={part2}",
        )
        return _consent_record(session, consent, core.today(), core)


def revoke_consent(
    core: Core,
    actor: Actor,
    consent_id: int,
    reason: str | None = None,
    *,
    expected_version: int | None = None,
) -> Revocation:
    """Revoke a consent from now on; open referrals relying on it get a note in their history."""
    core.require(actor, Action.CONSENT_MANAGE, record_kind="consent", record_id=consent_id)
    text = _text("reason", reason, NOTE_MAX)
    with core.write() as session:
        consent = session.get(Consent, consent_id)
        if consent is None:
            raise NotFound(f"consent {consent_id}: no such consent")
        if expected_version is not None and consent.version != expected_version:
            raise ConflictError(
                f"consent {consent_id}: someone else saved it first; nothing was overwritten",
                current_version=consent.version,
            )
        if consent.revoked_at is not None:
            raise RuleRefused(f"consent {consent_id}: already revoked")
        consent.revoked_at = core.now()
        consent.details = {**(consent.details or {}), "revocation_reason": text}
        consent.updated_at = core.now()
        open_refs = list(
            session.execute(
                select(Referral).where(
                    Referral.consent_id == consent_id,
                    Referral.status.not_in([Status.CLOSED.value, Status.DECLINED.value]),
                )
            ).scalars()
        )
        for ref in open_refs:
            _event(
                session, core, actor, ref, ref.status, ref.status, f"Consent {consent_id} revoked"
            )
        core.audit(session, actor, "consent.revoke", record_kind="consent", record_id=consent_id)
        session.flush()
        return Revocation(
            _consent_record(session, consent, core.today(), core),
            tuple(r.id for r in open_refs),
        )


def get_consent(core: Core, actor: Actor, consent_id: int) -> ConsentRecord:
    """One consent (audited as a view; refused for a health consent without the permission)."""
    core.require(actor, Action.REFERRAL_VIEW, record_kind="consent", record_id=consent_id)
    with core.write() as session:
        consent = session.get(Consent, consent_id)
        if consent is None:
            raise NotFound(f"consent {consent_id}: no such consent")
        if _youth_hidden(session, actor, consent.youth_id):
            why = "sealed"
        elif not _consent_visible(actor, consent):
            why = "health consent"
        else:
            core.audit(session, actor, "consent.view", record_kind="consent", record_id=consent_id)
            return _consent_record(session, consent, core.today(), core)
    _refused_read(core, actor, "consent.view", "consent", consent_id, why)


def list_consents(core: Core, actor: Actor, youth_id: int) -> tuple[ConsentRecord, ...]:
    """A youth's consents, newest first (audited as a record view); health ones only with
    ``referral.view_health``; a youth hidden by sealing is NotFound."""
    core.require(actor, Action.REFERRAL_VIEW, record_kind="youth", record_id=youth_id)
    with core.write() as session:
        _listed_youth(core, session, actor, youth_id, "consent.list")
        core.audit(session, actor, "consent.list", record_kind="youth", record_id=youth_id)
        rows = session.execute(
            select(Consent)
            .where(Consent.youth_id == youth_id)
            .order_by(Consent.signed_on.desc(), Consent.id.desc())
        ).scalars()
        today = core.today()
        return tuple(
            _consent_record(session, c, today, core) for c in rows if _consent_visible(actor, c)
        )
