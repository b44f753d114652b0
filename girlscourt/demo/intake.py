"""Synthetic intakes for the demo: episodes over two years, screenings, decisions, checklists.

Every intake goes through ``record_intake`` with the clock set to its own moment, so demo data
obeys the same rules (training, SB 1322, overrides with approval) as real work.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import replace

from sqlalchemy import select

from girlscourt.db.models import ChecklistStep, User
from girlscourt.domain.intake_rules import ChargeInput, DecisionInput, EpisodeInput
from girlscourt.domain.permissions import Role
from girlscourt.errors import GirlsCourtError
from girlscourt.services.codes.intake_codes import default_instrument
from girlscourt.services.intake import intake
from girlscourt.services.kernel.core import Actor, Clock, Core
from girlscourt.services.security import accounts, training

CHARGE_MIX = [
    "PC 211",
    "PC 459",
    "PC 484",
    "PC 242",
    "PC 245(a)(1)",
    "VC 10851",
    "PC 148(a)(1)",
    "PC 594",
    "HS 11377",
    "WIC 777",
    "PC 487",
    "PC 243(e)(1)",
    "PC 647(b)",
]
UNITS = ["Unit 1", "Unit 2", "Unit 3", "Unit 4 (girls)", "Unit 5 (girls)"]


def _demo_supervisor(core: Core, actor: Actor) -> Actor:
    """A supervisor account to approve demo overrides (random password, never printed)."""
    with core.read() as session:
        user = session.execute(
            select(User).where(User.username_key == "demo.supervisor")
        ).scalar_one_or_none()
    if user is None:
        made = accounts.create_user(
            core,
            actor,
            "demo.supervisor",
            Role.SUPERVISOR,
            secrets.token_urlsafe(24),
            "Demo Supervisor",
        )
        return Actor(made.id, made.username, made.display_name, Role.SUPERVISOR)
    return Actor(user.id, user.username, user.display_name, Role(user.role))


def _responses(rng: random.Random, concern: str) -> dict[str, str]:
    tool = default_instrument("screening")
    answers = {item.id: "no" for item in tool.items}
    for item in rng.sample(tool.items, 2):
        answers[item.id] = rng.choice(["no", "unknown"])
    if concern == "possible":
        answers["rb_runaway"] = "clear"
        answers["ls_no_stable_home"] = "some"
        answers["ph_branding_tattoo"] = rng.choice(["no", "some"])
    elif concern == "clear":
        for item_id in (
            "ex_exchange_for_value",
            "rc_older_controlling_partner",
            "rb_runaway",
            "mb_hotel_keys_cards",
            "ex_someone_profits",
        ):
            answers[item_id] = "clear"
    return answers


def _risk(rng: random.Random, heavy: bool) -> dict[str, str]:
    tool = default_instrument("risk")
    answers = {}
    for item in tool.items:
        options = tool.response_set(item.response_set).codes
        answers[item.id] = "no" if item.response_set == "yes_no" else options[0]
    answers["most_serious_offence"] = rng.choice(
        ["misd_other", "felony_other", "felony_person_weapon", "misd_person_weapon", "felony_other"]
    )
    answers["prior_sustained"] = rng.choice(["none", "none", "one_misd", "misd_two_plus_or_felony"])
    answers["probation_status"] = rng.choice(["none", "none", "informal", "ward"])
    answers["mit_school_or_work"] = rng.choice(["no", "yes"])
    if heavy:  # recent intakes: more detained youth so the board has something to show
        answers["most_serious_offence"] = rng.choice(["felony_person_weapon", "wic707b"])
        answers["prior_sustained"] = "misd_two_plus_or_felony"
    return answers


def _fixed(moment: dt.datetime) -> Clock:
    """A clock stopped at ``moment`` (each demo intake happens at its own time)."""
    return lambda: moment


def seed_intakes(core: Core, actor: Actor, rng: random.Random, youth_ids: list[int]) -> int:
    """About one intake per three youths, the last fortnight's still in custody."""
    training.add_training(
        core,
        actor,
        actor.username,
        "csec_awareness",
        core.today() - dt.timedelta(days=800),
        hours=6,
    )
    approver = _demo_supervisor(core, actor)
    real_clock, now = core.clock, core.now()
    made = 0
    chosen = rng.sample(youth_ids, max(1, len(youth_ids) // 3)) if youth_ids else []
    try:
        for index, youth_id in enumerate(chosen):
            recent = index < max(3, len(chosen) // 6)
            start = now - (
                dt.timedelta(hours=rng.randint(2, 14 * 24))
                if recent
                else dt.timedelta(days=rng.randint(15, 730))
            )
            core.clock = _fixed(start + dt.timedelta(minutes=50))
            try:
                made += _one_intake(core, actor, approver, rng, youth_id, start, recent)
            except GirlsCourtError:
                continue  # a refused intake (e.g. SB 1322) is part of the story, not a failure
    finally:
        core.clock = real_clock
    _complete_some_steps(core, actor, rng)
    return made


def _one_intake(
    core: Core,
    actor: Actor,
    approver: Actor,
    rng: random.Random,
    youth_id: int,
    start: dt.datetime,
    in_custody: bool,
) -> int:
    codes = rng.sample(CHARGE_MIX, rng.choice([1, 1, 2]))
    concern = rng.choices(["none", "possible", "clear"], weights=[6, 3, 2])[0]
    risk = _risk(rng, heavy=in_custody and rng.random() < 0.7)
    band = intake.preview_risk(
        intake.RiskInput(default_instrument("risk").key, risk)
    ).recommended_band
    decision = band
    override: tuple[str | None, str | None] = (None, None)
    if rng.random() < 0.15:
        decision = "detain" if band != "detain" else "alternative"
        override = (
            "victim_safety" if decision == "detain" else "mitigating_circumstances",
            "Synthetic demo override: reasons discussed with the on-call supervisor.",
        )
    reasons = ("likely_to_flee",) if decision == "detain" else ()
    released = (
        None
        if in_custody and decision == "detain"
        else start + dt.timedelta(hours=rng.randint(3, 40))
    )
    episode = EpisodeInput(
        youth_id=youth_id,
        custody_start_at=start,
        charges=tuple(ChargeInput(c) for c in codes),
        arresting_officer=f"Officer {rng.randint(100, 999)}",
        petition_filed_at=start + dt.timedelta(hours=rng.randint(6, 30))
        if rng.random() < 0.7
        else None,
        housing_unit=rng.choice(UNITS),
        released_at=released,
        release_type="parent_guardian" if released else None,
        age_exception_reason="Synthetic demo record",
    )
    if episode.petition_filed_at and released and episode.petition_filed_at > released:
        episode = replace(episode, petition_filed_at=None)
    request = intake.IntakeRequest(
        episode,
        intake.ScreeningInput(default_instrument("screening").key, _responses(rng, concern)),
        intake.RiskInput(default_instrument("risk").key, risk),
        DecisionInput(decision, reasons, *override),
    )
    intake.record_intake(core, actor, request, approver if override[0] else None)
    return 1


def _complete_some_steps(core: Core, actor: Actor, rng: random.Random) -> None:
    """Mark most old checklist steps done, a few late, so timeliness has something to show."""
    with core.write() as session:
        core.audit(session, actor, "demo.seed", detail="checklist steps completed")
        for step in session.execute(select(ChecklistStep)).scalars():
            if step.due_at < core.now() - dt.timedelta(days=3) and rng.random() < 0.85:
                late = rng.random() < 0.2
                step.done_at = step.due_at + (
                    dt.timedelta(hours=rng.randint(1, 30))
                    if late
                    else -dt.timedelta(minutes=rng.randint(5, 90))
                )
