"""The intake desk through its services, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from girlscourt.db.models import AuditEvent, ChecklistStep, CustodyEpisode, Screening
from girlscourt.domain.intake_rules import ChargeInput, DecisionInput, EpisodeInput, SB1322Refusal
from girlscourt.errors import (
    ConflictError,
    NotFound,
    PermissionDenied,
    RuleRefused,
    ValidationError,
)
from girlscourt.services.intake import (
    custody_board,
    episodes,
    intake,
    intake_drafts,
    protocol_checklist,
)
from girlscourt.services.intake.intake import IntakeRequest, RiskInput, ScreeningInput
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.overview import record_view
from girlscourt.services.security import accounts
from tests.support import register, risk_answers, screening_responses, supervisor, train

TZ = ZoneInfo("America/Los_Angeles")
NOW = dt.datetime(2026, 11, 25, 22, 0, tzinfo=TZ)


@pytest.fixture
def at_night(core: Core) -> Core:
    """The desk on the Wednesday night before Thanksgiving 2026."""
    core.clock = lambda: NOW.astimezone(dt.UTC)
    return core


def request(
    youth_id: int,
    *codes: str,
    screening: ScreeningInput | None = None,
    risk: RiskInput | None = None,
    decision: DecisionInput | None = None,
    **episode: object,
) -> IntakeRequest:
    data: dict[str, object] = {
        "youth_id": youth_id,
        "custody_start_at": NOW - dt.timedelta(minutes=20),
        "charges": tuple(ChargeInput(c) for c in codes or ("PC 211",)),
    }
    data.update(episode)
    return IntakeRequest(EpisodeInput(**data), screening, risk, decision)  # type: ignore[arg-type]


def screen(**responses: str) -> ScreeningInput:
    return ScreeningInput("csec-screen-gc", screening_responses(**responses))


def test_full_intake_with_possible_concern_starts_protocol(
    at_night: Core, admin: Actor, officer: Actor
) -> None:
    core = at_night
    train(core, admin, "officer")
    youth_id = register(core, officer)
    result = intake.record_intake(
        core,
        officer,
        request(
            youth_id,
            screening=screen(ex_exchange_for_value="some"),
            risk=RiskInput("detention-risk-example", risk_answers()),
            decision=DecisionInput("release"),
        ),
    )
    assert result.result_level == "possible"
    assert result.recommended_band == "release" and result.override_direction is None
    steps = {s.step for s in result.checklist}
    assert steps == {
        "crisis_advocate",
        "medical_referral",
        "mental_health_referral",
        "da_csec_prosecutor",
        "child_welfare_report",
        "written_report_ss8572",
        "restrictions_reviewed",
        "mdt_referral",
    }
    advocate = next(s for s in result.checklist if s.step == "crisis_advocate")
    assert advocate.due_at == core.now() + dt.timedelta(hours=2)
    with core.read() as session:
        row = session.execute(select(Screening)).scalar_one()
    assert row.instrument_id == "csec-screen-gc" and len(row.instrument_checksum) == 64
    rules = {d.rule for d in result.deadlines}
    assert "WIC631" in rules


def test_no_concern_starts_no_protocol(at_night: Core, admin: Actor, officer: Actor) -> None:
    train(at_night, admin, "officer")
    youth_id = register(at_night, officer)
    result = intake.record_intake(at_night, officer, request(youth_id, screening=screen()))
    assert result.result_level == "no_concern" and result.checklist == ()


def test_screener_without_current_training_is_refused_and_nothing_saved(
    at_night: Core, admin: Actor, officer: Actor
) -> None:
    youth_id = register(at_night, officer)
    with pytest.raises(RuleRefused, match="no current training"):
        intake.record_intake(at_night, officer, request(youth_id, screening=screen()))
    train(at_night, admin, "officer", expires=at_night.today() - dt.timedelta(days=1))
    with pytest.raises(RuleRefused, match="no current training"):
        intake.record_intake(at_night, officer, request(youth_id, screening=screen()))
    with at_night.read() as session:
        assert session.execute(select(func.count(CustodyEpisode.id))).scalar_one() == 0


def test_sb1322_refuses_booking_and_starts_protective_steps(at_night: Core, officer: Actor) -> None:
    youth_id = register(at_night, officer)
    with pytest.raises(SB1322Refusal):
        intake.record_intake(at_night, officer, request(youth_id, "PC 647(b)"))
    with at_night.read() as session:
        assert session.execute(select(func.count(CustodyEpisode.id))).scalar_one() == 0
        steps = set(session.execute(select(ChecklistStep.step)).scalars())
        refused = session.execute(
            select(AuditEvent).where(AuditEvent.action == "intake.sb1322")
        ).scalar_one()
    assert steps == {"child_welfare_report", "written_report_ss8572", "csec_screening"}
    assert refused.outcome == "refused" and refused.record_id == youth_id


def test_wic636_and_wic635_through_the_service(at_night: Core, officer: Actor) -> None:
    youth_id = register(at_night, officer)
    with at_night.write() as session:
        from girlscourt.db.models import Youth

        session.get(Youth, youth_id).dependency_status = "300"  # type: ignore[union-attr]
    heavy = risk_answers(most_serious_offence="wic707b")
    with pytest.raises(RuleRefused, match="WIC 636"):
        intake.record_intake(
            at_night,
            officer,
            request(
                youth_id,
                risk=RiskInput("detention-risk-example", heavy),
                decision=DecisionInput("detain", ("no_placement",)),
            ),
        )
    with pytest.raises(RuleRefused, match="WIC 635"):
        intake.record_intake(
            at_night,
            officer,
            request(
                youth_id,
                risk=RiskInput("detention-risk-example", heavy),
                decision=DecisionInput("detain", ("county_of_residence",)),
            ),
        )


def test_override_needs_supervisor_approval(at_night: Core, admin: Actor, officer: Actor) -> None:
    youth_id = register(at_night, officer)
    up = DecisionInput(
        "detain",
        ("protect_person_or_property",),
        "victim_safety",
        "The victim lives on the same block and was threatened at arrest.",
    )
    low = RiskInput("detention-risk-example", risk_answers())
    with pytest.raises(ValidationError, match="approver"):
        intake.record_intake(at_night, officer, request(youth_id, risk=low, decision=up))
    with pytest.raises(ValidationError, match="approver"):
        intake.record_intake(
            at_night, officer, request(youth_id, risk=low, decision=up), approver=officer
        )
    sup = supervisor(at_night, admin)
    result = intake.record_intake(
        at_night, officer, request(youth_id, risk=low, decision=up), approver=sup
    )
    assert result.override_direction == "up" and result.decision == "detain"
    with at_night.read() as session:
        actions = set(session.execute(select(AuditEvent.action)).scalars())
    assert {"detention.decide", "override.approve"} <= actions


def test_disclosure_stops_and_refers(at_night: Core, admin: Actor, officer: Actor) -> None:
    train(at_night, admin, "officer")
    youth_id = register(at_night, officer)
    partial = {"ls_no_stable_home": "some"}
    result = intake.record_intake(
        at_night,
        officer,
        request(youth_id, screening=ScreeningInput("csec-screen-gc", partial, disclosure=True)),
    )
    assert result.result_level == "clear_concern"
    assert "disclosure_stop_and_refer" in {s.step for s in result.checklist}


def test_thanksgiving_632a_deadline_and_board(at_night: Core, admin: Actor, officer: Actor) -> None:
    youth_id = register(at_night, officer)
    petition = NOW - dt.timedelta(minutes=5)
    intake.record_intake(
        at_night,
        officer,
        request(youth_id, "PC 211", petition_filed_at=petition, housing_unit="Unit 3"),
    )
    document = record_view.youth_document(at_night, officer, youth_id)
    due = {d["rule"]: d["due"] for d in document["deadlines"]}
    assert due["WIC632a"].startswith("2026-11-30T23:59:59")
    board = custody_board.in_custody_board(at_night, officer)
    assert [r.youth_id for r in board] == [youth_id]
    assert board[0].nearest is not None and board[0].housing_unit == "Unit 3"


def test_board_sorted_by_nearest_deadline(at_night: Core, officer: Actor) -> None:
    early = register(at_night, officer, "Ana", "Birchwood")
    late = register(at_night, officer, "Bea", "Cedarfield")
    intake.record_intake(
        at_night, officer, request(late, custody_start_at=NOW - dt.timedelta(minutes=1))
    )
    intake.record_intake(
        at_night, officer, request(early, custody_start_at=NOW - dt.timedelta(days=1))
    )
    assert [r.youth_id for r in custody_board.in_custody_board(at_night, officer)] == [early, late]


def test_release_takes_youth_off_the_board(at_night: Core, officer: Actor) -> None:
    youth_id = register(at_night, officer)
    result = intake.record_intake(at_night, officer, request(youth_id))
    with pytest.raises(ValidationError, match="release_type"):
        episodes.update_episode(at_night, officer, result.episode_id, 1, {"released_at": NOW})
    episodes.update_episode(
        at_night,
        officer,
        result.episode_id,
        1,
        {"released_at": NOW, "release_type": "parent_guardian"},
    )
    assert custody_board.in_custody_board(at_night, officer) == ()


def test_checklist_step_completion(at_night: Core, admin: Actor, officer: Actor) -> None:
    train(at_night, admin, "officer")
    youth_id = register(at_night, officer)
    result = intake.record_intake(
        at_night, officer, request(youth_id, screening=screen(ph_branding_tattoo="some"))
    )
    step = next(s for s in result.checklist if s.step == "crisis_advocate")
    done = protocol_checklist.complete_step(
        at_night, officer, step.id, step.version, "Advocate on the way"
    )
    assert done.done_by == officer.user_id and done.state(at_night.now()) == "done"
    with pytest.raises(ConflictError):
        protocol_checklist.complete_step(at_night, officer, step.id, step.version)


def test_drafts_keep_unfinished_work(at_night: Core, officer: Actor, admin: Actor) -> None:
    saved = intake_drafts.save_draft(at_night, officer, {"step": "charges", "charges": ["PC 211"]})
    updated = intake_drafts.save_draft(
        at_night, officer, {"step": "screening"}, draft_id=saved.id, expected_version=saved.version
    )
    assert [d.content for d in intake_drafts.list_drafts(at_night, officer)] == [
        {"step": "screening"}
    ]
    assert intake_drafts.list_drafts(at_night, admin) == ()
    intake_drafts.discard_draft(at_night, officer, updated.id)
    assert intake_drafts.list_drafts(at_night, officer) == ()


def test_board_hides_a_youth_whose_every_petition_is_sealed(at_night: Core, officer: Actor) -> None:
    import datetime as _dt

    from girlscourt.db.models import CourtCase, Petition

    youth_id = register(at_night, officer)
    intake.record_intake(at_night, officer, request(youth_id))
    assert [r.youth_id for r in custody_board.in_custody_board(at_night, officer)] == [youth_id]
    with at_night.write() as session:
        case = CourtCase(youth_id=youth_id, case_number="JV-26-00042")
        session.add(case)
        session.flush()
        session.add(
            Petition(
                case_id=case.id,
                petition_number="A",
                filed_on=_dt.date(2026, 11, 26),
                sealing_state="sealed_786",
            )
        )
    assert custody_board.in_custody_board(at_night, officer) == ()


def test_later_events_are_read_back_with_their_version(
    at_night: Core, admin: Actor, officer: Actor
) -> None:
    youth_id = register(at_night, officer)
    result = intake.record_intake(at_night, officer, request(youth_id, housing_unit="Unit 2"))
    before = episodes.episode_events(at_night, officer, result.episode_id)
    assert (before.youth_id, before.version, before.housing_unit) == (youth_id, 1, "Unit 2")
    assert before.petition_filed_at is None and before.released_at is None
    filed = NOW + dt.timedelta(hours=3)
    version = episodes.update_episode(
        at_night, officer, result.episode_id, before.version, {"petition_filed_at": filed}
    )
    after = episodes.episode_events(at_night, officer, result.episode_id)
    assert after.version == version == 2 and after.petition_filed_at == filed
    with pytest.raises(ConflictError):  # a second desk still holding version 1
        episodes.update_episode(at_night, officer, result.episode_id, 1, {"housing_unit": "Unit 4"})
    accounts.create_user(at_night, admin, "clerk", "court_clerk", "clerk's own passphrase")
    clerk = accounts.authenticate(at_night, "clerk", "clerk's own passphrase")
    with pytest.raises(PermissionDenied):
        episodes.episode_events(at_night, clerk, result.episode_id)
    with pytest.raises(NotFound):
        episodes.episode_events(at_night, officer, result.episode_id + 999)
