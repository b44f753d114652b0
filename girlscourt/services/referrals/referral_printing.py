"""Printing a referral form: gather the record, issue and audit a document id, return the PDF.

The id is issued in the same transaction the PDF is built (and, with ``out``, written and fsynced
beside its target) in, so an audited id always has a document, and a failed build or write
leaves no audit trace of a print that never happened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from girlscourt.db.models import (
    Agency,
    AgencyRepresentative,
    Caregiver,
    Consent,
    ContactRestriction,
    CourtCase,
    CustodyEpisode,
    Referral,
    Screening,
    User,
    Youth,
)
from girlscourt.domain.consent_rules import (
    LAWFUL_EXCEPTIONS,
    LEGAL_BASES,
    PART2_REDISCLOSURE_NOTICE,
    REDISCLOSURE_STATEMENT,
    REVOCATION_STATEMENT,
    SIGNER_LABELS,
    consent_state,
)
from girlscourt.domain.names import initials
from girlscourt.domain.permissions import Action
from girlscourt.domain.referral_rules import (
    REASONS,
    SCOPE_LABELS,
    STATUS_LABELS,
    TYPE_LABELS,
    URGENCY_LABELS,
    ReferralType,
    label_of,
)
from girlscourt.domain.youth_rules import age_on
from girlscourt.errors import NotFound, PermissionDenied, ValidationError
from girlscourt.printing.base import DocumentMeta
from girlscourt.printing.referral_form import (
    FORM_VERSION,
    ConsentBlock,
    ReferralFormData,
    RestrictedPersonLine,
    build_referral_form,
)
from girlscourt.services.codes import intake_codes
from girlscourt.services.documents import document_outputs
from girlscourt.services.documents.documents import OutPath, delivered, issue_document_id
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.referrals.referral_records import (
    HEALTH_TYPES,
    exception_justification,
    load_events,
)
from girlscourt.services.security import sealing

COPIES = ("provider", "file")


@dataclass(frozen=True)
class PrintedDocument:
    """A rendered document and the audited id printed on each of its pages."""

    document_id: str
    pdf: bytes
    suggested_name: str


def _full_name(youth: Youth) -> str:
    parts = [youth.legal_first_name, youth.legal_middle_name, youth.legal_last_name]
    name = " ".join(p for p in parts if p)
    if youth.preferred_name and youth.preferred_name != youth.legal_first_name:
        name += f" (goes by {youth.preferred_name})"
    return name


def _custody(session: Session, ref: Referral, youth_id: int) -> tuple[str, str | None]:
    episode = session.get(CustodyEpisode, ref.episode_id) if ref.episode_id else None
    if episode is None:
        episode = session.execute(
            select(CustodyEpisode)
            .where(CustodyEpisode.youth_id == youth_id)
            .order_by(CustodyEpisode.custody_start_at.desc())
            .limit(1)
        ).scalar_one_or_none()
    if episode is None:
        return "Not in custody (no custody episode on file)", None
    if episode.released_at is None:
        return "In custody (detained)", episode.housing_unit
    released = episode.released_at.date().isoformat()
    kind = f", {episode.release_type}" if episode.release_type else ""
    return f"Released {released}{kind}", None


def _level_label(screening: Screening) -> str:
    """The result level as the instrument words it ("Clear concern"), never its code."""
    key = f"{screening.instrument_id}@{screening.instrument_version}"
    tool = intake_codes.instruments().get(key)
    if tool is not None:
        try:
            return tool.level(screening.result_level).label
        except KeyError:
            pass  # a level the county's newer file no longer has: say it in words anyway
    return screening.result_level.replace("_", " ").capitalize()


def _restricted(
    session: Session, youth_id: int, today: dt.date
) -> tuple[RestrictedPersonLine, ...]:
    rows = session.execute(
        select(ContactRestriction)
        .where(
            ContactRestriction.youth_id == youth_id,
            ContactRestriction.do_not_disclose_location.is_(True),
            ContactRestriction.lifted_at.is_(None),
            ContactRestriction.starts_on <= today,
            or_(ContactRestriction.ends_on.is_(None), ContactRestriction.ends_on >= today),
        )
        .order_by(ContactRestriction.id)
    ).scalars()
    return tuple(
        RestrictedPersonLine(r.person_name, tuple(r.aliases or ()), r.relationship_to_youth)
        for r in rows
    )


def _consent_block(
    session: Session, consent: Consent, core: Core, *, provider_copy: bool
) -> ConsentBlock:
    """The consent as printed; the file copy names the signer's role, never the person."""
    recipient = (
        session.get(Agency, consent.recipient_agency_id) if consent.recipient_agency_id else None
    )
    basis = LEGAL_BASES.get(consent.legal_basis)
    details = dict(consent.details or {})
    return ConsentBlock(
        signer_role=label_of(SIGNER_LABELS, consent.signer_role),
        signer_name=consent.signer_name if provider_copy else None,
        court_order_number=consent.court_order_number,
        legal_basis=basis.label if basis else consent.legal_basis,
        legal_basis_code=consent.legal_basis,
        scope=tuple(label_of(SCOPE_LABELS, s) for s in consent.scope or ()),
        recipient=recipient.name if recipient else None,
        purpose=consent.purpose,
        information=str(details.get("information") or ""),
        signed_on=consent.signed_on,
        expires_on=consent.expires_on,
        state=consent_state(
            consent.signed_on,
            consent.expires_on,
            consent.revoked_at,
            core.today(),
            core.settings.timezone,
        ),
        part2=consent.part2,
        youth_cosigned=bool(details.get("youth_cosigned")),
    )


def form_data(
    core: Core,
    session: Session,
    referral_id: int,
    *,
    provider_copy: bool,
    screening_result: bool = True,
) -> ReferralFormData:
    """Everything the form prints, read in ``session`` (no permission check: callers do it).

    ``screening_result`` False leaves the screening result level off (a role without
    ``screening.view_result`` never receives it, printed or not).
    """
    ref = session.get(Referral, referral_id)
    if ref is None:
        raise NotFound(f"referral {referral_id}: no such referral")
    youth = session.get(Youth, ref.youth_id)
    agency = session.get(Agency, ref.agency_id)
    assert youth is not None and agency is not None
    rep = (
        session.get(AgencyRepresentative, ref.representative_id) if ref.representative_id else None
    )
    officer = session.get(User, ref.created_by)
    tz = core.settings.timezone
    today = core.today()
    status, unit = _custody(session, ref, youth.id)
    cases = tuple(
        session.execute(
            select(CourtCase.case_number)
            .where(CourtCase.youth_id == youth.id)
            .order_by(CourtCase.id)
        ).scalars()
    )
    caregivers = tuple(
        (f"{c.name} ({c.relationship_to_youth})" if provider_copy else c.relationship_to_youth)
        for c in session.execute(
            select(Caregiver).where(Caregiver.youth_id == youth.id).order_by(Caregiver.id)
        ).scalars()
    )
    screening = (
        session.execute(
            select(Screening)
            .where(Screening.youth_id == youth.id)
            .order_by(Screening.completed_at.desc(), Screening.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        if screening_result
        else None
    )
    consent = session.get(Consent, ref.consent_id) if ref.consent_id else None
    details = dict(consent.details or {}) if consent else {}
    events = load_events(session, ref.id)
    representative = None
    if rep is not None:
        representative = f"{rep.name}, {rep.title}" if rep.title else rep.name
        if rep.csec_point_person:
            representative += " – designated CSEC point-person"
    contact_phone = (rep.phone if rep and rep.phone else None) or agency.phone
    contact_email = (rep.secure_email if rep and rep.secure_email else None) or agency.secure_email
    part2 = ref.referral_type == ReferralType.SUBSTANCE_USE or bool(consent and consent.part2)
    return ReferralFormData(
        referral_id=ref.id,
        provider_copy=provider_copy,
        issuing_agency=core.settings["issuing_agency"],
        youth_full_name=_full_name(youth) if provider_copy else None,
        youth_initials=initials(
            youth.legal_first_name, youth.legal_last_name, youth.initials_override
        ),
        youth_id=youth.id,
        dob=youth.dob,
        age=age_on(youth.dob, today),
        gender_identity=youth.gender_identity,
        pronouns=youth.pronouns,
        primary_language=youth.primary_language,
        interpreter_needed=youth.interpreter_needed,
        case_numbers=cases,
        custody_status=status,
        housing_unit=unit,
        caregivers=caregivers,
        referral_type=label_of(TYPE_LABELS, ref.referral_type),
        receiving_agency=agency.name,
        representative=representative,
        agency_phone=contact_phone,
        agency_email=contact_email,
        agency_fax=agency.fax,
        agency_hours=agency.hours,
        reasons=tuple(REASONS[c].label if c in REASONS else c for c in ref.reason_codes or ()),
        reason_text=ref.reason_text,
        urgency=label_of(URGENCY_LABELS, ref.urgency),
        due_at=ref.due_at.astimezone(tz),
        status=label_of(STATUS_LABELS, ref.status),
        screening_level=_level_label(screening) if screening else None,
        screening_note=(
            f"Result level only; the instrument's items are never printed. "
            f"{screening.instrument_id} v{screening.instrument_version}, completed "
            f"{screening.completed_at.astimezone(tz).date().isoformat()}."
            if screening
            else None
        ),
        restricted_persons=_restricted(session, youth.id, today),
        youth_agrees_to_contact=details.get("youth_agrees_to_contact"),
        consent=(
            _consent_block(session, consent, core, provider_copy=provider_copy) if consent else None
        ),
        lawful_exception=_exception_label(ref),
        exception_justification=(
            exception_justification(events, ref.lawful_exception) if ref.lawful_exception else None
        ),
        part2=part2,
        part2_notice=PART2_REDISCLOSURE_NOTICE,
        revocation_statement=REVOCATION_STATEMENT,
        redisclosure_statement=REDISCLOSURE_STATEMENT,
        referring_officer=officer.display_name if officer else f"user {ref.created_by}",
        referring_officer_user=officer.username if officer else None,
    )


def _exception_label(ref: Referral) -> str | None:
    if not ref.lawful_exception:
        return None
    found = LAWFUL_EXCEPTIONS.get(ref.lawful_exception)
    return found.label if found else ref.lawful_exception


def _refusal(core: Core, actor: Actor, referral_id: int) -> str | None:
    """Why this actor may not print the referral: ``sealed``, ``health referral``, or None."""
    with core.read() as session:
        found = session.execute(
            select(Referral.referral_type, sealing.sealed_flag(Referral.youth_id)).where(
                Referral.id == referral_id
            )
        ).first()
    if found is None:
        raise NotFound(f"referral {referral_id}: no such referral")
    if bool(found[1]) and not actor.may(Action.SEALED_ACCESS):
        return "sealed"
    if found[0] in HEALTH_TYPES and not actor.may(Action.REFERRAL_VIEW_HEALTH):
        return "health referral"
    return None


def print_referral(
    core: Core,
    actor: Actor,
    referral_id: int,
    *,
    copy: str = "provider",
    out: OutPath | None = None,
) -> PrintedDocument:
    """Render the form; the provider copy (full name) needs referral-manage rights.

    The document id is audited (``document.print``) and printed on every page. A referral of a
    youth hidden by sealing is NotFound (custodian excepted), a health referral needs
    ``referral.view_health``; both refusals are audited. With ``out`` the PDF is also written
    there, in full or not at all, and the print is audited only if it was.
    """
    if copy not in COPIES:
        raise ValidationError("copy", f"{copy!r} is not one of: {', '.join(COPIES)}")
    core.require(actor, Action.PRINT, record_kind="referral", record_id=referral_id)
    core.require(actor, Action.REFERRAL_VIEW, record_kind="referral", record_id=referral_id)
    provider = copy == "provider"
    if provider:
        core.require(actor, Action.REFERRAL_MANAGE, record_kind="referral", record_id=referral_id)
    why = _refusal(core, actor, referral_id)
    if why is not None:
        core.refuse(
            actor, "document.print", record_kind="referral", record_id=referral_id, detail=why
        )
        if why == "sealed":
            raise NotFound(f"referral {referral_id}: no such referral")
        raise PermissionDenied(
            f"{actor.username} ({actor.role.value}) may not {Action.REFERRAL_VIEW_HEALTH.value}"
        )
    with (
        delivered(core, actor, out, record_kind="referral", record_id=referral_id) as output,
        core.write() as session,
    ):
        data = form_data(
            core,
            session,
            referral_id,
            provider_copy=provider,
            screening_result=actor.may(Action.SCREENING_VIEW_RESULT),
        )
        document_id = issue_document_id(
            core, session, actor, "referral", record_kind="referral", record_id=referral_id
        )
        meta = DocumentMeta(
            title=f"Referral {referral_id}",
            document_id=document_id,
            printed_by=actor.display_name,
            printed_at=core.now().astimezone(core.settings.timezone),
            form_version=f"GC-REF-1 v{FORM_VERSION}",
            part2=data.part2,
        )
        pdf = build_referral_form(data, meta)
        output.write(pdf, f"referral {document_id}")
    return PrintedDocument(document_id, pdf, f"referral-{referral_id}-{document_id}.pdf")


def record_output(core: Core, actor: Actor, referral_id: int, document_id: str, how: str) -> None:
    """Audit one more output of an already issued document (the GUI's Print and Save as PDF)."""
    document_outputs.check_output(document_id, how)
    core.require(actor, Action.PRINT, record_kind="referral", record_id=referral_id)
    document_outputs.record_output(
        core,
        actor,
        document_id,
        how,
        "referral",
        record_kind="referral",
        record_id=referral_id,
    )
