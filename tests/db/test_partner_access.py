"""Read-only partners (DA, public defender, advocate) see exactly the youth assigned to them,
lose them when the assignment ends, and are refused (audited) everything else; both backends."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from girlscourt.db.models import AuditEvent, CustodyEpisode, PartnerAssignment
from girlscourt.domain.permissions import Role
from girlscourt.errors import (
    NotFound,
    PermissionDenied,
    RuleRefused,
    ValidationError,
)
from girlscourt.services.court import cases
from girlscourt.services.intake import custody_board, protocol_checklist, screening_detail
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.overview import record_view
from girlscourt.services.referrals import agencies, consents, partner_access, referrals
from girlscourt.services.referrals.agencies import AgencyInput, RepresentativeInput
from girlscourt.services.referrals.referral_records import ConsentInput, ReferralInput
from girlscourt.services.registry import youths
from girlscourt.services.restrictions import restrictions
from girlscourt.services.security import accounts
from tests.partner_support import (
    PASSWORD,
    add_petition,
    record_screening,
    seal_youth,
    sign_in_as,
    youth_input,
)

START = dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock(core: Core) -> Iterator[list[dt.datetime]]:
    """``clock[0]`` is the services' time; tests move it."""
    now = [START]
    core.clock = lambda: now[0]
    yield now


@pytest.fixture
def supervisor(core: Core, admin: Actor) -> Actor:
    return sign_in_as(core, admin, Role.SUPERVISOR, "sup")


def refusals(core: Core, actor: Actor) -> list[tuple[str, str | None, int | None, str | None]]:
    with core.read() as session:
        rows = session.execute(
            select(
                AuditEvent.action, AuditEvent.record_kind, AuditEvent.record_id, AuditEvent.detail
            )
            .where(AuditEvent.actor_id == actor.user_id, AuditEvent.outcome == "denied")
            .order_by(AuditEvent.id)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def detain(core: Core, youth_id: int) -> None:
    with core.write() as session:
        session.add(
            CustodyEpisode(
                youth_id=youth_id,
                custody_start_at=core.now() - dt.timedelta(hours=5),
                housing_unit="B-East",
            )
        )


# --- search, browse, open -----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PROSECUTOR, Role.PUBLIC_DEFENDER])
def test_partner_sees_exactly_the_assigned_youth(
    core: Core,
    admin: Actor,
    officer: Actor,
    supervisor: Actor,
    clock: list[dt.datetime],
    role: Role,
) -> None:
    mine = youths.register_youth(core, officer, youth_input("Ashford", "Maya")).id
    other = youths.register_youth(core, officer, youth_input("Ashford", "Mia")).id
    third = youths.register_youth(core, officer, youth_input("Ashford", "Mara")).id
    screening_id = record_screening(core, admin, officer, mine)  # and a custody episode
    detain(core, other)
    add_petition(core, mine, "P-MINE")
    add_petition(core, other, "P-OTHER")
    partner = sign_in_as(core, admin, role, "counsel")
    assert partner.partner

    # nothing before an assignment
    assert youths.find_youths(core, partner, "ashford").rows == ()
    assert youths.count_youths(core, partner) == 0
    made = partner_access.assign_partner(core, supervisor, "counsel", mine, "counsel_for_minor")
    assert made.active and made.youth_initials == "M.A." and made.assigned_by == supervisor.user_id

    assert [r.id for r in youths.find_youths(core, partner, "ashford").rows] == [mine]
    assert [r.id for r in youths.list_youths(core, partner, 0, 50)] == [mine]
    assert youths.count_youths(core, partner) == 1
    assert [r.id for r in youths.possible_duplicates(core, partner, youth_input())] == [mine]
    assert youths.count_youths(core, officer) == 3  # staff are not scoped
    assert [r.youth_id for r in custody_board.in_custody_board(core, partner)] == [mine]
    assert {r.youth_id for r in custody_board.in_custody_board(core, officer)} == {mine, other}
    assert youths.get_youth(core, partner, mine).id == mine

    # the record: court side only, no exploitation, health or restriction sections
    document = record_view.youth_document(core, partner, mine)
    assert document["id"] == mine and document["episodes"]
    assert document["withheld_sections"] == ["screenings", "referrals", "restrictions", "checklist"]
    assert not {"screenings", "referrals", "restrictions", "checklist"} & set(document)
    text = json.dumps(document)
    assert "result_level" not in text and "crisis_advocate" not in text
    assert "withheld_sections" not in record_view.youth_document(core, officer, mine)
    hers = cases.cases_of_youth(core, partner, mine)
    assert [p.petition_number for p in hers[0].petitions] == ["P-MINE"]
    assert cases.get_case(core, partner, hers[0].id).youth_id == mine
    assert cases.find_case(core, partner, hers[0].case_number).id == hers[0].id

    # everything else is refused and audited, whether it exists or not
    other_case = cases.cases_of_youth(core, officer, other)[0]
    for call in (
        lambda: youths.get_youth(core, partner, other),
        lambda: youths.get_youth(core, partner, third),
        lambda: youths.get_youth(core, partner, 999_999),
        lambda: record_view.youth_document(core, partner, other),
        lambda: cases.cases_of_youth(core, partner, other),
        lambda: cases.get_case(core, partner, other_case.id),
        lambda: cases.find_case(core, partner, other_case.case_number),
        lambda: cases.find_case(core, partner, "JV-NO-SUCH"),
    ):
        with pytest.raises(PermissionDenied, match="not part of a youth's case you are assigned"):
            call()
    refused = refusals(core, partner)
    assert refused[:3] == [
        ("youth.view", "youth", other, "not assigned"),
        ("youth.view", "youth", third, "not assigned"),
        ("youth.view", "youth", 999_999, "not assigned"),
    ]
    assert ("youth.view", "court_case", other_case.id, "not assigned") in refused
    assert len(refused) == 8

    # never the detail of a screening, never a write, never restrictions or referrals
    with pytest.raises(PermissionDenied):
        screening_detail.screening_detail(core, partner, screening_id)
    with pytest.raises(PermissionDenied):
        youths.update_youth(core, partner, mine, 1, youth_input())
    with pytest.raises(PermissionDenied):
        restrictions.list_restrictions(core, partner, mine)
    with pytest.raises(PermissionDenied):
        referrals.list_referrals(core, partner, mine)


def test_an_ended_assignment_ends_access_at_once(
    core: Core, admin: Actor, officer: Actor, supervisor: Actor, clock: list[dt.datetime]
) -> None:
    mine = youths.register_youth(core, officer, youth_input()).id
    partner = sign_in_as(core, admin, Role.PROSECUTOR, "da.rivera")
    made = partner_access.assign_partner(core, admin, "DA.Rivera", mine, "prosecutor_of_record")
    clock[0] = START + dt.timedelta(days=20)
    assert youths.get_youth(core, partner, mine).id == mine

    ended = partner_access.end_partner_assignment(core, supervisor, partner.user_id, mine)
    assert ended.id == made.id and ended.ended_at == clock[0] and not ended.active
    assert ended.version == made.version + 1
    assert youths.find_youths(core, partner, "ashford").rows == ()  # the same signed-in session
    assert youths.list_youths(core, partner, 0, 10) == ()
    with pytest.raises(PermissionDenied):
        youths.get_youth(core, partner, mine)
    with pytest.raises(NotFound, match="no open assignment"):
        partner_access.end_partner_assignment(core, supervisor, partner.user_id, mine)

    # the history stays; a new assignment gives access back
    clock[0] = START + dt.timedelta(days=21)
    again = partner_access.assign_partner(core, admin, partner.user_id, mine, "court_order_jv570")
    history = partner_access.list_partner_assignments(core, supervisor, "da.rivera")
    assert [(h.id, h.active) for h in history] == [(again.id, True), (made.id, False)]
    current = partner_access.list_partner_assignments(
        core, partner, "da.rivera", include_ended=False
    )
    assert [h.id for h in current] == [again.id]  # a partner may list her own
    assert youths.get_youth(core, partner, mine).id == mine
    with core.read() as session:
        events = session.execute(
            select(AuditEvent.action, AuditEvent.record_kind, AuditEvent.record_id)
            .where(AuditEvent.action.in_(["partner.assign", "partner.end"]))
            .order_by(AuditEvent.id)
        ).all()
        rows = session.execute(select(PartnerAssignment)).scalars().all()
    assert [tuple(e) for e in events] == [
        ("partner.assign", "youth", mine),
        ("partner.end", "youth", mine),
        ("partner.assign", "youth", mine),
    ]
    assert len(rows) == 2  # ending never deletes


def test_assigning_is_for_supervisors_and_checks_its_input(
    core: Core, admin: Actor, officer: Actor, supervisor: Actor, clock: list[dt.datetime]
) -> None:
    mine = youths.register_youth(core, officer, youth_input()).id
    sealed = youths.register_youth(core, officer, youth_input("Birch")).id
    custodian = sign_in_as(core, admin, Role.CUSTODIAN)
    seal_youth(core, custodian, sealed)
    advocate = sign_in_as(core, admin, Role.ADVOCATE, "rae")

    with pytest.raises(PermissionDenied):
        partner_access.assign_partner(core, officer, "rae", mine, "mdt_member")
    with pytest.raises(PermissionDenied):
        partner_access.assign_partner(core, advocate, "rae", mine, "mdt_member")
    with pytest.raises(PermissionDenied):
        partner_access.list_partner_assignments(core, advocate, "sup")
    with pytest.raises(ValidationError) as bad_reason:
        partner_access.assign_partner(core, supervisor, "rae", mine, "curiosity")
    assert bad_reason.value.field == "reason"
    with pytest.raises(ValidationError, match="user: officer is a intake_officer account"):
        partner_access.assign_partner(core, supervisor, "officer", mine, "mdt_member")
    with pytest.raises(ValidationError, match="user: 'nobody': no such user"):
        partner_access.assign_partner(core, supervisor, "nobody", mine, "mdt_member")
    with pytest.raises(ValidationError, match="youth_id: no youth has the id"):
        partner_access.assign_partner(core, supervisor, "rae", sealed, "mdt_member")
    with pytest.raises(ValidationError, match="youth_id: no youth has the id"):
        partner_access.assign_partner(core, supervisor, "rae", 999_999, "mdt_member")
    partner_access.assign_partner(core, supervisor, "rae", mine, " MDT_member ")
    with pytest.raises(RuleRefused, match="already assigned"):
        partner_access.assign_partner(core, supervisor, "rae", mine, "mdt_member")
    with core.read() as session:
        assert len(session.execute(select(PartnerAssignment)).scalars().all()) == 1


def test_a_sealed_youth_stays_hidden_from_her_assigned_partner(
    core: Core, admin: Actor, officer: Actor, supervisor: Actor, clock: list[dt.datetime]
) -> None:
    mine = youths.register_youth(core, officer, youth_input()).id
    partner = sign_in_as(core, admin, Role.PUBLIC_DEFENDER, "pd.okafor")
    partner_access.assign_partner(core, supervisor, "pd.okafor", mine, "counsel_for_minor")
    seal_youth(core, sign_in_as(core, admin, Role.CUSTODIAN), mine)
    assert youths.find_youths(core, partner, "ashford").rows == ()
    with pytest.raises(NotFound):
        youths.get_youth(core, partner, mine)
    assert partner_access.list_partner_assignments(core, supervisor, "pd.okafor") == ()


# --- the advocate: advocacy referrals, never health ones -----------------------------------------


@pytest.fixture
def agencies_pair(core: Core, admin: Actor) -> tuple[int, int]:
    clinic = agencies.create_agency(
        core,
        admin,
        AgencyInput(name="Mariposa Bridge Counseling", kind="mental_health"),
        (RepresentativeInput(name="Dana Whitfield", csec_point_person=True),),
    )
    advocacy = agencies.create_agency(
        core,
        admin,
        AgencyInput(name="Harborlight Youth Advocacy", kind="crisis_advocacy"),
        (RepresentativeInput(name="Rae Okafor", csec_point_person=True),),
    )
    return clinic.id, advocacy.id


def _referral(youth: int, agency: int, kind: str) -> ReferralInput:
    reasons = {"mental_health": ("trauma_symptoms",), "csec_advocacy": ("csec_identified",)}
    return ReferralInput(
        youth_id=youth, referral_type=kind, agency_id=agency, urgency="24_hours",
        reason_codes=reasons[kind],
    )  # fmt: skip


def _consent(core: Core, youth: int, agency: int, scope: str) -> ConsentInput:
    health = scope == "outpatient_mental_health"
    return ConsentInput(
        youth_id=youth,
        signer_role="youth",
        signer_name="Maya Ashford",
        legal_basis="FC6924" if health else "YOUTH_AUTHORIZATION",
        scope=(scope,),
        recipient_agency_id=agency,
        purpose="Services after intake",
        information="Name, date of birth, reason for referral",
        signed_on=core.today(),
        expires_on=core.today() + dt.timedelta(days=90),
        maturity_attested=True,
    )


def test_the_advocate_reads_advocacy_referrals_of_her_youth_only(
    core: Core,
    admin: Actor,
    officer: Actor,
    supervisor: Actor,
    clock: list[dt.datetime],
    agencies_pair: tuple[int, int],
) -> None:
    clinic, advocacy = agencies_pair
    mine = youths.register_youth(core, officer, youth_input()).id
    other = youths.register_youth(core, officer, youth_input("Birch")).id
    record_screening(core, admin, officer, mine)
    health = referrals.create_referral(core, officer, _referral(mine, clinic, "mental_health"))
    advocacy_ref = referrals.create_referral(
        core, officer, _referral(mine, advocacy, "csec_advocacy")
    )
    others_ref = referrals.create_referral(
        core, officer, _referral(other, advocacy, "csec_advocacy")
    )
    health_consent = consents.create_consent(
        core, officer, _consent(core, mine, clinic, "outpatient_mental_health")
    )
    advocacy_consent = consents.create_consent(
        core, officer, _consent(core, mine, advocacy, "csec_advocacy")
    )
    advocate = sign_in_as(core, admin, Role.ADVOCATE, "rae")
    partner_access.assign_partner(core, supervisor, "rae", mine, "advocacy_services")

    assert [r.id for r in referrals.list_referrals(core, advocate, mine)] == [advocacy_ref.id]
    assert {r.id for r in referrals.list_referrals(core, officer, mine)} == {
        health.id,
        advocacy_ref.id,
    }
    assert referrals.get_referral(core, advocate, advocacy_ref.id).referral_type == "csec_advocacy"
    assert [c.id for c in consents.list_consents(core, advocate, mine)] == [advocacy_consent.id]
    assert consents.get_consent(core, advocate, advocacy_consent.id).id == advocacy_consent.id
    clock[0] = START + dt.timedelta(days=2)  # every referral is past its 24-hour due-by
    assert [r.id for r in referrals.overdue_referrals(core, advocate)] == [advocacy_ref.id]
    assert {r.id for r in referrals.overdue_referrals(core, officer)} == {
        health.id,
        advocacy_ref.id,
        others_ref.id,
    }

    document = record_view.youth_document(core, advocate, mine)
    assert [r["id"] for r in document["referrals"]] == [advocacy_ref.id]
    assert document["screenings"][0]["result_level"] and document["checklist"]
    assert document["withheld_sections"] == ["restrictions"]
    health_steps = {"medical_referral", "mental_health_referral"}
    assert not {c["step"] for c in document["checklist"]} & health_steps
    staff_view = record_view.youth_document(core, officer, mine)
    assert {c["step"] for c in staff_view["checklist"]} >= health_steps
    assert "responses" not in json.dumps(document)

    with pytest.raises(PermissionDenied, match=r"referral\.view_health"):
        referrals.get_referral(core, advocate, health.id)
    with pytest.raises(PermissionDenied, match=r"referral\.view_health"):
        consents.get_consent(core, advocate, health_consent.id)
    with pytest.raises(PermissionDenied, match="not part of"):
        referrals.get_referral(core, advocate, others_ref.id)
    with pytest.raises(PermissionDenied, match="not part of"):
        referrals.list_referrals(core, advocate, other)
    with pytest.raises(PermissionDenied):
        restrictions.list_restrictions(core, advocate, mine)
    refused = refusals(core, advocate)
    assert refused == [
        ("referral.view", "referral", health.id, "health referral"),
        ("consent.view", "consent", health_consent.id, "health consent"),
        ("referral.view", "referral", others_ref.id, "not assigned"),
        ("referral.view", "youth", other, "not assigned"),
        ("restriction.view", "youth", mine, None),
    ]


def test_the_checklist_tells_the_csec_flag_only_to_those_who_may_know_it(
    core: Core, admin: Actor, officer: Actor, supervisor: Actor, clock: list[dt.datetime]
) -> None:
    youth_id = youths.register_youth(core, officer, youth_input()).id
    record_screening(core, admin, officer, youth_id)  # a concern: the protocol's steps start
    staff_steps = {
        e.step.step for e in protocol_checklist.checklist_for_youth(core, officer, youth_id).steps
    }
    assert {"medical_referral", "mental_health_referral", "crisis_advocate"} <= staff_steps
    for role, name in ((Role.PROSECUTOR, "da"), (Role.ADVOCATE, "adv")):
        sign_in_as(core, admin, role, name)
        partner_access.assign_partner(core, supervisor, name, youth_id, "counsel_for_minor")
    da = accounts.authenticate(core, "da", PASSWORD)
    advocate = accounts.authenticate(core, "adv", PASSWORD)

    for_da = protocol_checklist.checklist_for_youth(core, da, youth_id)
    assert for_da.steps == () and for_da.episodes  # court deadlines, no CSEC steps
    assert "checklist" not in record_view.youth_document(core, da, youth_id)
    seen = {
        e.step.step for e in protocol_checklist.checklist_for_youth(core, advocate, youth_id).steps
    }
    assert seen == staff_steps - {"medical_referral", "mental_health_referral"}
    steps = record_view.youth_document(core, advocate, youth_id)["checklist"]
    assert {s["step"] for s in steps} == seen
