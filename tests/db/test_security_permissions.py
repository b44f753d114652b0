"""Roles through the services: the role × action matrix, field-level screening detail, and
sealing (WIC 786), where a sealed youth vanishes for everyone but the custodian."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from girlscourt.db.models import (
    AuditEvent,
    CourtCase,
    Department,
    Hearing,
    Petition,
    Screening,
    Youth,
)
from girlscourt.demo import seed as demo
from girlscourt.domain import sealing_rules
from girlscourt.domain.hearing_rules import SEALED_STATES
from girlscourt.domain.intake_rules import ChargeInput, DecisionInput, EpisodeInput
from girlscourt.domain.permissions import (
    PARTNER_ROLES,
    PERMISSIONS,
    ROLE_LABELS,
    Action,
    Role,
    is_partner,
)
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.errors import NotFound, PermissionDenied, RuleRefused, ValidationError
from girlscourt.services.court import dockets
from girlscourt.services.intake import intake, intake_drafts, screening_detail
from girlscourt.services.intake.intake import IntakeRequest, RiskInput, ScreeningInput
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.overview import record_view
from girlscourt.services.referrals import agencies, partner_access, referrals
from girlscourt.services.referrals.agencies import AgencyInput, RepresentativeInput
from girlscourt.services.referrals.referral_records import ReferralInput
from girlscourt.services.registry import youths
from girlscourt.services.reports import csec_metrics
from girlscourt.services.restrictions import restrictions
from girlscourt.services.security import accounts, audit_trail, sealing
from tests.support import risk_answers, screening_responses, train

PASSWORD = "a long shared test phrase"
COMPLETED = dt.date(2026, 3, 1)  # she satisfactorily completed probation (WIC 786)


def youth_input(last: str = "Ashford", first: str = "Maya") -> YouthInput:
    return YouthInput(legal_first_name=first, legal_last_name=last, dob=dt.date(2012, 2, 2))


def sign_in_as(core: Core, admin: Actor, role: Role) -> Actor:
    if role is Role.ADMINISTRATOR:
        return admin
    accounts.create_user(core, admin, role.value, role, PASSWORD)
    return accounts.authenticate(core, role.value, PASSWORD)


def add_petition(core: Core, youth_id: int, number: str) -> int:
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


def record_screening(core: Core, admin: Actor, officer: Actor, youth_id: int) -> int:
    train(core, admin, officer.username)
    intake.record_intake(
        core,
        officer,
        IntakeRequest(
            EpisodeInput(
                youth_id=youth_id,
                custody_start_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=20),
                charges=(ChargeInput("PC 211"),),
            ),
            ScreeningInput("csec-screen-gc", screening_responses(ex_exchange_for_value="some")),
            RiskInput("detention-risk-example", risk_answers()),
            DecisionInput("release"),
        ),
    )
    with core.read() as session:
        return int(session.execute(select(func.max(Screening.id))).scalar_one())


# --- the matrix ----------------------------------------------------------------------------------

# What each role may do, written out so that a change to the table is a visible decision.
_VIEWS = {Action.REFERRAL_VIEW, Action.REFERRAL_VIEW_HEALTH, Action.RESTRICTION_VIEW}
EXPECTED: dict[Role, set[Action]] = {
    Role.ADMINISTRATOR: {
        Action.YOUTH_SEARCH,
        Action.YOUTH_VIEW,
        Action.YOUTH_CREATE,
        Action.YOUTH_EDIT,
        Action.USER_MANAGE,
        Action.AUDIT_VIEW,
        Action.DEMO_SEED,
        Action.INTAKE_RECORD,
        Action.SCREENING_VIEW_DETAIL,
        Action.PARTNER_ASSIGN,
        Action.DOCKET_VIEW,
        Action.REPORT_AGGREGATE,
        *_VIEWS,
    },
    Role.INTAKE_OFFICER: {
        Action.YOUTH_SEARCH,
        Action.YOUTH_VIEW,
        Action.YOUTH_CREATE,
        Action.YOUTH_EDIT,
        Action.INTAKE_RECORD,
        Action.SCREENING_VIEW_DETAIL,
        Action.DOCKET_VIEW,
        *_VIEWS,
    },
    Role.SUPERVISOR: {
        Action.YOUTH_SEARCH,
        Action.YOUTH_VIEW,
        Action.YOUTH_CREATE,
        Action.YOUTH_EDIT,
        Action.AUDIT_VIEW,
        Action.INTAKE_RECORD,
        Action.SCREENING_VIEW_DETAIL,
        Action.PARTNER_ASSIGN,
        Action.DOCKET_VIEW,
        Action.REPORT_AGGREGATE,
        *_VIEWS,
    },
    Role.COURT_CLERK: {
        Action.YOUTH_SEARCH,
        Action.YOUTH_VIEW,
        Action.RESTRICTION_VIEW,
        Action.DOCKET_VIEW,
    },
    Role.ANALYST: {Action.REPORT_AGGREGATE},
    Role.CUSTODIAN: {
        Action.YOUTH_SEARCH,
        Action.YOUTH_VIEW,
        Action.SEAL_PETITION,
        Action.RESTRICTION_VIEW,
    },
    # read-only partners: their assigned youth, nothing written, no health, no restrictions
    Role.PROSECUTOR: {Action.YOUTH_SEARCH, Action.YOUTH_VIEW},
    Role.PUBLIC_DEFENDER: {Action.YOUTH_SEARCH, Action.YOUTH_VIEW},
    Role.ADVOCATE: {Action.YOUTH_SEARCH, Action.YOUTH_VIEW, Action.REFERRAL_VIEW},
}


def health_referral(core: Core, admin: Actor, officer: Actor, youth_id: int) -> int:
    clinic = agencies.create_agency(
        core,
        admin,
        AgencyInput(name="Mariposa Bridge Counseling", kind="mental_health"),
        (RepresentativeInput(name="Dana Whitfield", csec_point_person=True),),
    )
    data = ReferralInput(
        youth_id=youth_id,
        referral_type="mental_health",
        agency_id=clinic.id,
        urgency="24_hours",
        reason_codes=("trauma_symptoms",),
    )
    return referrals.create_referral(core, officer, data).id


def calls(
    core: Core,
    actor: Actor,
    youth_id: int,
    screening_id: int,
    petition_id: int,
    referral_id: int,
) -> dict[Action, Callable[[], object]]:
    def edit() -> object:
        with core.read() as session:
            version = session.execute(
                select(Youth.version).where(Youth.id == youth_id)
            ).scalar_one()
        return youths.update_youth(core, actor, youth_id, version, youth_input())

    return {
        Action.YOUTH_SEARCH: lambda: youths.find_youths(core, actor, "ashford"),
        Action.YOUTH_VIEW: lambda: youths.get_youth(core, actor, youth_id),
        Action.YOUTH_CREATE: lambda: youths.register_youth(core, actor, youth_input("Birch")),
        Action.YOUTH_EDIT: edit,
        Action.USER_MANAGE: lambda: accounts.list_users(core, actor),
        Action.AUDIT_VIEW: lambda: audit_trail.list_events(core, actor, limit=1),
        Action.DEMO_SEED: lambda: demo.seed_youths(core, actor, 1, seed=7),
        Action.INTAKE_RECORD: lambda: intake_drafts.list_drafts(core, actor),
        Action.SCREENING_VIEW_DETAIL: lambda: screening_detail.screening_detail(
            core, actor, screening_id
        ),
        Action.SEAL_PETITION: lambda: sealing.seal_petition(
            core, actor, petition_id, "JV-596 2026-0042", "wic786", completed_on=COMPLETED
        ),
        Action.REFERRAL_VIEW: lambda: referrals.list_referrals(core, actor, youth_id),
        Action.REFERRAL_VIEW_HEALTH: lambda: referrals.get_referral(core, actor, referral_id),
        Action.RESTRICTION_VIEW: lambda: restrictions.list_restrictions(core, actor, youth_id),
        Action.PARTNER_ASSIGN: lambda: partner_access.list_partner_assignments(
            core, actor, "officer"
        ),
        Action.DOCKET_VIEW: lambda: dockets.docket(core, actor, core.today()),
        Action.REPORT_AGGREGATE: lambda: csec_metrics.housing_units(core, actor),
    }


@pytest.mark.parametrize("role", list(Role))
def test_role_action_matrix_through_the_services(
    core: Core, admin: Actor, officer: Actor, role: Role
) -> None:
    youth_id = youths.register_youth(core, officer, youth_input()).id
    screening_id = record_screening(core, admin, officer, youth_id)
    referral_id = health_referral(core, admin, officer, youth_id)
    other = youths.register_youth(core, officer, youth_input("Cedarwood", "Ines")).id
    petition_id = add_petition(core, other, "P1")
    actor = sign_in_as(core, admin, role)
    if actor.partner:  # a partner reads only her assigned youth: assign her to this one
        partner_access.assign_partner(core, admin, actor.username, youth_id, "mdt_member")
    wrong: list[str] = []
    actions = calls(core, actor, youth_id, screening_id, petition_id, referral_id)
    for action, call in actions.items():
        expected = action in EXPECTED[role]
        assert expected == (action in PERMISSIONS[role]), f"table and test disagree on {action}"
        try:
            call()
            allowed = True
        except PermissionDenied:
            allowed = False
        if allowed != expected:
            wrong.append(f"{action.value}: {'allowed' if allowed else 'refused'}")
    assert not wrong, f"{role.value}: {wrong}"


def test_partner_roles_are_read_only_scoped_and_labelled() -> None:
    writes = {a for a in Action if a.value.split(".")[1] not in {"search", "view"}}
    writes -= {Action.SCREENING_VIEW_RESULT, Action.SCREENING_VIEW_DETAIL}
    writes -= {Action.REFERRAL_VIEW_HEALTH}
    assert Action.PRINT in writes and Action.REPORT_AGGREGATE in writes
    for role in PARTNER_ROLES:
        assert is_partner(role) and role in ROLE_LABELS
        assert not PERMISSIONS[role] & writes, role
        assert Action.SCREENING_VIEW_DETAIL not in PERMISSIONS[role]
        assert Action.REFERRAL_VIEW_HEALTH not in PERMISSIONS[role]
        assert Action.RESTRICTION_VIEW not in PERMISSIONS[role]
    assert not any(is_partner(r) for r in Role if r not in PARTNER_ROLES)
    assert set(ROLE_LABELS) == set(Role) == set(PERMISSIONS)


# --- field level: screening responses ----------------------------------------------------------


def _keys(document: object) -> set[str]:
    if isinstance(document, dict):
        return set(document) | {k for v in document.values() for k in _keys(v)}
    if isinstance(document, list):
        return {k for v in document for k in _keys(v)}
    return set()


@pytest.mark.parametrize("role", [Role.COURT_CLERK, Role.CUSTODIAN])
def test_roles_without_detail_never_receive_item_responses(
    core: Core, admin: Actor, officer: Actor, role: Role
) -> None:
    youth_id = youths.register_youth(core, officer, youth_input()).id
    screening_id = record_screening(core, admin, officer, youth_id)
    referral_id = health_referral(core, admin, officer, youth_id)
    actor = sign_in_as(core, admin, role)
    assert not actor.may(Action.SCREENING_VIEW_DETAIL)
    document = record_view.youth_document(core, actor, youth_id)
    assert document["screenings"][0]["result_level"]
    text = json.dumps(document, default=str)
    assert "responses" not in _keys(document) and "ex_exchange_for_value" not in text
    assert "domain_scores" not in _keys(document)
    # nor health referrals: the referrals section is withheld from both roles
    assert "referrals" not in document and "mental_health" not in text
    assert document["withheld_sections"] == ["referrals"]
    assert [r["id"] for r in record_view.youth_document(core, officer, youth_id)["referrals"]] == [
        referral_id
    ]
    with pytest.raises(PermissionDenied):
        screening_detail.screening_detail(core, actor, screening_id)
    with core.read() as session:
        refused = session.execute(
            select(AuditEvent).where(
                AuditEvent.action == "screening.view_detail", AuditEvent.outcome == "denied"
            )
        ).scalar_one()
    assert refused.record_id == screening_id and refused.actor_id == actor.user_id


def test_detail_gives_responses_with_the_permission_and_is_audited(
    core: Core, admin: Actor, officer: Actor
) -> None:
    youth_id = youths.register_youth(core, officer, youth_input()).id
    screening_id = record_screening(core, admin, officer, youth_id)
    detail = screening_detail.screening_detail(core, officer, screening_id)
    assert dict(detail.responses)["ex_exchange_for_value"] == "some"
    assert detail.youth_id == youth_id and detail.result_level
    with core.read() as session:
        (event,) = session.execute(
            select(AuditEvent).where(AuditEvent.action == "screening.view_detail")
        ).scalars()
    assert (event.record_kind, event.record_id, event.outcome) == ("screening", screening_id, "ok")
    with pytest.raises(NotFound):
        screening_detail.screening_detail(core, officer, screening_id + 999)


# --- sealing (WIC 786) -----------------------------------------------------------------------------


@pytest.fixture
def custodian(core: Core, admin: Actor) -> Actor:
    return sign_in_as(core, admin, Role.CUSTODIAN)


def _hearing(core: Core, petition_id: int) -> int:
    with core.write() as session:
        department = session.execute(select(Department)).scalars().first()
        if department is None:
            department = Department(code="D40", name="Department 40")
            session.add(department)
            session.flush()
        petition = session.get(Petition, petition_id)
        assert petition is not None
        hearing = Hearing(
            case_id=petition.case_id,
            petition_id=petition_id,
            hearing_type="DET",
            scheduled_at=dt.datetime(2026, 12, 2, 17, tzinfo=dt.UTC),
            department_id=department.id,
            custody_status="IN",
        )
        session.add(hearing)
        session.flush()
        return hearing.id


def test_a_youth_whose_every_petition_is_sealed_vanishes(
    core: Core, admin: Actor, officer: Actor, custodian: Actor
) -> None:
    sealed_youth = youths.register_youth(core, officer, youth_input("Ashford")).id
    visible = youths.register_youth(core, officer, youth_input("Ashford", "Mia")).id
    petition = add_petition(core, sealed_youth, "P1")
    assert youths.count_youths(core, officer) == 2
    result = sealing.seal_petition(
        core, custodian, petition, "JV-596 2026-0042", "WIC786", completed_on=COMPLETED
    )
    assert result.sealed and result.sealing_state == "sealed_786"
    assert result.order_number == "JV-596 2026-0042" and result.youth_id == sealed_youth

    # gone for an officer: search, list, count, duplicates, open, edit
    assert [r.id for r in youths.find_youths(core, officer, "ashford").rows] == [visible]
    assert [r.id for r in youths.list_youths(core, officer, 0, 50)] == [visible]
    assert youths.count_youths(core, officer) == 1
    assert [r.id for r in youths.possible_duplicates(core, officer, youth_input("Ashford"))] == [
        visible
    ]
    with pytest.raises(NotFound):
        youths.get_youth(core, officer, sealed_youth)
    with pytest.raises(NotFound):
        youths.update_youth(core, officer, sealed_youth, 1, youth_input())
    with pytest.raises(NotFound):
        record_view.youth_document(core, officer, sealed_youth)
    with core.read() as session:
        refusals = session.execute(
            select(AuditEvent.action, AuditEvent.detail).where(
                AuditEvent.record_id == sealed_youth, AuditEvent.outcome == "denied"
            )
        ).all()
        assert sealing.sealed_youth_ids(session) == {sealed_youth}
    assert ("youth.view", "sealed") in refusals and ("youth.edit", "sealed") in refusals

    # the custodian sees her, flagged, and must give a reason to open the record
    found = youths.find_youths(core, custodian, "ashford").rows
    assert {(r.id, r.sealed) for r in found} == {(sealed_youth, True), (visible, False)}
    assert youths.count_youths(core, custodian) == 2
    assert {r.sealed for r in youths.list_youths(core, custodian, 0, 50)} == {True, False}
    with pytest.raises(ValidationError) as missing:
        youths.get_youth(core, custodian, sealed_youth)
    assert missing.value.field == "access_reason"
    with pytest.raises(ValidationError, match="access_reason"):
        youths.get_youth(core, custodian, sealed_youth, access_reason="curiosity")
    record = youths.get_youth(core, custodian, sealed_youth, access_reason="court_order")
    assert record.id == sealed_youth
    with core.read() as session:
        access = session.execute(
            select(AuditEvent).where(
                AuditEvent.action == "youth.view", AuditEvent.actor_id == custodian.user_id
            )
        ).scalar_one()
    assert access.detail == "sealed access: court_order" and access.record_id == sealed_youth

    # unsealed on a court order: back for everyone
    lifted = sealing.unseal_petition(core, custodian, petition, "JV-596 2026-0099", "court_order")
    assert lifted.sealing_state == "dismissed" and not lifted.sealed
    assert youths.get_youth(core, officer, sealed_youth).id == sealed_youth


def test_sealed_namesakes_neither_crowd_out_nor_hint_at_more_results(
    core: Core, officer: Actor, custodian: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    from girlscourt.services.registry import youth_search

    monkeypatch.setattr(youth_search, "CANDIDATE_LIMIT", 2)  # stands for the 200 shown
    sealed_ids = []
    for first in ("Ana", "Bea"):  # the lowest ids: found first by the limited query
        hidden = youths.register_youth(core, officer, youth_input("Ashford", first)).id
        sealing.seal_petition(
            core, custodian, add_petition(core, hidden, f"P{first}"), "JV-596 2026-0042", "WIC781"
        )
        sealed_ids.append(hidden)
    visible = youths.register_youth(core, officer, youth_input("Ashford", "Mia")).id
    page = youths.find_youths(core, officer, "ashford")
    assert [r.id for r in page.rows] == [visible] and not page.truncated
    assert youths.find_youths(core, custodian, "ashford").truncated  # she sees all three


def test_a_youth_with_an_open_petition_stays_findable_but_sealed_hearings_go(
    core: Core, officer: Actor, custodian: Actor
) -> None:
    youth = youths.register_youth(core, officer, youth_input()).id
    sealed_petition = add_petition(core, youth, "P1")
    open_petition = add_petition(core, youth, "P2")
    hidden_hearing = _hearing(core, sealed_petition)
    shown_hearing = _hearing(core, open_petition)
    sealing.seal_petition(
        core, custodian, sealed_petition, "JV-596 1", "wic786", completed_on=COMPLETED
    )
    assert youths.get_youth(core, officer, youth).id == youth
    assert [r.id for r in youths.find_youths(core, officer, "ashford").rows] == [youth]
    document = record_view.youth_document(core, officer, youth)
    assert [h["id"] for h in document["hearings"]] == [shown_hearing]
    with core.read() as session:
        visible = set(
            session.execute(select(Petition.id).where(sealing.visible_petition_filter())).scalars()
        )
        assert sealing.sealed_youth_ids(session) == set()
    assert visible == {open_petition}
    assert hidden_hearing != shown_hearing


def test_sealing_rules_and_refusals(
    core: Core, admin: Actor, officer: Actor, custodian: Actor
) -> None:
    youth = youths.register_youth(core, officer, youth_input()).id
    petition = add_petition(core, youth, "P1")
    with pytest.raises(PermissionDenied):
        sealing.seal_petition(core, officer, petition, "JV-596 1", "wic786")
    with pytest.raises(PermissionDenied):  # sealing is the custodian's alone
        sealing.seal_petition(core, admin, petition, "JV-596 1", "wic786")
    with pytest.raises(ValidationError) as bad_order:
        sealing.seal_petition(core, custodian, petition, "<script>", "wic786")
    assert bad_order.value.field == "order_number"
    with pytest.raises(ValidationError) as bad_basis:
        sealing.seal_petition(core, custodian, petition, "JV-596 1", "because")
    assert bad_basis.value.field == "reason"
    with pytest.raises(NotFound):
        sealing.seal_petition(core, custodian, petition + 99, "JV-596 1", "wic786")
    assert sealing.seal_petition(core, custodian, petition, "JV-596 1", "pc236.14").sealed
    with pytest.raises(RuleRefused, match="already sealed"):
        sealing.seal_petition(core, custodian, petition, "JV-596 1", "wic781")
    with pytest.raises(ValidationError, match="state"):
        sealing.unseal_petition(core, custodian, petition, "X 1", "court_order", state="sealed")
    with core.read() as session:
        actions = [
            (e.action, e.outcome, e.detail)
            for e in session.execute(
                select(AuditEvent).where(AuditEvent.record_kind == "petition")
            ).scalars()
        ]
    assert actions == [
        ("sealed.seal", "denied", None),
        ("sealed.seal", "denied", None),
        ("sealed.seal", "ok", "basis pc236.14"),
    ]


def test_every_sealing_basis_leads_to_a_sealed_state() -> None:
    assert set(sealing_rules.SEALING_BASES.values()) == set(SEALED_STATES)
