"""Referral lifecycle, due-by times and consent law as pure rules, so GUI, CLI and tests agree.

The consent rules follow DOMAIN.md 3.8 and 5.1: a youth 12+ may consent alone to outpatient mental
health (Fam. Code §6924, Health & Safety Code §124260); a parent/guardian or the court consents to
psychotropic medication and inpatient care, and only the court (JV-220) for a ward or dependent;
substance-use (42 CFR Part 2) disclosures need their own, separate consent and carry the §2.32
re-disclosure notice. Wording of the printed statements is for county counsel to confirm.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from girlscourt.domain.value_rules import quoted
from girlscourt.errors import RuleRefused, ValidationError

REASON_TEXT_MAX = 20_000
NOTE_MAX = 2_000
JUSTIFICATION_MAX = 1_000


class ReferralType(StrEnum):
    """What the youth is referred for."""

    MEDICAL = "medical"
    MENTAL_HEALTH = "mental_health"
    SUBSTANCE_USE = "substance_use"
    CSEC_ADVOCACY = "csec_advocacy"
    FORENSIC_INTERVIEW = "forensic_interview"
    VICTIM_ADVOCATE = "victim_advocate"
    VICTIM_COMPENSATION = "victim_compensation"
    EDUCATION = "education"
    HOUSING = "housing"


TYPE_LABELS: dict[ReferralType, str] = {
    ReferralType.MEDICAL: "Medical",
    ReferralType.MENTAL_HEALTH: "Mental health",
    ReferralType.SUBSTANCE_USE: "Substance use (42 CFR Part 2)",
    ReferralType.CSEC_ADVOCACY: "CSEC advocacy / first crisis response",
    ReferralType.FORENSIC_INTERVIEW: "Forensic interview",
    ReferralType.VICTIM_ADVOCATE: "Victim advocate",
    ReferralType.VICTIM_COMPENSATION: "Victim compensation (CalVCB) assistance",
    ReferralType.EDUCATION: "Education",
    ReferralType.HOUSING: "Housing",
}


class Status(StrEnum):
    """Where a referral is in its lifecycle."""

    DRAFT = "draft"
    CONSENT_PENDING = "consent_pending"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    FIRST_CONTACT = "first_contact"
    ACTIVE = "active"
    CLOSED = "closed"
    DECLINED = "declined"
    UNABLE_TO_REACH = "unable_to_reach"


STATUS_LABELS: dict[Status, str] = {
    Status.DRAFT: "draft",
    Status.CONSENT_PENDING: "consent pending",
    Status.SENT: "sent",
    Status.ACKNOWLEDGED: "acknowledged",
    Status.FIRST_CONTACT: "first contact",
    Status.ACTIVE: "active",
    Status.CLOSED: "closed",
    Status.DECLINED: "declined",
    Status.UNABLE_TO_REACH: "unable to reach",
}

TRANSITIONS: dict[Status, tuple[Status, ...]] = {
    Status.DRAFT: (Status.CONSENT_PENDING, Status.SENT, Status.CLOSED),
    Status.CONSENT_PENDING: (Status.SENT, Status.CLOSED),
    Status.SENT: (
        Status.ACKNOWLEDGED,
        Status.FIRST_CONTACT,
        Status.DECLINED,
        Status.UNABLE_TO_REACH,
        Status.CLOSED,
    ),
    Status.ACKNOWLEDGED: (
        Status.FIRST_CONTACT,
        Status.DECLINED,
        Status.UNABLE_TO_REACH,
        Status.CLOSED,
    ),
    Status.UNABLE_TO_REACH: (Status.FIRST_CONTACT, Status.CLOSED),
    Status.FIRST_CONTACT: (Status.ACTIVE, Status.CLOSED),
    Status.ACTIVE: (Status.CLOSED,),
    Status.CLOSED: (),
    Status.DECLINED: (),
}

# Before first contact the referral is still owed to the youth: these can fall overdue.
AWAITING_CONTACT = frozenset(
    {Status.DRAFT, Status.CONSENT_PENDING, Status.SENT, Status.ACKNOWLEDGED, Status.UNABLE_TO_REACH}
)
EDITABLE = frozenset({Status.DRAFT, Status.CONSENT_PENDING})
TERMINAL = frozenset({Status.CLOSED, Status.DECLINED})

CLOSE_REASONS: dict[str, str] = {
    "services_completed": "Services completed",
    "youth_declined_services": "Youth declined services",
    "youth_declined_consent": "Youth declined consent",
    "consent_revoked": "Consent revoked",
    "withdrawn": "Withdrawn by probation",
    "youth_released_or_moved": "Youth released or moved out of the service area",
    "transferred": "Transferred to another provider",
    "no_response": "No response after repeated attempts",
    "duplicate": "Duplicate referral",
    "other": "Other (see note)",
}
DECLINE_REASONS: dict[str, str] = {
    "at_capacity": "Agency at capacity",
    "not_eligible": "Youth not eligible",
    "outside_service_area": "Outside the agency's service area",
    "duplicate": "Duplicate referral",
    "other": "Other (see note)",
}


class Urgency(StrEnum):
    """How soon the receiving agency must make first contact."""

    SAME_DAY = "same_day"
    HOURS_24 = "24_hours"
    ROUTINE = "routine"


URGENCY_LABELS: dict[Urgency, str] = {
    Urgency.SAME_DAY: "Emergency – same day",
    Urgency.HOURS_24: "Urgent – within 24 hours",
    Urgency.ROUTINE: "Routine",
}
SAME_DAY_MINIMUM = dt.timedelta(hours=4)
ROUTINE_WINDOW = dt.timedelta(days=7)


class Scope(StrEnum):
    """What a consent covers (treatment or service, and the sharing it needs)."""

    MEDICAL_CARE = "medical_care"
    OUTPATIENT_MENTAL_HEALTH = "outpatient_mental_health"
    PSYCHOTROPIC_MEDICATION = "psychotropic_medication"
    INPATIENT_MENTAL_HEALTH = "inpatient_mental_health"
    SUBSTANCE_USE_TREATMENT = "substance_use_treatment"
    CSEC_ADVOCACY = "csec_advocacy"
    FORENSIC_INTERVIEW = "forensic_interview"
    VICTIM_ADVOCACY = "victim_advocacy"
    VICTIM_COMPENSATION = "victim_compensation"
    EDUCATION_SERVICES = "education_services"
    HOUSING_SERVICES = "housing_services"


SCOPE_LABELS: dict[Scope, str] = {
    Scope.MEDICAL_CARE: "Medical care",
    Scope.OUTPATIENT_MENTAL_HEALTH: "Outpatient mental health treatment or counselling",
    Scope.PSYCHOTROPIC_MEDICATION: "Psychotropic medication",
    Scope.INPATIENT_MENTAL_HEALTH: "Inpatient mental health care",
    Scope.SUBSTANCE_USE_TREATMENT: "Substance use disorder assessment and treatment",
    Scope.CSEC_ADVOCACY: "CSEC advocacy and crisis response",
    Scope.FORENSIC_INTERVIEW: "Forensic interview",
    Scope.VICTIM_ADVOCACY: "Victim advocacy",
    Scope.VICTIM_COMPENSATION: "Victim compensation (CalVCB) application",
    Scope.EDUCATION_SERVICES: "Education services",
    Scope.HOUSING_SERVICES: "Housing services",
}
NON_CLINICAL = frozenset(
    {
        Scope.CSEC_ADVOCACY,
        Scope.VICTIM_ADVOCACY,
        Scope.VICTIM_COMPENSATION,
        Scope.EDUCATION_SERVICES,
        Scope.HOUSING_SERVICES,
    }
)


@dataclass(frozen=True)
class Reason:
    """A coded referral reason and the referral types it belongs to."""

    label: str
    types: frozenset[ReferralType]
    needs: Scope | None = None  # the scope this reason needs instead of the type's own


def _reason(label: str, *types: ReferralType, needs: Scope | None = None) -> Reason:
    return Reason(label, frozenset(types or tuple(ReferralType)), needs)


_RT = ReferralType
REASONS: dict[str, Reason] = {
    "exam_after_exploitation": _reason("Medical examination after exploitation", _RT.MEDICAL),
    "sexual_health": _reason("Sexual and reproductive health care", _RT.MEDICAL),
    "pregnancy_care": _reason("Pregnancy or parenting care", _RT.MEDICAL),
    "injury_follow_up": _reason("Injury follow-up", _RT.MEDICAL),
    "trauma_symptoms": _reason("Trauma symptoms", _RT.MENTAL_HEALTH),
    "outpatient_counselling": _reason("Outpatient counselling", _RT.MENTAL_HEALTH),
    "suicide_screen_positive": _reason("Positive suicide-risk screen", _RT.MENTAL_HEALTH),
    "psychotropic_medication": _reason(
        "Psychotropic medication evaluation",
        _RT.MENTAL_HEALTH,
        needs=Scope.PSYCHOTROPIC_MEDICATION,
    ),
    "inpatient_evaluation": _reason(
        "Inpatient evaluation", _RT.MENTAL_HEALTH, needs=Scope.INPATIENT_MENTAL_HEALTH
    ),
    "substance_use_assessment": _reason("Substance use assessment", _RT.SUBSTANCE_USE),
    "substance_use_treatment": _reason("Substance use treatment", _RT.SUBSTANCE_USE),
    "csec_identified": _reason("Identified as exploited (screening)", _RT.CSEC_ADVOCACY),
    "csec_at_risk": _reason("At risk of exploitation", _RT.CSEC_ADVOCACY),
    "first_crisis_response": _reason("First crisis response", _RT.CSEC_ADVOCACY),
    "disclosure_made": _reason("Disclosure made", _RT.FORENSIC_INTERVIEW, _RT.VICTIM_ADVOCATE),
    "court_accompaniment": _reason("Court accompaniment", _RT.VICTIM_ADVOCATE),
    "safety_planning": _reason("Safety planning", _RT.VICTIM_ADVOCATE, _RT.CSEC_ADVOCACY),
    "calvcb_application": _reason("CalVCB application assistance", _RT.VICTIM_COMPENSATION),
    "school_enrollment": _reason("School enrolment", _RT.EDUCATION),
    "special_education": _reason("Special education assessment", _RT.EDUCATION),
    "credit_recovery": _reason("Credit recovery", _RT.EDUCATION),
    "safe_placement": _reason("Safe placement", _RT.HOUSING),
    "transitional_housing": _reason("Transitional housing", _RT.HOUSING),
    "other": _reason("Other (see narrative)"),
}

TYPE_SCOPE: dict[ReferralType, Scope] = {
    ReferralType.MEDICAL: Scope.MEDICAL_CARE,
    ReferralType.MENTAL_HEALTH: Scope.OUTPATIENT_MENTAL_HEALTH,
    ReferralType.SUBSTANCE_USE: Scope.SUBSTANCE_USE_TREATMENT,
    ReferralType.CSEC_ADVOCACY: Scope.CSEC_ADVOCACY,
    ReferralType.FORENSIC_INTERVIEW: Scope.FORENSIC_INTERVIEW,
    ReferralType.VICTIM_ADVOCATE: Scope.VICTIM_ADVOCACY,
    ReferralType.VICTIM_COMPENSATION: Scope.VICTIM_COMPENSATION,
    ReferralType.EDUCATION: Scope.EDUCATION_SERVICES,
    ReferralType.HOUSING: Scope.HOUSING_SERVICES,
}


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


def parse_choice(field: str, value: object, choices: Iterable[str]) -> str:
    """``value`` if it is one of ``choices`` (dashes and spaces read as underscores)."""
    options = {option.lower(): option for option in choices}
    if isinstance(value, str):
        key = value.strip().lower().replace("-", "_").replace(" ", "_")
        if key in options:
            return options[key]
    shown = ", ".join(options.values())
    raise ValidationError(field, f"{str(value)[:60]!r} is not one of: {shown}")


# --- lifecycle -----------------------------------------------------------------------------


def _names(statuses: Iterable[Status]) -> str:
    labels = [STATUS_LABELS[s] for s in statuses]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def check_transition(
    referral_id: int,
    current: Status,
    target: Status,
    reason: str | None = None,
    note: str | None = None,
) -> None:
    """Refuse an illegal move, or closing/declining without a known reason (``other``: a note)."""
    if target not in TRANSITIONS[current]:
        allowed = TRANSITIONS[current]
        where = (
            f"from {STATUS_LABELS[current]} it can only go to {_names(allowed)}"
            if allowed
            else f"a {STATUS_LABELS[current]} referral cannot change"
        )
        raise RuleRefused(
            f"referral {referral_id}: cannot move from {STATUS_LABELS[current]} to "
            f"{STATUS_LABELS[target]}; {where}"
        )
    reasons = CLOSE_REASONS if target == Status.CLOSED else DECLINE_REASONS
    if target in TERMINAL:
        if not reason:
            raise ValidationError(
                "reason", f"a {STATUS_LABELS[target]} referral needs a reason: {', '.join(reasons)}"
            )
        parse_choice("reason", reason, reasons)
        if reason == "other" and not (note and note.strip()):
            raise ValidationError("note", "reason 'other' needs a note saying why")
    elif reason:
        raise ValidationError("reason", "only a closed or declined referral takes a reason")


def due_by(
    urgency: Urgency,
    created_at: dt.datetime,
    tz: ZoneInfo,
    *,
    routine_window: dt.timedelta = ROUTINE_WINDOW,
    same_day_minimum: dt.timedelta = SAME_DAY_MINIMUM,
) -> dt.datetime:
    """When first contact is due: same day = end of the county day (at least 4 h away),
    24 hours = 24 h later, routine = 7 days later. Returned in UTC."""
    if created_at.tzinfo is None:
        raise ValueError("created_at must be aware")
    if urgency == Urgency.SAME_DAY:
        local = created_at.astimezone(tz)
        end = dt.datetime.combine(local.date(), dt.time(23, 59), tzinfo=tz)
        due = max(end, local + same_day_minimum)
    elif urgency == Urgency.HOURS_24:
        due = created_at + dt.timedelta(hours=24)
    else:
        due = created_at + routine_window
    return due.astimezone(dt.UTC)


def check_due_override(
    requested: dt.datetime, created_at: dt.datetime, default_due: dt.datetime
) -> dt.datetime:
    """An explicit due-by may only tighten the urgency's own (choose a lower urgency to loosen)."""
    if requested.tzinfo is None:
        raise ValidationError("due_at", "must include a UTC offset")
    if requested <= created_at:
        raise ValidationError("due_at", "must be later than now")
    if requested > default_due:
        raise ValidationError(
            "due_at",
            f"is later than the urgency allows ({default_due.isoformat()}); "
            "choose a lower urgency instead",
        )
    return requested.astimezone(dt.UTC)


def is_overdue(status: Status | str, due_at: dt.datetime, now: dt.datetime) -> bool:
    """Past due and still waiting for the agency's first contact with the youth."""
    return Status(status) in AWAITING_CONTACT and now > due_at


# --- reasons and scopes --------------------------------------------------------------------


def check_reasons(
    referral_type: ReferralType, codes: Iterable[str], reason_text: str | None
) -> tuple[str, ...]:
    """Known reason codes for this type, no repeats, at least one; ``other`` needs text."""
    cleaned: list[str] = []
    for index, code in enumerate(codes):
        field = f"reason_codes[{index}]"
        key = parse_choice(field, code, REASONS)
        if referral_type not in REASONS[key].types:
            raise ValidationError(
                field, f"{quoted(key)} is not a reason for a {TYPE_LABELS[referral_type]} referral"
            )
        if key not in cleaned:
            cleaned.append(key)
    if not cleaned:
        raise ValidationError("reason_codes", "at least one reason code is required")
    if "other" in cleaned and not reason_text:
        raise ValidationError("reason_text", "reason 'other' needs the narrative")
    return tuple(cleaned)


def reasons_for(referral_type: ReferralType) -> dict[str, str]:
    """The coded reasons a form offers for ``referral_type`` (code → label)."""
    return {code: r.label for code, r in REASONS.items() if referral_type in r.types}


def required_scopes(referral_type: ReferralType, reason_codes: Iterable[str]) -> frozenset[Scope]:
    """What a consent must cover: each reason's own scope (psychotropics, inpatient care) or,
    for the others, the referral type's scope."""
    scopes: set[Scope] = set()
    for code in reason_codes:
        reason = REASONS.get(code)
        scopes.add(
            reason.needs if reason is not None and reason.needs else TYPE_SCOPE[referral_type]
        )
    return frozenset(scopes or {TYPE_SCOPE[referral_type]})


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


def label_of(labels: Mapping[Any, str], code: str | None) -> str:
    """A code's label, or the code itself when it is unknown (old data prints as stored)."""
    if code is None:
        return ""
    return labels.get(code, code)
