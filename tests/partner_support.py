"""Builders the partner-scope and sealing tests share: accounts by role, petitions, sealing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from girlscourt.db.models import AuditEvent, CourtCase, Petition, Screening
from girlscourt.domain.intake_rules import ChargeInput, DecisionInput, EpisodeInput
from girlscourt.domain.permissions import Role
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.services.intake import intake
from girlscourt.services.intake.intake import IntakeRequest, RiskInput, ScreeningInput
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import accounts, sealing
from tests.support import risk_answers, screening_responses, train

PASSWORD = "a long shared test phrase"
COMPLETED = dt.date(2026, 11, 20)  # she satisfactorily completed probation (WIC 786)


def youth_input(last: str = "Ashford", first: str = "Maya") -> YouthInput:
    return YouthInput(legal_first_name=first, legal_last_name=last, dob=dt.date(2012, 2, 2))


def sign_in_as(core: Core, admin: Actor, role: Role, name: str | None = None) -> Actor:
    """A new account with ``role`` (named after it unless ``name``), signed in."""
    if role is Role.ADMINISTRATOR and name is None:
        return admin
    username = name or role.value
    accounts.create_user(core, admin, username, role, PASSWORD)
    return accounts.authenticate(core, username, PASSWORD)


def add_petition(core: Core, youth_id: int, number: str = "P1") -> int:
    """A petition on the youth's case (the case made on first use); returns the petition id."""
    with core.write() as session:
        case = session.execute(
            select(CourtCase).where(CourtCase.youth_id == youth_id)
        ).scalar_one_or_none()
        if case is None:
            case = CourtCase(youth_id=youth_id, case_number=f"JV{youth_id:05d}")
            session.add(case)
            session.flush()
        petition = Petition(case_id=case.id, petition_number=number, filed_on=dt.date(2026, 1, 5))
        session.add(petition)
        session.flush()
        return petition.id


def seal_youth(core: Core, custodian: Actor, youth_id: int) -> int:
    """Give the youth one petition and seal it: she is hidden from all but the custodian."""
    petition = add_petition(core, youth_id, f"S{youth_id}")
    assert sealing.seal_petition(
        core, custodian, petition, "JV-596 2026-0042", "wic786", completed_on=COMPLETED
    ).sealed
    return petition


def record_screening(core: Core, admin: Actor, officer: Actor, youth_id: int) -> int:
    """An intake with a screening that has an exploitation item answered; returns its id."""
    train(core, admin, officer.username)
    intake.record_intake(
        core,
        officer,
        IntakeRequest(
            EpisodeInput(
                youth_id=youth_id,
                custody_start_at=core.now() - dt.timedelta(minutes=20),
                charges=(ChargeInput("PC 211"),),
            ),
            ScreeningInput("csec-screen-gc", screening_responses(ex_exchange_for_value="some")),
            RiskInput("detention-risk-example", risk_answers()),
            DecisionInput("release"),
        ),
    )
    with core.read() as session:
        return int(session.execute(select(func.max(Screening.id))).scalar_one())


def denied_events(core: Core, actor: Actor) -> list[tuple[str, str | None, int | None, str | None]]:
    """The actor's refusals in order: (action, record kind, record id, detail)."""
    with core.read() as session:
        rows = session.execute(
            select(
                AuditEvent.action, AuditEvent.record_kind, AuditEvent.record_id, AuditEvent.detail
            )
            .where(AuditEvent.actor_id == actor.user_id, AuditEvent.outcome == "denied")
            .order_by(AuditEvent.id)
        ).all()
    return [(r[0], r[1], r[2], r[3]) for r in rows]
