"""Consent to share a youth's information (DOMAIN 4): who may sign for which scope, the legal bases
and lawful exceptions, the terms a consent must state, and whether one on file covers a
referral.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from girlscourt.domain.referral_rules import (
    NON_CLINICAL,
    SCOPE_LABELS,
    TYPE_LABELS,
    ReferralType,
    Scope,
    parse_choice,
)
from girlscourt.domain.value_rules import quoted
from girlscourt.errors import ValidationError


class SignerRole(StrEnum):
    """Who signed a consent."""

    YOUTH = "youth"
    PARENT = "parent"
    GUARDIAN = "guardian"
    COURT = "court"


SIGNER_LABELS: dict[SignerRole, str] = {
    SignerRole.YOUTH: "Youth",
    SignerRole.PARENT: "Parent",
    SignerRole.GUARDIAN: "Legal guardian",
    SignerRole.COURT: "Court order",
}


@dataclass(frozen=True)
class LegalBasis:
    """A lawful basis for consent: who may sign it, for what, from what age."""

    code: str
    label: str
    signers: frozenset[SignerRole]
    scopes: frozenset[Scope]
    min_age: int | None = None
    attestation: str | None = None  # a finding the officer must record for this basis


_ALL_SCOPES = frozenset(Scope)
_PARENTS = frozenset({SignerRole.PARENT, SignerRole.GUARDIAN})
_YOUTH = frozenset({SignerRole.YOUTH})
_COURT = frozenset({SignerRole.COURT})

LEGAL_BASES: dict[str, LegalBasis] = {
    b.code: b
    for b in (
        LegalBasis(
            "FC6924",
            "Fam. Code §6924 – youth 12+ consents to outpatient mental health",
            _YOUTH,
            frozenset({Scope.OUTPATIENT_MENTAL_HEALTH}),
            12,
            "maturity",
        ),
        LegalBasis(
            "HSC124260",
            "Health & Safety Code §124260 – youth 12+ consents to outpatient mental health",
            _YOUTH,
            frozenset({Scope.OUTPATIENT_MENTAL_HEALTH}),
            12,
            "maturity",
        ),
        LegalBasis(
            "FC6922",
            "Fam. Code §6922 – self-sufficient youth 15+ consents to medical care",
            _YOUTH,
            frozenset({Scope.MEDICAL_CARE}),
            15,
            "self_sufficient",
        ),
        # Fam. Code §6929 is not in DOMAIN.md; county counsel to confirm before use.
        LegalBasis(
            "FC6929",
            "Fam. Code §6929 – youth 12+ consents to substance use treatment",
            _YOUTH,
            frozenset({Scope.SUBSTANCE_USE_TREATMENT}),
            12,
        ),
        LegalBasis(
            "YOUTH_AUTHORIZATION",
            "Youth's own written authorisation (non-clinical services)",
            _YOUTH,
            NON_CLINICAL,
        ),
        LegalBasis(
            "ADULT",
            "Youth is 18 or older and consents for themself",
            _YOUTH,
            _ALL_SCOPES,
            18,
        ),
        LegalBasis("PARENT", "Parent or legal guardian consents", _PARENTS, _ALL_SCOPES),
        LegalBasis("COURT_ORDER", "Court order", _COURT, _ALL_SCOPES),
        LegalBasis(
            "JV220",
            "Court authorisation of psychotropic medication (JV-220)",
            _COURT,
            frozenset({Scope.PSYCHOTROPIC_MEDICATION}),
        ),
    )
}


@dataclass(frozen=True)
class LawfulException:
    """A recorded reason a referral may be sent without a consent."""

    code: str
    label: str
    types: frozenset[ReferralType]


_NON_TREATMENT_TYPES = frozenset(
    {
        ReferralType.CSEC_ADVOCACY,
        ReferralType.FORENSIC_INTERVIEW,
        ReferralType.VICTIM_ADVOCATE,
        ReferralType.VICTIM_COMPENSATION,
        ReferralType.EDUCATION,
        ReferralType.HOUSING,
    }
)
LAWFUL_EXCEPTIONS: dict[str, LawfulException] = {
    e.code: e
    for e in (
        LawfulException(
            "medical_emergency",
            "Medical emergency – care cannot wait for consent (42 CFR §2.51 for substance use)",
            frozenset(
                {ReferralType.MEDICAL, ReferralType.MENTAL_HEALTH, ReferralType.SUBSTANCE_USE}
            ),
        ),
        LawfulException(
            "court_order",
            "Court-ordered referral (42 CFR §2.64 order for substance use)",
            frozenset(ReferralType),
        ),
        LawfulException(
            "wic827_mdt",
            "Information sharing with a provider or MDT member under WIC 827 (no treatment)",
            _NON_TREATMENT_TYPES,
        ),
    )
}

REVOCATION_STATEMENT = (
    "The person who signed may revoke this consent at any time, in writing, to the referring "
    "officer, except where action has already been taken in reliance on it. Services from the "
    "Probation Department are not conditioned on signing."
)
REDISCLOSURE_STATEMENT = (
    "Information from a juvenile case file is confidential (Welf. & Inst. Code §827). The "
    "recipient may use it only to provide the service requested and may not disclose it further "
    "without a court order or the written consent required by law. Information disclosed under "
    "a HIPAA authorisation may be re-disclosed by the recipient and no longer be protected."
)
# 42 CFR §2.32(a)(1), "Statement 1", as amended by the 2024 final rule. DOMAIN.md flags the
# 2024 wording as to be re-checked: county counsel must confirm this text before go-live.
PART2_REDISCLOSURE_NOTICE = (
    "This record which has been disclosed to you is protected by Federal confidentiality rules "
    "(42 CFR part 2). These rules prohibit you from using or disclosing this record, or testimony "
    "that describes the information contained in this record, in any civil, criminal, "
    "administrative, or legislative proceedings by any Federal, State, or local authority, "
    "against the patient, unless authorized by the consent of the patient, except as provided at "
    "42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR 2.64 or 2.65. In "
    "addition, the Federal rules prohibit you from making any other use or disclosure of this "
    "record unless at least one of the following applies: (i) Further use or disclosure is "
    "expressly permitted by the written consent of the individual whose information is being "
    "disclosed in this record or as otherwise permitted by 42 CFR part 2. (ii) You are a covered "
    "entity or business associate and have received the record for treatment, payment, or health "
    "care operations, or (iii) You have received the record from a covered entity or business "
    "associate as permitted by 45 CFR part 164, subparts A and E. A general authorization for the "
    "release of medical or other information is NOT sufficient to meet the required elements of "
    "written consent to further use or redisclose the record (see 42 CFR 2.31)."
)


# --- consent -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentTerms:
    """The parts of a consent the law cares about (no names: those are checked as text)."""

    signer_role: SignerRole
    legal_basis: str
    scope: frozenset[Scope]
    signed_on: dt.date
    expires_on: dt.date | None
    part2: bool
    has_signer_name: bool
    court_order_number: str | None = None
    maturity_attested: bool = False
    self_sufficient_attested: bool = False
    youth_cosigned: bool = False
    recipient_agency_id: int | None = None
    has_purpose: bool = True
    has_information: bool = True


def check_consent_terms(
    terms: ConsentTerms, age_at_signing: int, ward_or_dependent: bool, today: dt.date
) -> None:
    """Refuse a consent whose signer, basis, scope, age, dates or Part 2 elements do not fit."""
    basis = LEGAL_BASES[parse_choice("legal_basis", terms.legal_basis, LEGAL_BASES)]
    if not terms.scope:
        raise ValidationError("scope", "name at least one service the consent covers")
    if terms.signer_role not in basis.signers:
        who = " or ".join(SIGNER_LABELS[s].lower() for s in sorted(basis.signers))
        raise ValidationError(
            "signer_role",
            f"{basis.code} must be signed by the {who}, not the {terms.signer_role.value}",
        )
    outside = sorted(terms.scope - basis.scopes)
    if outside:
        raise ValidationError(
            "scope", f"{basis.code} does not cover {SCOPE_LABELS[outside[0]].lower()}"
        )
    if basis.min_age is not None and age_at_signing < basis.min_age:
        raise ValidationError(
            "legal_basis",
            f"{basis.code} needs the youth to be {basis.min_age} or older when signing "
            f"(the youth was {age_at_signing})",
        )
    if basis.attestation == "maturity" and not terms.maturity_attested:
        raise ValidationError(
            "maturity_attested",
            f"{basis.code} needs the finding that the youth is mature enough to take part "
            "intelligently in treatment",
        )
    if basis.attestation == "self_sufficient" and not terms.self_sufficient_attested:
        raise ValidationError(
            "self_sufficient_attested",
            "FC6922 needs the finding that the youth lives apart from parents and manages "
            "their own finances",
        )
    _check_minor_psychotropics(terms, age_at_signing, ward_or_dependent)
    _check_signer_and_dates(terms, today)
    _check_part2(terms)


def _check_minor_psychotropics(
    terms: ConsentTerms, age_at_signing: int, ward_or_dependent: bool
) -> None:
    if (
        Scope.PSYCHOTROPIC_MEDICATION in terms.scope
        and ward_or_dependent
        and age_at_signing < 18
        and terms.legal_basis != "JV220"
    ):
        raise ValidationError(
            "legal_basis",
            "psychotropic medication for a ward or dependent needs the court's authorisation "
            "(JV220, with the order number)",
        )


def _check_signer_and_dates(terms: ConsentTerms, today: dt.date) -> None:
    if terms.signer_role == SignerRole.COURT:
        if not terms.court_order_number:
            raise ValidationError("court_order_number", "a court order needs its number")
    elif not terms.has_signer_name:
        raise ValidationError("signer_name", "is required")
    if terms.recipient_agency_id is None:
        raise ValidationError("recipient_agency_id", "name the agency that may receive it")
    if not terms.has_purpose:
        raise ValidationError("purpose", "is required")
    if not terms.has_information:
        raise ValidationError("information", "describe the information to be released")
    if terms.signed_on > today:
        raise ValidationError("signed_on", f"{terms.signed_on.isoformat()} is in the future")
    if terms.expires_on is None:
        if terms.signer_role != SignerRole.COURT:
            raise ValidationError("expires_on", "a consent needs an expiry date")
    elif terms.expires_on < terms.signed_on:
        raise ValidationError("expires_on", "is before the date it was signed")


def _check_part2(terms: ConsentTerms) -> None:
    sud = Scope.SUBSTANCE_USE_TREATMENT in terms.scope
    if sud and not terms.part2:
        raise ValidationError(
            "part2", "substance use treatment needs a 42 CFR Part 2 consent (set part2)"
        )
    if not terms.part2:
        return
    if terms.scope != {Scope.SUBSTANCE_USE_TREATMENT}:
        raise ValidationError(
            "scope",
            "a 42 CFR Part 2 consent must be separate: it may cover substance use treatment only",
        )
    if terms.legal_basis == "PARENT" and not terms.youth_cosigned:
        raise ValidationError(
            "youth_cosigned",
            "where a parent consents, 42 CFR Part 2 also needs the youth's own signature",
        )


def consent_state(
    signed_on: dt.date,
    expires_on: dt.date | None,
    revoked_at: dt.datetime | None,
    on: dt.date,
    tz: ZoneInfo,
) -> str:
    """``valid``, ``revoked``, ``expired`` or ``not_yet`` on the county date ``on``."""
    if revoked_at is not None and revoked_at.astimezone(tz).date() <= on:
        return "revoked"
    if on < signed_on:
        return "not_yet"
    if expires_on is not None and on > expires_on:
        return "expired"
    return "valid"


@dataclass(frozen=True)
class ConsentOnFile:
    """A stored consent as the send check sees it."""

    id: int
    youth_id: int
    legal_basis: str
    scope: frozenset[str]
    recipient_agency_id: int | None
    part2: bool
    signed_on: dt.date
    expires_on: dt.date | None
    revoked_at: dt.datetime | None


def consent_problem(
    consent: ConsentOnFile,
    *,
    youth_id: int,
    agency_id: int,
    referral_type: ReferralType,
    needed: frozenset[Scope],
    ward_or_dependent_minor: bool,
    on: dt.date,
    tz: ZoneInfo,
) -> str | None:
    """Why ``consent`` does not allow sending this referral today, or None if it does."""
    state = consent_state(consent.signed_on, consent.expires_on, consent.revoked_at, on, tz)
    if state == "revoked":
        when = consent.revoked_at.astimezone(tz).date() if consent.revoked_at else on
        return f"consent {consent.id} was revoked on {when.isoformat()}"
    if state == "expired":
        assert consent.expires_on is not None
        return f"consent {consent.id} expired on {consent.expires_on.isoformat()}"
    if state == "not_yet":
        return f"consent {consent.id} is dated {consent.signed_on.isoformat()}, after today"
    if consent.youth_id != youth_id:
        return f"consent {consent.id} is for another youth"
    if consent.recipient_agency_id != agency_id:
        return f"consent {consent.id} names another receiving agency"
    missing = sorted(s for s in needed if s.value not in consent.scope)
    if missing:
        return f"consent {consent.id} does not cover {SCOPE_LABELS[missing[0]].lower()}"
    if referral_type == ReferralType.SUBSTANCE_USE and not consent.part2:
        return f"consent {consent.id} is not a 42 CFR Part 2 consent"
    if (
        Scope.PSYCHOTROPIC_MEDICATION in needed
        and ward_or_dependent_minor
        and consent.legal_basis != "JV220"
    ):
        return (
            f"consent {consent.id}: psychotropic medication for a ward or dependent needs "
            "the court's JV-220 authorisation"
        )
    return None


def check_exception(
    code: str, referral_type: ReferralType, justification: str | None
) -> LawfulException:
    """A lawful exception that applies to this referral type, with its written justification."""
    key = parse_choice("lawful_exception", code, LAWFUL_EXCEPTIONS)
    exception = LAWFUL_EXCEPTIONS[key]
    if referral_type not in exception.types:
        raise ValidationError(
            "lawful_exception",
            f"{quoted(key)} does not apply to a {TYPE_LABELS[referral_type]} referral; a signed "
            "consent is needed",
        )
    if not justification or not justification.strip():
        raise ValidationError("justification", "a lawful exception needs a written justification")
    return exception
