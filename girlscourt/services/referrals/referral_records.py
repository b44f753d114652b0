"""The records referral services hand out, how they are read from rows, and who may see which
(health referrals and consents only for the roles allowed them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

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
from girlscourt.domain.consent_rules import LAWFUL_EXCEPTIONS, ConsentOnFile
from girlscourt.domain.names import clean_text
from girlscourt.domain.permissions import Action
from girlscourt.domain.referral_rules import (
    CLOSE_REASONS,
    DECLINE_REASONS,
    REASONS,
    STATUS_LABELS,
    TRANSITIONS,
    TYPE_LABELS,
    URGENCY_LABELS,
    ReferralType,
    Scope,
    Status,
    is_overdue,
    label_of,
)
from girlscourt.errors import (
    ValidationError,
)
from girlscourt.services.kernel import partner_scope
from girlscourt.services.kernel.core import Actor, Core
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
