"""Demo partner agencies (with CSEC point-persons) and referrals in every lifecycle state.

Everything here is fictional: invented agencies in an invented "Alder County", invented people,
555-01xx phone numbers and example.org addresses. Referrals go through the real services so the
demo obeys the same consent rules, stamps and audit trail as real work.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select

from girlscourt.db.models import Agency, Youth
from girlscourt.domain.permissions import Action
from girlscourt.domain.referral_rules import TYPE_SCOPE, ReferralType
from girlscourt.domain.youth_rules import age_on
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.referrals import agencies, consents, referral_records, referrals
from girlscourt.services.referrals.agencies import AgencyInput, RepresentativeInput
from girlscourt.services.referrals.referral_records import ConsentInput, ReferralInput

_A = AgencyInput
_R = RepresentativeInput
DEMO_AGENCIES: tuple[tuple[AgencyInput, tuple[RepresentativeInput, ...]], ...] = (
    (
        _A("Harborlight Youth Advocacy", "crisis_advocacy", "(510) 555-0110",
           "intake@harborlight.example.org", "(510) 555-0111", "24/7 crisis line"),
        (_R("Rae Okafor", "Advocacy lead", "(510) 555-0112", "rae.okafor@harborlight.example.org",
            True), _R("Tomas Belcourt", "Crisis advocate", "(510) 555-0113")),
    ),
    (
        _A("Mariposa Bridge Counseling", "mental_health", "(510) 555-0120",
           "intake@mariposa.example.org", "(510) 555-0121", "Mon–Fri 8:00–18:00"),
        (_R("Dana Whitfield", "Intake coordinator", "(510) 555-0122", None, True),),
    ),
    (
        _A("Eastshore Children's Health Center", "medical", "(510) 555-0130",
           "referrals@eastshore.example.org", "(510) 555-0131", "Mon–Sat 7:00–19:00"),
        (_R("Imani Castell", "Nurse practitioner", "(510) 555-0132", None, True),),
    ),
    (
        _A("Cedar Hollow Youth Recovery", "substance_use", "(510) 555-0140",
           "intake@cedarhollow.example.org", "(510) 555-0141", "Mon–Fri 9:00–17:00"),
        (_R("Theo Marsh", "Program director", "(510) 555-0142", None, True),),
    ),
    (
        _A("Lakeview Child Interview Center", "child_advocacy_center", "(510) 555-0150",
           "schedule@lakeview-cic.example.org", None, "By appointment"),
        (_R("Jun Arbogast", "Forensic interviewer", "(510) 555-0151", None, True),),
    ),
    (
        _A("Alder County District Attorney – Victim-Witness Unit", "district_attorney",
           "(510) 555-0160", "vw@alder-da.example.org", "(510) 555-0161", "Mon–Fri 8:00–17:00"),
        (_R("Noor Vance", "Victim advocate", "(510) 555-0162", None, True),),
    ),
    (
        _A("Alder County Public Defender – Juvenile Branch", "public_defender", "(510) 555-0165",
           "juvenile@alder-pd.example.org"),
        (_R("Leland Ortiz", "Deputy public defender", "(510) 555-0166", None, True),),
    ),
    (
        _A("Alder County Sheriff – Special Victims Unit", "law_enforcement", "(510) 555-0170"),
        (_R("Mara Quill", "Sergeant", "(510) 555-0171", None, True),),
    ),
    (
        _A("Alder County Children and Family Services", "child_welfare", "(510) 555-0175",
           "hotline@alder-cfs.example.org", None, "24/7 hotline"),
        (_R("Kiri Haddon", "CSEC liaison", "(510) 555-0176", None, True),),
    ),
    (
        _A("Alder County Juvenile Court – Girls Court", "court", "(510) 555-0180"),
        (_R("Sasha Lyle", "Girls Court coordinator", "(510) 555-0181", None, True),),
    ),
    (
        _A("Alder County Office of Education – Court Schools", "school", "(510) 555-0185",
           "courtschools@alder-coe.example.org"),
        (_R("Bea Lindqvist", "Education liaison", "(510) 555-0186", None, True),),
    ),
    (
        _A("Willowgate Transitional Housing", "housing", "(510) 555-0190",
           "beds@willowgate.example.org", None, "Intake daily 10:00–16:00"),
        (_R("Amos Reyes", "Housing navigator", "(510) 555-0191", None, True),),
    ),
    (
        _A("Alder County Victim Services Center", "victim_services", "(510) 555-0195",
           "calvcb-help@alder-vsc.example.org"),
        (_R("Gloria Pham", "Claims specialist", "(510) 555-0196", None, True),),
    ),
)  # fmt: skip

_PARENT_FIRST = ("Rosa", "Denise", "Marisol", "Tanya", "Lorraine", "Keisha", "Hoa", "Yesenia")


@dataclass(frozen=True)
class _Scenario:
    """One demo referral: where it goes, how it is consented, how far it has got."""

    agency: str
    referral_type: str
    reasons: tuple[str, ...]
    urgency: str
    consent: str | None  # YOUTH_AUTHORIZATION, FC6924, FC6929, PARENT_PSYCH or None
    path: tuple[str, ...]  # statuses after draft, in order
    days_ago: float
    narrative: str
    exception: str | None = None
    close_reason: str | None = None
    revoke: bool = False
    expire: bool = False


_SCENARIOS = (
    _Scenario("Eastshore Children's Health Center", "medical", ("exam_after_exploitation",),
              "same_day", None, (), 2, "Youth agreed to a health check with a female clinician."),
    _Scenario("Mariposa Bridge Counseling", "mental_health", ("trauma_symptoms",), "24_hours",
              None, ("consent_pending",), 3,
              "Trouble sleeping since intake; she will decide about counselling with an advocate."),
    _Scenario("Harborlight Youth Advocacy", "csec_advocacy", ("first_crisis_response",),
              "same_day", None, ("sent",), 0.1,
              "Identified at intake screening; first crisis response requested per protocol.",
              exception="wic827_mdt"),
    _Scenario("Alder County District Attorney – Victim-Witness Unit", "victim_advocate",
              ("court_accompaniment",), "routine", "YOUTH_AUTHORIZATION",
              ("sent", "acknowledged"), 1, "Youth asked for an advocate at upcoming hearings."),
    _Scenario("Mariposa Bridge Counseling", "mental_health", ("outpatient_counselling",),
              "24_hours", "FC6924", ("sent", "acknowledged", "first_contact"), 2,
              "Youth would like weekly counselling and prefers sessions in the afternoon."),
    _Scenario("Cedar Hollow Youth Recovery", "substance_use", ("substance_use_assessment",),
              "routine", "FC6929", ("sent", "acknowledged", "first_contact", "active"), 9,
              "Youth asked for help after withdrawal symptoms in the first days of custody."),
    _Scenario("Alder County Office of Education – Court Schools", "education",
              ("credit_recovery",), "routine", "YOUTH_AUTHORIZATION",
              ("sent", "first_contact", "active", "closed"), 30,
              "Credit recovery plan for the semester.", close_reason="services_completed"),
    _Scenario("Willowgate Transitional Housing", "housing", ("transitional_housing",),
              "routine", "YOUTH_AUTHORIZATION", ("sent", "declined"), 6,
              "Safe housing needed on release.", close_reason="at_capacity"),
    _Scenario("Alder County Victim Services Center", "victim_compensation",
              ("calvcb_application",), "routine", "YOUTH_AUTHORIZATION",
              ("sent", "unable_to_reach"), 10, "Help with a CalVCB application for counselling."),
    _Scenario("Mariposa Bridge Counseling", "mental_health", ("psychotropic_medication",),
              "routine", "PARENT_PSYCH", ("sent", "acknowledged"), 4,
              "Medication review requested by the youth's physician."),
    _Scenario("Mariposa Bridge Counseling", "mental_health", ("trauma_symptoms",), "routine",
              "FC6924", ("consent_pending", "closed"), 12,
              "Youth changed her mind about sharing her records.", close_reason="consent_revoked",
              revoke=True),
    _Scenario("Mariposa Bridge Counseling", "mental_health", ("outpatient_counselling",),
              "routine", "FC6924", ("consent_pending",), 40,
              "Counselling to resume; the consent on file has expired and must be renewed.",
              expire=True),
)  # fmt: skip


def _at(core: Core, when: dt.datetime) -> Core:
    """A copy of ``core`` whose clock reads ``when`` (the demo backdates its history)."""
    return replace(core, clock=lambda: when)


def _agency_ids(core: Core, actor: Actor) -> dict[str, int]:
    with core.read() as session:
        existing = {name: aid for aid, name in session.execute(select(Agency.id, Agency.name))}
    for data, reps in DEMO_AGENCIES:
        if data.name not in existing:
            existing[data.name] = agencies.create_agency(core, actor, data, reps).id
    return existing


def _consent(
    core: Core,
    scenario: _Scenario,
    youth_id: int,
    agency_id: int,
    ward: bool,
    parent: str,
    youth_name: str,
) -> ConsentInput | None:
    if scenario.consent is None:
        return None
    today = core.today()
    fields: dict[str, Any] = {
        "youth_id": youth_id,
        "recipient_agency_id": agency_id,
        "purpose": f"Referral for {scenario.referral_type.replace('_', ' ')} services",
        "information": "Name, date of birth, custody status, reason for referral, screening level",
        "signed_on": today,
        "expires_on": today + dt.timedelta(days=5 if scenario.expire else 180),
        "youth_agrees_to_contact": True,
        "attestation": "wet_signature",
        "signer_role": "youth",
        "signer_name": youth_name,
        "legal_basis": scenario.consent,
        "scope": (TYPE_SCOPE[ReferralType(scenario.referral_type)].value,),
    }
    if scenario.consent == "FC6924":
        fields["maturity_attested"] = True
    elif scenario.consent == "FC6929":
        fields["part2"] = True
    elif scenario.consent == "PARENT_PSYCH" and ward:
        fields |= {
            "legal_basis": "JV220",
            "scope": ("psychotropic_medication",),
            "signer_role": "court",
            "signer_name": None,
            "court_order_number": "JV-220-DEMO-0042",
            "expires_on": None,
        }
    elif scenario.consent == "PARENT_PSYCH":
        fields |= {
            "legal_basis": "PARENT",
            "scope": ("outpatient_mental_health", "psychotropic_medication"),
            "signer_role": "parent",
            "signer_name": parent,
        }
    return ConsentInput(**fields)


def _play(
    core: Core,
    actor: Actor,
    scenario: _Scenario,
    youth: Youth,
    agency_id: int,
    ward: bool,
    rng: random.Random,
) -> None:
    start = core.now() - dt.timedelta(days=scenario.days_ago)
    then = _at(core, start)
    parent = f"{rng.choice(_PARENT_FIRST)} {youth.legal_last_name}"
    youth_name = f"{youth.legal_first_name} {youth.legal_last_name}"
    consent_data = _consent(then, scenario, youth.id, agency_id, ward, parent, youth_name)
    consent = consents.create_consent(then, actor, consent_data) if consent_data else None
    record = referrals.create_referral(
        then,
        actor,
        ReferralInput(
            youth_id=youth.id,
            referral_type=scenario.referral_type,
            agency_id=agency_id,
            urgency=scenario.urgency,
            reason_codes=scenario.reasons,
            reason_text=scenario.narrative,
            consent_id=consent.id if consent else None,
        ),
    )
    for step, target in enumerate(scenario.path, start=1):
        when = _at(core, start + dt.timedelta(hours=2 * step))
        if target == "sent" and scenario.exception:
            referrals.send_referral(
                when,
                actor,
                record.id,
                lawful_exception=scenario.exception,
                justification="County CSEC protocol: first crisis response at identification",
            )
            continue
        if target == "closed" and scenario.revoke and consent is not None:
            consents.revoke_consent(when, actor, consent.id, "Youth withdrew consent")
        reason = scenario.close_reason if target in ("closed", "declined") else None
        referrals.transition_referral(when, actor, record.id, target, reason=reason)


def seed_referrals(core: Core, actor: Actor, rng: random.Random) -> int:
    """Add the demo agencies (once) and a referral in every state for existing youths 12–17.

    Returns how many referrals were added (0 when no youth of that age is registered).
    """
    core.require(actor, Action.DEMO_SEED)
    ids = _agency_ids(core, actor)
    today = core.today()
    with core.read() as session:
        candidates = list(session.execute(select(Youth).order_by(Youth.id).limit(2000)).scalars())
        eligible = [
            y for y in candidates if 12 <= age_on(y.dob, today - dt.timedelta(days=45)) < 18
        ]
        wards = {y.id: referral_records.ward_or_dependent(session, y) for y in eligible[:200]}
    if not eligible:
        return 0
    chosen = rng.sample(eligible[:200], k=min(len(_SCENARIOS), len(eligible[:200])))
    made = 0
    for index, scenario in enumerate(_SCENARIOS):
        youth = chosen[index % len(chosen)]
        _play(core, actor, scenario, youth, ids[scenario.agency], wards[youth.id], rng)
        made += 1
    with core.write() as session:
        core.audit(session, actor, "demo.seed", detail=f"referrals={made}")
    return made
