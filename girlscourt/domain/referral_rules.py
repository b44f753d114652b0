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


def label_of(labels: Mapping[Any, str], code: str | None) -> str:
    """A code's label, or the code itself when it is unknown (old data prints as stored)."""
    if code is None:
        return ""
    return labels.get(code, code)
