"""Demo MDT meetings, safety plans, advocate referrals and trainings, so every metric shows."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import replace

from sqlalchemy import func, select

from girlscourt.db.models import Agency, MdtMeeting, Referral, Screening, User
from girlscourt.domain.permissions import Action, Role
from girlscourt.errors import GirlsCourtError
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.referrals import partnership, referrals
from girlscourt.services.referrals.partnership import (
    AttendeeInput,
    MdtMeetingInput,
    SafetyPlanItemInput,
)
from girlscourt.services.referrals.referral_records import ReferralInput
from girlscourt.services.reports.metrics_base import identifying_levels
from girlscourt.services.security import accounts, training

# Invented staff of an invented county; roles follow the SafetyNet model (DOMAIN 3.6).
TABLE = (
    ("district_attorney", "Deputy DA, CSEC unit", "Priya Vandermolen"),
    ("crisis_advocacy", "CSEC advocate", "Rae Okafor"),
    ("child_welfare", "Social worker, CSEC team", "Marisol Quintero-Hale"),
    ("probation", "Probation officer", "Desmond Achterberg"),
    ("public_defender", "Deputy public defender", "Ingrid Sato-Bellamy"),
    ("medical", "Nurse practitioner", "Imani Castell"),
    ("mental_health", "Clinician", "Dana Whitfield"),
)
STAFF = (
    ("demo.officer1", "Leona Brightwater", Role.INTAKE_OFFICER),
    ("demo.officer2", "Tomasz Elberfeld", Role.INTAKE_OFFICER),
    ("demo.officer3", "Ayo Fairbanks-Ruiz", Role.INTAKE_OFFICER),
    ("demo.analyst", "Wren Castellano", Role.ANALYST),
)
COURSES = (
    ("csec_awareness", 6.0, 24),
    ("Trauma-informed interviewing", 4.0, None),
    ("MDT confidentiality and information sharing (WIC 827)", 2.0, 12),
    ("SB 1322 protective response", 1.5, None),
)
ITEMS = (
    ("Advocate to meet the youth weekly while detained and after release", "CSEC advocate"),
    ("Medical appointment with a female clinician", "Nurse practitioner"),
    ("Safe placement on release confirmed with the youth", "Social worker, CSEC team"),
    ("Update contact restrictions after the meeting", "Probation officer"),
    ("School re-enrolment and credit recovery plan", "Probation officer"),
    ("Review the safety plan with the youth in her language", "CSEC advocate"),
)
MAX_MEETINGS = 220
MAX_REFERRALS = 160


def _at(core: Core, when: dt.datetime) -> Core:
    """A copy of ``core`` whose clock reads ``when``."""
    return replace(core, clock=lambda: when)


def _staff(core: Core, actor: Actor) -> list[str]:
    """Demo staff accounts (random passwords, never printed); returns their user names."""
    with core.read() as session:
        existing = set(session.execute(select(User.username_key)).scalars())
    for username, name, role in STAFF:
        if username not in existing:
            accounts.create_user(core, actor, username, role, secrets.token_urlsafe(24), name)
    return [actor.username, *(u for u, _, role in STAFF if role != Role.ANALYST)]


def _trainings(core: Core, actor: Actor, rng: random.Random, people: list[str]) -> int:
    made = 0
    today = core.today()
    for username in people:
        for course, hours, refresher in COURSES:
            if rng.random() < 0.25:
                continue
            done = today - dt.timedelta(days=rng.randint(5, 700))
            expires = done + dt.timedelta(days=30 * refresher) if refresher else None
            training.add_training(
                core, actor, username, course, done, expires_on=expires, hours=hours
            )
            made += 1
    return made


def _identified(core: Core) -> list[tuple[int, dt.datetime]]:
    """Each identified youth with the time of her first identification."""
    s = Screening
    identifying = (s.disclosure.is_(True)) | (s.result_level.in_(identifying_levels()))
    with core.read() as session:
        rows = session.execute(
            select(s.youth_id, func.min(s.completed_at))
            .where(identifying)
            .group_by(s.youth_id)
            .order_by(s.youth_id)
        ).all()
    return [(int(y), at) for y, at in rows]


def _agencies(core: Core) -> dict[str, int]:
    with core.read() as session:
        rows = session.execute(select(Agency.kind, Agency.id).order_by(Agency.id)).all()
    found: dict[str, int] = {}
    for kind, agency_id in rows:
        found.setdefault(kind, agency_id)
    return found


def _meeting(
    core: Core,
    actor: Actor,
    rng: random.Random,
    youth_id: int,
    held_at: dt.datetime,
    agencies: dict[str, int],
) -> None:
    seats = rng.sample(TABLE, rng.randint(4, len(TABLE)))
    signed = held_at.date() - dt.timedelta(days=rng.randint(30, 400))
    attendees = tuple(
        AttendeeInput(name, role, agencies.get(kind), signed) for kind, role, name in seats
    )
    day = held_at.astimezone(core.settings.timezone).date()
    items = tuple(
        SafetyPlanItemInput(text, owner, day + dt.timedelta(days=rng.randint(3, 30)))
        for text, owner in rng.sample(ITEMS, rng.randint(2, 4))
    )
    then = _at(core, held_at + dt.timedelta(hours=2))
    record = partnership.record_mdt_meeting(
        then,
        actor,
        MdtMeetingInput(
            youth_id,
            held_at,
            attendees,
            agencies.get("district_attorney"),
            items,
            day + dt.timedelta(days=rng.choice([7, 14, 30])),
        ),
    )
    for item in record.items:
        finished = item.due_on - dt.timedelta(days=rng.randint(0, 3))
        if rng.random() < 0.6 and day <= finished < core.today():
            partnership.complete_safety_plan_item(core, actor, item.id, item.version, finished)


def _advocate_referral(
    core: Core, actor: Actor, rng: random.Random, youth_id: int, t0: dt.datetime, agency: int
) -> bool:
    made_at = t0 + dt.timedelta(minutes=rng.randint(10, 240))
    contact_at = made_at + dt.timedelta(minutes=rng.randint(20, 600))
    if contact_at > core.now():
        return False
    record = referrals.create_referral(
        _at(core, made_at),
        actor,
        ReferralInput(
            youth_id=youth_id,
            referral_type="csec_advocacy",
            agency_id=agency,
            urgency="same_day",
            reason_codes=("first_crisis_response",),
            reason_text="Identified at screening; first crisis response requested per protocol.",
        ),
    )
    referrals.send_referral(
        _at(core, made_at + dt.timedelta(minutes=5)),
        actor,
        record.id,
        lawful_exception="wic827_mdt",
        justification="County CSEC protocol: first crisis response at identification",
    )
    if rng.random() < 0.85:
        referrals.transition_referral(_at(core, contact_at), actor, record.id, "first_contact")
    with core.write() as session:  # the demo backdates: the row says when it was made
        row = session.get(Referral, record.id)
        if row is not None:
            row.created_at = made_at
    return True


def seed_partnership(core: Core, actor: Actor, rng: random.Random) -> int:
    """Trainings for demo staff, and for identified youth an advocate referral and an MDT
    meeting with a safety plan (some late, so timeliness shows breaches). Returns how many
    records were added; run it after the intakes (and the demo agencies, when there are any)."""
    core.require(actor, Action.DEMO_SEED)
    made = _trainings(core, actor, rng, _staff(core, actor))
    agencies = _agencies(core)
    with core.read() as session:
        discussed = set(session.execute(select(MdtMeeting.youth_id)).scalars())
    identified = [(y, t0) for y, t0 in _identified(core) if y not in discussed]
    now = core.now()
    meetings = referred = 0
    for youth_id, t0 in identified:
        try:
            advocacy = agencies.get("crisis_advocacy")
            if advocacy and referred < MAX_REFERRALS and rng.random() < 0.8:
                referred += _advocate_referral(core, actor, rng, youth_id, t0, advocacy)
            held_at = t0 + dt.timedelta(hours=rng.choice([20, 30, 44, 60, 70, 90, 130]))
            if meetings < MAX_MEETINGS and held_at < now and rng.random() < 0.75:
                _meeting(core, actor, rng, youth_id, held_at, agencies)
                meetings += 1
        except GirlsCourtError:
            continue  # a refusal (e.g. a youth outside the referral rules) is part of the story
    with core.write() as session:
        core.audit(
            session, actor, "demo.seed", detail=f"mdt={meetings} advocate_referrals={referred}"
        )
    return made + meetings + referred
