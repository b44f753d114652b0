"""The record page's protocol checklist and deadlines, read through one service."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from girlscourt.db.models import AuditEvent
from girlscourt.domain.intake_rules import ChargeInput, EpisodeInput
from girlscourt.errors import NotFound, PermissionDenied
from girlscourt.services.intake import intake, protocol_checklist
from girlscourt.services.intake.intake import IntakeRequest, ScreeningInput
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import accounts
from tests.support import register, screening_responses, train

TZ = ZoneInfo("America/Los_Angeles")
NOW = dt.datetime(2026, 11, 25, 22, 0, tzinfo=TZ)


@pytest.fixture
def at_night(core: Core) -> Core:
    core.clock = lambda: NOW.astimezone(dt.UTC)
    return core


def _intake(core: Core, officer: Actor, youth_id: int) -> intake.IntakeResult:
    episode = EpisodeInput(
        youth_id,
        NOW - dt.timedelta(minutes=30),
        (ChargeInput("PC 211"),),
        petition_filed_at=NOW - dt.timedelta(minutes=5),
    )
    screening = ScreeningInput("csec-screen-gc", screening_responses(ex_exchange_for_value="some"))
    return intake.record_intake(core, officer, IntakeRequest(episode, screening))


def test_steps_states_names_and_deadlines(at_night: Core, admin: Actor, officer: Actor) -> None:
    train(at_night, admin, "officer")
    youth_id = register(at_night, officer)
    result = _intake(at_night, officer, youth_id)
    advocate = next(s for s in result.checklist if s.step == "crisis_advocate")
    protocol_checklist.complete_step(at_night, officer, advocate.id, advocate.version, "Called")

    at_night.clock = lambda: (NOW + dt.timedelta(hours=30)).astimezone(dt.UTC)
    view = protocol_checklist.checklist_for_youth(at_night, officer, youth_id)

    states = {e.step.step: e.state for e in view.steps}
    assert states["crisis_advocate"] == "done"
    assert states["da_csec_prosecutor"] == "overdue"  # 24 h target, 30 h later
    assert states["medical_referral"] == "open"  # 72 h target
    assert view.overdue == sum(1 for s in states.values() if s == "overdue")
    done = next(e for e in view.steps if e.step.step == "crisis_advocate")
    assert done.done_by_name == "Olu Officer" and done.step.notes == "Called"
    assert [e.step.due_at for e in view.steps] == sorted(e.step.due_at for e in view.steps)

    (episode,) = view.episodes
    assert episode.episode_id == result.episode_id and episode.released_at is None
    due = {d.rule: d.due.astimezone(TZ) for d in episode.deadlines}
    assert due["WIC632a"].date() == dt.date(2026, 11, 30)  # after Thanksgiving and the weekend
    with at_night.read() as session:
        actions = list(session.execute(select(AuditEvent.action)).scalars())
    assert "checklist.view" in actions


def test_a_youth_with_nothing_started(at_night: Core, officer: Actor) -> None:
    youth_id = register(at_night, officer)
    view = protocol_checklist.checklist_for_youth(at_night, officer, youth_id)
    assert view.steps == () and view.episodes == () and view.overdue == 0


def test_unknown_youth_and_roles_without_access(at_night: Core, admin: Actor) -> None:
    with pytest.raises(NotFound):
        protocol_checklist.checklist_for_youth(at_night, admin, 999)
    accounts.create_user(at_night, admin, "ana", "analyst", "aggregate numbers only 42", "An A")
    analyst = accounts.authenticate(at_night, "ana", "aggregate numbers only 42")
    youth_id = register(at_night, admin)
    with pytest.raises(PermissionDenied):
        protocol_checklist.checklist_for_youth(at_night, analyst, youth_id)


def test_a_shared_step_code_reads_as_the_list_that_started_it(
    at_night: Core, admin: Actor, officer: Actor
) -> None:
    """The CSEC checklist and the SB 1322 response both have a child-welfare report step."""
    from girlscourt.domain.intake_rules import SB1322Refusal

    train(at_night, admin, "officer")
    screened = register(at_night, officer, "Ana", "Birchwood")
    _intake(at_night, officer, screened)
    refused = register(at_night, officer, "Bea", "Cedarfield")
    with pytest.raises(SB1322Refusal):
        intake.record_intake(
            at_night,
            officer,
            IntakeRequest(EpisodeInput(refused, NOW, (ChargeInput("PC 647(b)"),))),
        )

    def label(youth_id: int) -> str:
        view = protocol_checklist.checklist_for_youth(at_night, officer, youth_id)
        return next(e.step.label for e in view.steps if e.step.step == "child_welfare_report")

    assert label(screened).startswith(
        "Mandated report by telephone to the child-welfare hotline (PC"
    )
    assert label(refused).startswith(
        "Mandated report by telephone to the child-welfare hotline (SB 1322"
    )
