"""Consents to share a youth's information with an agency: recorded with their attestation,
revoked, read (health consents only by the roles allowed them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from girlscourt.db.models import (
    Agency,
    Consent,
    Referral,
)
from girlscourt.domain.consent_rules import (
    LEGAL_BASES,
    ConsentTerms,
    SignerRole,
    check_consent_terms,
    consent_state,
)
from girlscourt.domain.names import clean_text
from girlscourt.domain.permissions import Action
from girlscourt.domain.referral_rules import (
    NOTE_MAX,
    SCOPE_LABELS,
    Scope,
    Status,
    label_of,
    parse_choice,
)
from girlscourt.domain.youth_rules import age_on
from girlscourt.errors import (
    ConflictError,
    NotFound,
    RuleRefused,
    ValidationError,
)
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.referrals.referral_records import (
    ATTESTATIONS,
    ConsentInput,
    ConsentRecord,
    Revocation,
    _consent_visible,
    _event,
    _text,
    _visible_youth,
    _youth_hidden,
    ward_or_dependent,
)
from girlscourt.services.referrals.referrals import _listed_youth, _refused_read

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
