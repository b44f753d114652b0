"""Partner agencies, referrals, consents and the printed form through the services, on both backends."""

from __future__ import annotations

import datetime as dt
import io
import random
import re
from collections.abc import Iterator
from dataclasses import replace

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from girlscourt.db.models import (
    AuditEvent,
    ContactRestriction,
    CourtCase,
    CustodyEpisode,
    Petition,
    Referral,
    ReferralEvent,
    Screening,
)
from girlscourt.demo.referrals import seed_referrals
from girlscourt.domain.permissions import Role
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.errors import (
    ConflictError,
    NotFound,
    PermissionDenied,
    RuleRefused,
    ValidationError,
)
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.referrals import agencies, consents, referral_printing, referrals
from girlscourt.services.referrals.agencies import AgencyInput, RepresentativeInput
from girlscourt.services.referrals.referral_records import ConsentInput, ReferralInput
from girlscourt.services.registry import youths
from girlscourt.services.security import accounts, sealing
from tests.partner_support import seal_youth, sign_in_as

CLERK_PASSWORD = "clerk at the counter"


def audit(core: Core) -> list[tuple[str, str, str | None, int | None]]:
    with core.read() as session:
        rows = session.execute(
            select(
                AuditEvent.action, AuditEvent.outcome, AuditEvent.record_kind, AuditEvent.record_id
            ).order_by(AuditEvent.id)
        ).all()
    return [(r.action, r.outcome, r.record_kind, r.record_id) for r in rows]


def count(core: Core, model: type) -> int:
    with core.read() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


@pytest.fixture
def youth(core: Core, officer: Actor) -> int:
    data = YouthInput(
        legal_first_name="Nguyễn Thị",
        legal_last_name="Ánh",
        dob=dt.date(2011, 3, 4),
        pronouns="she/her",
        primary_language="Vietnamese",
        interpreter_needed=True,
    )
    return youths.register_youth(core, officer, data).id


@pytest.fixture
def clinic(core: Core, admin: Actor) -> agencies.AgencyRecord:
    return agencies.create_agency(
        core,
        admin,
        AgencyInput(
            name="Mariposa Bridge Counseling",
            kind="mental_health",
            phone="(510) 555-0142",
            secure_email="intake@mariposa.example.org",
            fax="(510) 555-0143",
            hours="Mon–Fri 8:00–18:00",
        ),
        (
            RepresentativeInput(name="Pat Rowan", title="Clinician"),
            RepresentativeInput(
                name="Dana Whitfield", title="Intake coordinator", csec_point_person=True
            ),
        ),
    )


@pytest.fixture
def advocates(core: Core, admin: Actor) -> agencies.AgencyRecord:
    return agencies.create_agency(
        core,
        admin,
        AgencyInput(name="Harborlight Youth Advocacy", kind="crisis_advocacy"),
        (RepresentativeInput(name="Rae Okafor", csec_point_person=True),),
    )


def mental_health(youth: int, agency: int, **changes: object) -> ReferralInput:
    base: dict[str, object] = {
        "youth_id": youth,
        "referral_type": "mental_health",
        "agency_id": agency,
        "urgency": "24_hours",
        "reason_codes": ("trauma_symptoms",),
        "reason_text": "Nightmares since intake; asks for a Vietnamese-speaking counsellor.",
    }
    base.update(changes)
    return ReferralInput(**base)  # type: ignore[arg-type]


def youth_consent(core: Core, youth: int, agency: int, **changes: object) -> ConsentInput:
    base: dict[str, object] = {
        "youth_id": youth,
        "signer_role": "youth",
        "signer_name": "Nguyễn Thị Ánh",
        "legal_basis": "FC6924",
        "scope": ("outpatient_mental_health",),
        "recipient_agency_id": agency,
        "purpose": "Outpatient counselling",
        "information": "Name, date of birth, reason for referral, screening result level",
        "signed_on": core.today(),
        "expires_on": core.today() + dt.timedelta(days=90),
        "maturity_attested": True,
        "youth_agrees_to_contact": True,
    }
    base.update(changes)
    return ConsentInput(**base)  # type: ignore[arg-type]


@pytest.fixture
def clock(core: Core) -> Iterator[list[dt.datetime]]:
    """Set ``clock[0]`` to move the services' time (the audit chain keeps the server's)."""
    now = [dt.datetime.now(dt.UTC)]
    core.clock = lambda: now[0]
    yield now


# --- agency directory ----------------------------------------------------------------------


def test_agency_directory(
    core: Core, admin: Actor, officer: Actor, clinic: agencies.AgencyRecord
) -> None:
    assert clinic.point_person is not None and clinic.point_person.name == "Dana Whitfield"
    assert [r.name for r in clinic.representatives] == ["Dana Whitfield", "Pat Rowan"]
    with pytest.raises(ValidationError, match="name: an agency named"):
        agencies.create_agency(
            core, admin, AgencyInput(name="mariposa bridge counseling", kind="medical")
        )
    with pytest.raises(ValidationError, match="secure_email"):
        agencies.create_agency(
            core, admin, AgencyInput(name="X", kind="medical", secure_email="nope")
        )
    with pytest.raises(ValidationError, match="phone"):
        agencies.create_agency(core, admin, AgencyInput(name="X", kind="medical", phone="call us"))
    with pytest.raises(ValidationError, match=r"representatives\[0\]\.name"):
        agencies.create_agency(
            core, admin, AgencyInput(name="X", kind="medical"), (RepresentativeInput(name=" "),)
        )
    with pytest.raises(ValidationError, match="kind"):
        agencies.create_agency(core, admin, AgencyInput(name="X", kind="bakery"))
    with pytest.raises(PermissionDenied):
        agencies.create_agency(core, officer, AgencyInput(name="X", kind="medical"))
    ended = agencies.update_agency(
        core,
        admin,
        clinic.id,
        clinic.version,
        AgencyInput(
            name=clinic.name, kind="mental_health", effective_to=core.today() - dt.timedelta(days=1)
        ),
    )
    assert not ended.active
    assert clinic.id not in [a.id for a in agencies.list_agencies(core, officer, active_only=True)]
    with pytest.raises(ConflictError):
        agencies.update_agency(
            core, admin, clinic.id, clinic.version, AgencyInput(name="Y", kind="medical")
        )
    assert ("agency.create", "ok", "agency", clinic.id) in audit(core)


# --- the lifecycle -------------------------------------------------------------------------


def test_lifecycle_from_draft_to_closed(
    core: Core, officer: Actor, youth: int, clinic: agencies.AgencyRecord
) -> None:
    ref = referrals.create_referral(core, officer, mental_health(youth, clinic.id))
    assert ref.status == "draft" and ref.representative_name == "Dana Whitfield"
    assert ref.due_at - ref.created_at == dt.timedelta(hours=24)
    assert ref.next_statuses == ("consent_pending", "sent", "closed")
    ref = referrals.transition_referral(
        core, officer, ref.id, "consent pending", expected_version=ref.version
    )

    with pytest.raises(RuleRefused) as refused:
        referrals.send_referral(core, officer, ref.id)
    assert str(refused.value) == (
        f"referral {ref.id}: cannot be sent: it has no valid consent and no recorded lawful exception"
    )
    assert ("referral.send", "refused", "referral", ref.id) in audit(core)
    assert referrals.get_referral(core, officer, ref.id).status == "consent_pending"

    consent = consents.create_consent(core, officer, youth_consent(core, youth, clinic.id))
    assert consent.state == "valid"
    ref = referrals.attach_consent(core, officer, ref.id, consent.id)
    for target in ("sent", "acknowledged", "first_contact", "active"):
        ref = referrals.transition_referral(
            core, officer, ref.id, target, expected_version=ref.version
        )
    with pytest.raises(ValidationError, match="reason"):
        referrals.transition_referral(core, officer, ref.id, "closed")
    ref = referrals.transition_referral(
        core, officer, ref.id, "closed", reason="services_completed", note="Completed 12 sessions"
    )
    assert ref.status == "closed" and ref.closed_reason_label == "Services completed"
    moves = [(e.from_status, e.to_status) for e in ref.events if e.is_transition]
    assert moves == [
        (None, "draft"),
        ("draft", "consent_pending"),
        ("consent_pending", "sent"),
        ("sent", "acknowledged"),
        ("acknowledged", "first_contact"),
        ("first_contact", "active"),
        ("active", "closed"),
    ]
    assert all(e.actor_name == "Olu Officer" and e.at.tzinfo is not None for e in ref.events)
    actions = [a for a in audit(core) if a[2] == "referral" and a[3] == ref.id]
    assert ("referral.create", "ok", "referral", ref.id) in actions
    assert actions.count(("referral.transition", "ok", "referral", ref.id)) == 5
    assert ("referral.send", "ok", "referral", ref.id) in actions


def test_illegal_transition_is_refused_audited_and_changes_nothing(
    core: Core, officer: Actor, youth: int, clinic: agencies.AgencyRecord
) -> None:
    ref = referrals.create_referral(core, officer, mental_health(youth, clinic.id))
    with pytest.raises(
        RuleRefused,
        match="cannot move from draft to active; from draft it can only go to consent pending, sent or closed",
    ):
        referrals.transition_referral(core, officer, ref.id, "active")
    assert ("referral.transition", "refused", "referral", ref.id) in audit(core)
    again = referrals.get_referral(core, officer, ref.id)
    assert again.status == "draft" and again.version == ref.version
    with pytest.raises(ValidationError, match="to: 'limbo' is not one of"):
        referrals.transition_referral(core, officer, ref.id, "limbo")


def test_stale_version_conflicts(
    core: Core, officer: Actor, admin: Actor, youth: int, clinic: agencies.AgencyRecord
) -> None:
    ref = referrals.create_referral(core, officer, mental_health(youth, clinic.id))
    referrals.transition_referral(
        core, admin, ref.id, "consent_pending", expected_version=ref.version
    )
    with pytest.raises(ConflictError) as error:
        referrals.transition_referral(
            core, officer, ref.id, "closed", expected_version=ref.version, reason="withdrawn"
        )
    assert error.value.current_version == ref.version + 1
    assert ("referral.transition", "conflict", "referral", ref.id) in audit(core)


def test_bad_input_writes_nothing(
    core: Core,
    officer: Actor,
    youth: int,
    clinic: agencies.AgencyRecord,
    advocates: agencies.AgencyRecord,
) -> None:
    before = count(core, Referral), count(core, ReferralEvent)
    cases = [
        (
            mental_health(youth, clinic.id, reason_codes=("school_enrollment",)),
            r"reason_codes\[0\]",
        ),
        (mental_health(youth, clinic.id, reason_codes=()), "reason_codes"),
        (mental_health(youth, clinic.id, urgency="whenever"), "urgency"),
        (mental_health(youth, clinic.id, referral_type="astrology"), "type"),
        (mental_health(youth, 999), "agency_id"),
        (mental_health(9999, clinic.id), "youth_id"),
        (
            mental_health(youth, clinic.id, representative_id=advocates.representatives[0].id),
            "representative_id",
        ),
        (mental_health(youth, clinic.id, reason_text="x" * 20_001), "reason_text"),
        (mental_health(youth, clinic.id, reason_text="hidden \u202e text"), "reason_text"),
        (mental_health(youth, clinic.id, due_at=core.now() + dt.timedelta(days=30)), "due_at"),
    ]
    for data, field in cases:
        with pytest.raises(ValidationError, match=field):
            referrals.create_referral(core, officer, data)
    assert (count(core, Referral), count(core, ReferralEvent)) == before


# --- consent rules through the services ----------------------------------------------------


def test_expired_consent_blocks_sending(
    core: Core, officer: Actor, youth: int, clinic: agencies.AgencyRecord, clock: list[dt.datetime]
) -> None:
    consent = consents.create_consent(
        core,
        officer,
        youth_consent(core, youth, clinic.id, expires_on=core.today() + dt.timedelta(days=2)),
    )
    ref = referrals.create_referral(
        core, officer, mental_health(youth, clinic.id, consent_id=consent.id, urgency="routine")
    )
    clock[0] += dt.timedelta(days=4)
    with pytest.raises(RuleRefused, match=f"cannot be sent: consent {consent.id} expired on"):
        referrals.send_referral(core, officer, ref.id)
    assert consents.get_consent(core, officer, consent.id).state == "expired"
    with pytest.raises(ValidationError, match="expired"):
        referrals.attach_consent(core, officer, ref.id, consent.id)


def test_revoked_consent_blocks_sending_and_notes_open_referrals(
    core: Core, officer: Actor, youth: int, clinic: agencies.AgencyRecord
) -> None:
    consent = consents.create_consent(core, officer, youth_consent(core, youth, clinic.id))
    waiting = referrals.create_referral(
        core, officer, mental_health(youth, clinic.id, consent_id=consent.id)
    )
    active = referrals.create_referral(
        core, officer, mental_health(youth, clinic.id, consent_id=consent.id)
    )
    referrals.send_referral(core, officer, active.id)
    revocation = consents.revoke_consent(core, officer, consent.id, "Youth asked to stop sharing")
    assert revocation.consent.state == "revoked"
    assert set(revocation.affected_referrals) == {waiting.id, active.id}
    with pytest.raises(RuleRefused, match=f"consent {consent.id} was revoked on"):
        referrals.send_referral(core, officer, waiting.id)
    notes = [e.note for e in referrals.get_referral(core, officer, active.id).events]
    assert f"Consent {consent.id} revoked" in notes
    with pytest.raises(RuleRefused, match="already revoked"):
        consents.revoke_consent(core, officer, consent.id)


def test_consent_must_fit_the_referral(
    core: Core,
    officer: Actor,
    youth: int,
    clinic: agencies.AgencyRecord,
    advocates: agencies.AgencyRecord,
) -> None:
    other_agency = consents.create_consent(core, officer, youth_consent(core, youth, advocates.id))
    with pytest.raises(ValidationError, match=r"consent_id: .*another receiving agency"):
        referrals.create_referral(
            core, officer, mental_health(youth, clinic.id, consent_id=other_agency.id)
        )
    outpatient = consents.create_consent(core, officer, youth_consent(core, youth, clinic.id))
    psych = mental_health(youth, clinic.id, reason_codes=("psychotropic_medication",))
    with pytest.raises(ValidationError, match="does not cover psychotropic medication"):
        referrals.create_referral(core, officer, replace(psych, consent_id=outpatient.id))
    with pytest.raises(ValidationError, match="signer_role: FC6924 must be signed by the youth"):
        consents.create_consent(
            core, officer, youth_consent(core, youth, clinic.id, signer_role="parent")
        )
    with pytest.raises(ValidationError, match="scope: FC6924 does not cover psychotropic"):
        consents.create_consent(
            core, officer, youth_consent(core, youth, clinic.id, scope=("psychotropic_medication",))
        )
    with pytest.raises(PermissionDenied):
        consents.create_consent(core, _clerk(core), youth_consent(core, youth, clinic.id))


def _clerk(core: Core) -> Actor:
    admin = accounts.authenticate(core, "admin", "correct horse battery staple")
    accounts.create_user(core, admin, "clerk", "court_clerk", CLERK_PASSWORD, "Cleo Clerk")
    return accounts.authenticate(core, "clerk", CLERK_PASSWORD)


def test_psychotropics_for_a_ward_need_the_court(
    core: Core, officer: Actor, youth: int, clinic: agencies.AgencyRecord
) -> None:
    with core.write() as session:
        session.add(
            CustodyEpisode(
                youth_id=youth,
                custody_start_at=core.now() - dt.timedelta(days=60),
                on_probation=True,
                housing_unit="Unit 3B",
            )
        )
    parent = youth_consent(
        core,
        youth,
        clinic.id,
        signer_role="parent",
        signer_name="Zoë O’Brien",
        legal_basis="PARENT",
        scope=("psychotropic_medication", "outpatient_mental_health"),
    )
    with pytest.raises(ValidationError, match="legal_basis: psychotropic medication for a ward"):
        consents.create_consent(core, officer, parent)
    court = consents.create_consent(
        core,
        officer,
        youth_consent(
            core,
            youth,
            clinic.id,
            signer_role="court",
            signer_name=None,
            court_order_number="JV-220-2026-0042",
            legal_basis="JV220",
            scope=("psychotropic_medication",),
            expires_on=None,
        ),
    )
    outpatient = consents.create_consent(core, officer, youth_consent(core, youth, clinic.id))
    ref = referrals.create_referral(
        core,
        officer,
        mental_health(
            youth, clinic.id, reason_codes=("psychotropic_medication",), consent_id=court.id
        ),
    )
    assert referrals.send_referral(core, officer, ref.id).status == "sent"
    both = ("psychotropic_medication", "trauma_symptoms")
    with pytest.raises(ValidationError, match=r"consent_id: .* does not cover outpatient"):
        # the JV-220 order covers medication only; counselling needs the youth's own consent
        referrals.create_referral(
            core, officer, mental_health(youth, clinic.id, reason_codes=both, consent_id=court.id)
        )
    ref = referrals.create_referral(
        core,
        officer,
        mental_health(
            youth, clinic.id, reason_codes=("trauma_symptoms",), consent_id=outpatient.id
        ),
    )
    assert referrals.send_referral(core, officer, ref.id).status == "sent"


def test_substance_use_needs_its_own_part2_consent(
    core: Core, admin: Actor, officer: Actor, youth: int
) -> None:
    recovery = agencies.create_agency(
        core, admin, AgencyInput(name="Cedar Hollow Recovery", kind="substance_use")
    )
    sud = ReferralInput(
        youth_id=youth,
        referral_type="substance_use",
        agency_id=recovery.id,
        urgency="routine",
        reason_codes=("substance_use_assessment",),
    )
    general = consents.create_consent(
        core,
        officer,
        youth_consent(
            core,
            youth,
            recovery.id,
            legal_basis="FC6922",
            scope=("medical_care",),
            maturity_attested=False,
            self_sufficient_attested=True,
        ),
    )
    with pytest.raises(ValidationError, match="does not cover substance use"):
        referrals.create_referral(core, officer, replace(sud, consent_id=general.id))
    with pytest.raises(ValidationError, match="part2"):
        consents.create_consent(
            core,
            officer,
            youth_consent(
                core, youth, recovery.id, legal_basis="FC6929", scope=("substance_use_treatment",)
            ),
        )
    part2 = consents.create_consent(
        core,
        officer,
        youth_consent(
            core,
            youth,
            recovery.id,
            legal_basis="FC6929",
            scope=("substance_use_treatment",),
            part2=True,
        ),
    )
    ref = referrals.create_referral(core, officer, replace(sud, consent_id=part2.id))
    assert ref.part2
    assert referrals.send_referral(core, officer, ref.id).status == "sent"
    printed = referral_printing.print_referral(core, officer, ref.id)
    text = pdf_text(printed.pdf)
    assert "42 CFR Part 2 – This record is protected" in text
    assert "Notice required by 42 CFR §2.32" in text
    assert "NOT sufficient" in text


def test_lawful_exception_lets_a_referral_go_without_consent(
    core: Core, officer: Actor, youth: int, advocates: agencies.AgencyRecord
) -> None:
    data = ReferralInput(
        youth_id=youth,
        referral_type="csec_advocacy",
        agency_id=advocates.id,
        urgency="same_day",
        reason_codes=("first_crisis_response",),
    )
    ref = referrals.create_referral(core, officer, data)
    with pytest.raises(ValidationError, match="justification"):
        referrals.send_referral(core, officer, ref.id, lawful_exception="wic827_mdt")
    with pytest.raises(ValidationError, match="does not apply"):
        referrals.send_referral(
            core, officer, ref.id, lawful_exception="medical_emergency", justification="x"
        )
    sent = referrals.send_referral(
        core,
        officer,
        ref.id,
        lawful_exception="wic827_mdt",
        justification="Protocol: FCR advocate called at identification",
    )
    assert sent.status == "sent" and sent.lawful_exception == "wic827_mdt"
    assert sent.lawful_exception_justification == "Protocol: FCR advocate called at identification"
    with pytest.raises(RuleRefused, match="before sending"):
        referrals.record_lawful_exception(core, officer, ref.id, "court_order", "Order 12")
    assert ("referral.exception", "ok", "referral", ref.id) in audit(core)


def test_overdue_referrals(
    core: Core,
    officer: Actor,
    youth: int,
    advocates: agencies.AgencyRecord,
    clock: list[dt.datetime],
) -> None:
    start = clock[0]
    clock[0] = start - dt.timedelta(days=3)
    data = ReferralInput(
        youth_id=youth,
        referral_type="csec_advocacy",
        agency_id=advocates.id,
        urgency="24_hours",
        reason_codes=("csec_identified",),
    )
    late = referrals.create_referral(core, officer, data)
    referrals.send_referral(
        core, officer, late.id, lawful_exception="wic827_mdt", justification="MDT protocol"
    )
    reached = referrals.create_referral(core, officer, data)
    referrals.send_referral(
        core, officer, reached.id, lawful_exception="wic827_mdt", justification="MDT protocol"
    )
    referrals.transition_referral(core, officer, reached.id, "first_contact")
    clock[0] = start
    on_time = referrals.create_referral(core, officer, data)
    overdue = referrals.overdue_referrals(core, officer)
    assert [r.id for r in overdue] == [late.id]
    assert [r.id for r in referrals.overdue_referrals(core, officer, youth_id=youth + 1)] == []
    listed = {r.id: r.overdue for r in referrals.list_referrals(core, officer, youth)}
    assert listed == {late.id: True, reached.id: False, on_time.id: False}
    assert ("referral.list", "ok", "youth", youth) in audit(core)


# --- the printed form ----------------------------------------------------------------------


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_print_provider_and_file_copies(
    core: Core, admin: Actor, officer: Actor, youth: int, clinic: agencies.AgencyRecord
) -> None:
    now = core.now()
    with core.write() as session:
        session.add(
            CustodyEpisode(
                youth_id=youth, custody_start_at=now - dt.timedelta(days=2), housing_unit="Unit 3B"
            )
        )
        session.add(
            Screening(
                youth_id=youth,
                instrument_id="csec-screen-gc",
                instrument_version="1.0.0",
                instrument_checksum="0" * 64,
                screener_id=officer.user_id,
                responses={"q_secret_item": "yes"},
                domain_scores={"secret_domain": 9},
                total_score=9,
                computed_level="clear_concern",
                result_level="clear_concern",
                completed_at=now - dt.timedelta(days=1),
            )
        )
        for name, hide in [("Marcus Talford", True), ("Ricky Selden", False)]:
            session.add(
                ContactRestriction(
                    youth_id=youth,
                    person_name=name,
                    aliases=["Big Money"] if hide else [],
                    channels=["visit", "phone"],
                    basis="court_order",
                    starts_on=core.today() - dt.timedelta(days=1),
                    review_on=core.today() + dt.timedelta(days=30),
                    do_not_disclose_location=hide,
                    relationship_to_youth="alleged exploiter",
                )
            )
    consent = consents.create_consent(core, officer, youth_consent(core, youth, clinic.id))
    ref = referrals.create_referral(
        core, officer, mental_health(youth, clinic.id, consent_id=consent.id)
    )

    printed = referral_printing.print_referral(core, officer, ref.id)
    text = pdf_text(printed.pdf)
    assert "County Probation Department – Juvenile Justice Center, Intake Unit" in text
    assert "Nguyễn Thị Ánh" in text
    assert "Marcus Talford" in text and "Big Money" in text
    assert "Ricky Selden" not in text  # may know the location: not listed
    assert "Clear concern" in text and "clear_concern" not in text  # the label, never the code
    assert "q_secret_item" not in text and "secret_domain" not in text
    assert "In custody (detained)" in text and "Unit 3B" in text
    assert "Vietnamese" in text and "she/her" in text
    assert "Fam. Code §6924" in text and "Signature of youth" in text
    assert "Dana Whitfield" in text and "(510) 555-0142" in text
    pages = PdfReader(io.BytesIO(printed.pdf)).pages
    for page in pages:
        page_text = page.extract_text()
        assert printed.document_id in page_text
        assert "CONFIDENTIAL – Juvenile record (Welf. & Inst. Code §827)" in page_text
        assert re.search(rf"page \d of {len(pages)}", page_text)
    assert ("document.print", "ok", "referral", ref.id) in audit(core)

    file_copy = referral_printing.print_referral(core, officer, ref.id, copy="file")
    file_text = pdf_text(file_copy.pdf)
    assert "Nguyễn Thị Ánh" not in file_text and "N.Á." in file_text
    assert file_copy.document_id != printed.document_id

    referral_printing.record_output(core, officer, ref.id, printed.document_id, "save")
    assert ("document.save", "ok", "referral", ref.id) in audit(core)
    with pytest.raises(ValidationError, match="document_id"):
        referral_printing.record_output(core, officer, ref.id, "Zoë O’Brien", "save")
    with pytest.raises(PermissionDenied):
        referral_printing.print_referral(core, _clerk(core), ref.id, copy="file")
    with core.read() as session:
        details = (
            session.execute(select(AuditEvent.detail).where(AuditEvent.detail.is_not(None)))
            .scalars()
            .all()
        )
    assert not any("Nguyễn" in d or "Talford" in d for d in details)


# --- demo data -----------------------------------------------------------------------------


def test_demo_seed_covers_every_state(core: Core, admin: Actor) -> None:
    for i in range(12):
        youths.register_youth(
            core,
            admin,
            YouthInput(
                legal_first_name=f"Demo{chr(65 + i)}",
                legal_last_name="Brenwick",
                dob=dt.date(2011, 1, 1) + dt.timedelta(days=40 * i),
            ),
        )
    made = seed_referrals(core, admin, random.Random(3))
    assert made >= 9
    with core.read() as session:
        states = set(session.execute(select(Referral.status)).scalars())
    assert states == {
        "draft",
        "consent_pending",
        "sent",
        "acknowledged",
        "first_contact",
        "active",
        "closed",
        "declined",
        "unable_to_reach",
    }
    assert referrals.overdue_referrals(core, admin)
    directory = agencies.list_agencies(core, admin)
    assert all(a.point_person is not None for a in directory)
    assert seed_referrals(core, admin, random.Random(3)) == made  # agencies reused, not duplicated
    assert len(agencies.list_agencies(core, admin)) == len(directory)


# --- sealing (WIC 786) ---------------------------------------------------------------------


def test_sealing_hides_a_youths_referrals_and_consents(
    core: Core,
    admin: Actor,
    officer: Actor,
    youth: int,
    clinic: agencies.AgencyRecord,
    advocates: agencies.AgencyRecord,
    clock: list[dt.datetime],
) -> None:
    other = youths.register_youth(core, officer, YouthInput("Ana", "Vale", dt.date(2011, 5, 6))).id
    start = clock[0]
    clock[0] = start - dt.timedelta(days=3)  # both referrals are overdue by now
    hers = referrals.create_referral(core, officer, mental_health(youth, clinic.id))
    visible = referrals.create_referral(core, officer, mental_health(other, clinic.id))
    consent = consents.create_consent(core, officer, youth_consent(core, youth, clinic.id))
    clock[0] = start
    assert {r.id for r in referrals.overdue_referrals(core, officer)} == {hers.id, visible.id}
    custodian = sign_in_as(core, admin, Role.CUSTODIAN)
    seal_youth(core, custodian, youth)

    assert [r.id for r in referrals.overdue_referrals(core, officer)] == [visible.id]
    assert referrals.overdue_referrals(core, officer, youth_id=youth) == ()
    for call in (
        lambda: referrals.list_referrals(core, officer, youth),
        lambda: referrals.get_referral(core, officer, hers.id),
        lambda: consents.list_consents(core, officer, youth),
        lambda: consents.get_consent(core, officer, consent.id),
        lambda: referral_printing.print_referral(core, officer, hers.id),
    ):
        with pytest.raises(NotFound):
            call()
    with core.read() as session:
        refused = session.execute(
            select(AuditEvent.action, AuditEvent.record_kind, AuditEvent.record_id)
            .where(AuditEvent.outcome == "denied", AuditEvent.detail == "sealed")
            .order_by(AuditEvent.id)
        ).all()
    assert [tuple(r) for r in refused] == [
        ("referral.list", "youth", youth),
        ("referral.view", "referral", hers.id),
        ("consent.list", "youth", youth),
        ("consent.view", "consent", consent.id),
        ("document.print", "referral", hers.id),
    ]
    assert referrals.get_referral(core, officer, visible.id).youth_id == other
    assert not any(a == ("document.print", "ok", "referral", hers.id) for a in audit(core))

    sealing.unseal_petition(
        core, custodian, seal_petition_id(core, youth), "JV-596 9", "court_order"
    )
    assert [r.id for r in referrals.list_referrals(core, officer, youth)] == [hers.id]
    assert consents.get_consent(core, officer, consent.id).id == consent.id


def seal_petition_id(core: Core, youth_id: int) -> int:
    with core.read() as session:
        return int(
            session.execute(
                select(Petition.id)
                .join(CourtCase, CourtCase.id == Petition.case_id)
                .where(CourtCase.youth_id == youth_id)
            ).scalar_one()
        )


def test_the_issuing_agency_printed_is_the_countys_setting(
    core: Core, officer: Actor, youth: int, clinic: agencies.AgencyRecord
) -> None:
    core.settings = core.settings.with_overrides(
        issuing_agency="Example County Probation – Juvenile Hall Intake"
    )
    consent = consents.create_consent(core, officer, youth_consent(core, youth, clinic.id))
    ref = referrals.create_referral(
        core, officer, mental_health(youth, clinic.id, consent_id=consent.id)
    )
    text = pdf_text(referral_printing.print_referral(core, officer, ref.id).pdf)
    assert "Example County Probation – Juvenile Hall Intake" in text
    assert "County Probation Department – Juvenile Justice Center" not in text
