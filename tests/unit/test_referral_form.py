"""The printed referral form from plain values: exact names, literal markup, long text, fuzzing."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from girlscourt.domain import consent_rules
from girlscourt.domain import referral_rules as rr
from girlscourt.printing.base import CONFIDENTIAL, PART2_BANNER, DocumentMeta
from girlscourt.printing.referral_form import (
    ConsentBlock,
    ReferralFormData,
    RestrictedPersonLine,
    build_referral_form,
)

LA = ZoneInfo("America/Los_Angeles")
META = DocumentMeta(
    title="Referral 42",
    document_id="REFE-20261129-ABC123",
    printed_by="Olu Officer",
    printed_at=dt.datetime(2026, 11, 29, 10, 0, tzinfo=LA),
    form_version="GC-REF-1 v2026.1",
)
FONT_TAG = "<font size=90>X"
IMG_TAG = '<img src="/etc/passwd"/>'


def consent(**changes: object) -> ConsentBlock:
    base = ConsentBlock(
        signer_role="Youth",
        signer_name="Nguyễn Thị Ánh",
        court_order_number=None,
        legal_basis=consent_rules.LEGAL_BASES["FC6924"].label,
        legal_basis_code="FC6924",
        scope=(rr.SCOPE_LABELS[rr.Scope.OUTPATIENT_MENTAL_HEALTH],),
        recipient="Mariposa Bridge Counseling",
        purpose="Outpatient counselling",
        information="Name, date of birth, reason for referral, screening result level",
        signed_on=dt.date(2026, 11, 28),
        expires_on=dt.date(2027, 5, 28),
        state="valid",
        part2=False,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def form(**changes: object) -> ReferralFormData:
    base = ReferralFormData(
        referral_id=42,
        provider_copy=True,
        issuing_agency="County Probation Department – Juvenile Justice Center, Intake Unit",
        youth_full_name="Nguyễn Thị Ánh",
        youth_initials="N.Á.",
        youth_id=17,
        dob=dt.date(2011, 3, 4),
        age=15,
        gender_identity="Girl",
        pronouns="she/her",
        primary_language="Vietnamese",
        interpreter_needed=True,
        case_numbers=("J-2026-0142",),
        custody_status="In custody (detained)",
        housing_unit="Unit 3B",
        caregivers=("Zoë O’Brien (aunt)",),
        referral_type=rr.TYPE_LABELS[rr.ReferralType.MENTAL_HEALTH],
        receiving_agency="Mariposa Bridge Counseling",
        representative="Dana Whitfield, Intake coordinator",
        agency_phone="(510) 555-0142",
        reasons=("Trauma symptoms",),
        reason_text="Nightmares since intake.",
        urgency=rr.URGENCY_LABELS[rr.Urgency.HOURS_24],
        due_at=dt.datetime(2026, 11, 30, 10, 0, tzinfo=LA),
        status="draft",
        screening_level="HIGH",
        restricted_persons=(RestrictedPersonLine("Marcus Talford", ("Big Money",), "exploiter"),),
        consent=consent(),
        revocation_statement=consent_rules.REVOCATION_STATEMENT,
        redisclosure_statement=consent_rules.REDISCLOSURE_STATEMENT,
        part2_notice=consent_rules.PART2_REDISCLOSURE_NOTICE,
        referring_officer="Olu Officer",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def pages(pdf: bytes) -> list[str]:
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_names_print_exactly_as_typed() -> None:
    text = "\n".join(pages(build_referral_form(form(), META)))
    assert "Nguyễn Thị Ánh" in text
    assert "Zoë O’Brien" in text
    assert "N.Á." in text and "she/her" in text and "Yes – Vietnamese" in text


@pytest.mark.parametrize("hostile", [FONT_TAG, IMG_TAG, "A & B <b>bold</b> &amp; <br/>"])
def test_markup_prints_literally_everywhere(hostile: str) -> None:
    data = form(
        youth_full_name=hostile,
        caregivers=(hostile,),
        reason_text=f"Before {hostile} after",
        restricted_persons=(RestrictedPersonLine(hostile, (hostile,), hostile),),
        receiving_agency=hostile,
        consent=consent(signer_name=hostile, purpose=hostile),
    )
    printed = pages(build_referral_form(data, META))
    text = "\n".join(printed)
    assert text.count(hostile) >= 5
    assert f"Before {hostile} after" in text


def test_every_page_carries_banner_document_id_and_page_of() -> None:
    printed = pages(build_referral_form(form(reason_text="word " * 4000), META))
    assert len(printed) > 1
    for number, page in enumerate(printed, start=1):
        assert CONFIDENTIAL in page
        assert META.document_id in page
        assert f"page {number} of {len(printed)}" in page
        assert PART2_BANNER not in page


def test_a_20000_character_narrative_wraps_across_pages() -> None:
    narrative = ("The youth described her week in her own words. " * 420)[:20_000]
    printed = pages(build_referral_form(form(reason_text=narrative), META))
    assert len(printed) >= 3
    assert "".join(printed).count("in her own words") > 300


def test_a_5000_character_unbroken_token_lays_out() -> None:
    token = "ẞ" + "x" * 4998 + "Ω"
    printed = pages(build_referral_form(form(reason_text=token), META))
    assert len(printed) >= 2
    flat = "".join(p.replace("\n", "") for p in printed)
    assert flat.count("x") >= 4998


def test_values_too_long_for_a_cell_leave_the_table() -> None:
    long_name = "Ánh" + "a" * 5000
    data = form(
        youth_full_name=long_name,
        representative="r" * 3000,
        restricted_persons=(RestrictedPersonLine("p" * 4000, ("alias",) * 40, "q" * 2000),),
        consent=consent(purpose="u" * 3000, information="i\n" * 400),
        receiving_agency="Agency " * 200,
        referral_type="T" * 1000,
    )
    printed = pages(build_referral_form(data, META))
    assert len(printed) >= 3
    assert "(in full below)" in "".join(printed)


def test_part2_form_carries_the_banner_and_notice() -> None:
    data = form(
        referral_type=rr.TYPE_LABELS[rr.ReferralType.SUBSTANCE_USE],
        part2=True,
        consent=consent(
            legal_basis=consent_rules.LEGAL_BASES["PARENT"].label,
            legal_basis_code="PARENT",
            signer_role="Parent",
            signer_name="Zoë O’Brien",
            part2=True,
            youth_cosigned=True,
        ),
    )
    printed = pages(build_referral_form(data, replace(META, part2=True)))
    assert all(PART2_BANNER in page for page in printed)
    text = "\n".join(printed)
    assert "Notice required by 42 CFR §2.32" in text
    assert (
        "Signature of parent or guardian" in text and "Signature of youth (42 CFR Part 2)" in text
    )


def test_file_copy_shows_initials_only() -> None:
    data = form(provider_copy=False, youth_full_name=None, consent=consent(signer_name=None))
    text = "\n".join(pages(build_referral_form(data, META)))
    assert "Nguyễn" not in text and "N.Á." in text and "FILE COPY" in text


def test_no_consent_yet_prints_blank_signature_lines_and_the_exception() -> None:
    data = form(
        consent=None,
        lawful_exception=consent_rules.LAWFUL_EXCEPTIONS["wic827_mdt"].label,
        exception_justification="FCR advocate called at identification",
        restricted_persons=(),
        youth_agrees_to_contact=None,
    )
    text = "\n".join(pages(build_referral_form(data, META)))
    assert "relies on the lawful exception below" in text
    assert "Signature of youth" in text and "Signature of parent or guardian" in text
    assert "FCR advocate called at identification" in text
    assert "No person is recorded as barred" in text


_ANY = st.text(max_size=300)
_LONGISH = st.text(max_size=3000)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=_ANY,
    agency=_ANY,
    reason=_LONGISH,
    person=_ANY,
    aliases=st.lists(_ANY, max_size=5),
    caregiver=_ANY,
    purpose=_ANY,
    information=_LONGISH,
    officer=_ANY,
    pronouns=_ANY,
)
def test_any_text_builds_a_valid_pdf(
    name: str,
    agency: str,
    reason: str,
    person: str,
    aliases: list[str],
    caregiver: str,
    purpose: str,
    information: str,
    officer: str,
    pronouns: str,
) -> None:
    data = form(
        youth_full_name=name,
        receiving_agency=agency,
        reason_text=reason,
        restricted_persons=(RestrictedPersonLine(person, tuple(aliases), caregiver),),
        caregivers=(caregiver,),
        consent=consent(purpose=purpose, information=information, signer_name=name),
        referring_officer=officer,
        pronouns=pronouns,
        reasons=(reason[:200],),
    )
    pdf = build_referral_form(data, META)
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 1
