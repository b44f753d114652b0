"""Adversarial review of the access rules, both backends: what a partner (DA, defender, advocate)
and an ordinary staff member may still reach once sealing hides a youth, and that every write
path refuses a partner (audited) before it touches anything.

Each test builds the case by hand (sealed petition, a case with no petition yet, a Girls Court
referral naming no case, an MDT meeting, a protocol step) and checks the service answers as
sealing says: a youth whose every petition is sealed, and everything about her, is gone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from girlscourt.db.models import (
    ChecklistStep,
    ContactRestriction,
    CourtCase,
    Hearing,
    MdtMeeting,
    Petition,
    Referral,
    Youth,
)
from girlscourt.domain.hearing_rules import HearingInput, OutcomeInput
from girlscourt.domain.permissions import PARTNER_ROLES, Role
from girlscourt.errors import NotFound, PermissionDenied, ValidationError
from girlscourt.readmodels import csec_report
from girlscourt.services.court import (
    assignments,
    cases,
    departments,
    docket_printing,
    dockets,
    hearings,
)
from girlscourt.services.intake import protocol_checklist
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.overview import record_view
from girlscourt.services.referrals import (
    agencies,
    consents,
    partner_access,
    partnership,
    referral_records,
    referrals,
)
from girlscourt.services.referrals.partnership import (
    AttendeeInput,
    MdtMeetingInput,
    SafetyPlanItemInput,
)
from girlscourt.services.registry import youths
from girlscourt.services.reports import csec_metrics, report_export
from girlscourt.services.restrictions import desk_check, restrictions
from girlscourt.services.security import sealing
from tests.partner_support import (
    denied_events,
    record_screening,
    seal_youth,
    sign_in_as,
    youth_input,
)

LA = ZoneInfo("America/Los_Angeles")
COMPLETED = dt.date(2026, 11, 20)  # she satisfactorily completed probation (WIC 786)
START = dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC)  # Monday 30 November 2026, 09:00 in LA
HEARING_DAY = dt.date(2026, 12, 2)  # a Wednesday, a court day


@pytest.fixture
def clock(core: Core) -> Iterator[list[dt.datetime]]:
    """``clock[0]`` is the services' time; tests move it."""
    now = [START]
    core.clock = lambda: now[0]
    yield now


@pytest.fixture
def clerk(core: Core, admin: Actor, clock: list[dt.datetime]) -> Actor:
    return sign_in_as(core, admin, Role.COURT_CLERK, "clerk")


@pytest.fixture
def supervisor(core: Core, admin: Actor, clock: list[dt.datetime]) -> Actor:
    return sign_in_as(core, admin, Role.SUPERVISOR, "sup")


@pytest.fixture
def custodian(core: Core, admin: Actor, clock: list[dt.datetime]) -> Actor:
    return sign_in_as(core, admin, Role.CUSTODIAN)


@dataclass(frozen=True)
class Girl:
    """A youth with two cases: one whose only petition can be sealed, one with no petition yet
    (a hearing on it names no petition), and a Girls Court referral that names no case."""

    youth_id: int
    petition_id: int
    petitioned: cases.CaseRecord
    empty: cases.CaseRecord
    hearing_id: int
    assignment_id: int


def girl_in_court(core: Core, admin: Actor, officer: Actor, clerk: Actor, last: str) -> Girl:
    youth_id = youths.register_youth(core, officer, youth_input(last, "Noor")).id
    found = departments.list_departments(core, clerk)
    department = (
        found[0]
        if found
        else departments.add_department(
            core, admin, departments.DepartmentInput("JD1", "Juvenile Delinquency 1", "Courtroom 1")
        )
    )
    petitioned = cases.open_case(
        core,
        clerk,
        cases.CaseInput(
            youth_id,
            f"JV-26-{youth_id:04d}1",
            (cases.PetitionInput(f"JV-26-{youth_id:04d}1-A", dt.date(2026, 10, 30)),),
        ),
    )
    empty = cases.open_case(core, clerk, cases.CaseInput(youth_id, f"JV-26-{youth_id:04d}2"))
    scheduled = hearings.schedule_hearing(
        core,
        clerk,
        HearingInput(
            case_id=empty.id,
            hearing_type="PTC",
            scheduled_at=dt.datetime.combine(HEARING_DAY, dt.time(9, 0), LA),
            department_id=department.id,
            custody_status="OUT",
            open_to_public=True,
        ),
        acknowledge_warnings=True,
    )
    assert scheduled.saved and scheduled.hearing is not None
    referred = assignments.refer_to_girls_court(
        core, clerk, assignments.ReferralInput(youth_id, "Identified at intake; eligible")
    )
    assert referred.case_id is None
    return Girl(
        youth_id,
        petitioned.petitions[0].id,
        petitioned,
        empty,
        scheduled.hearing.id,
        referred.id,
    )


def seal(core: Core, custodian: Actor, girl: Girl) -> None:
    """Seal her only petition: every petition she has is sealed, so she is hidden."""
    assert sealing.seal_petition(
        core, custodian, girl.petition_id, "JV-596 2026-0042", "wic786", completed_on=COMPLETED
    ).sealed
    with core.read() as session:
        assert sealing.youth_is_sealed(session, girl.youth_id)


# --- a partner whose youth is sealed after the assignment ------------------------------------------


@pytest.mark.parametrize("role", sorted(PARTNER_ROLES))
def test_a_partner_loses_every_court_record_of_a_youth_sealed_after_her_assignment(
    core: Core,
    admin: Actor,
    officer: Actor,
    clerk: Actor,
    supervisor: Actor,
    custodian: Actor,
    role: Role,
) -> None:
    girl = girl_in_court(core, admin, officer, clerk, "Quill")
    partner = sign_in_as(core, admin, role, "counsel")
    partner_access.assign_partner(core, supervisor, "counsel", girl.youth_id, "mdt_member")

    # before sealing, all of it is hers to read (the assignment is still in force after it)
    assert {c.id for c in cases.cases_of_youth(core, partner, girl.youth_id)} == {
        girl.petitioned.id,
        girl.empty.id,
    }
    assert [a.id for a in assignments.assignments_of_youth(core, partner, girl.youth_id)] == [
        girl.assignment_id
    ]
    assert len(assignments.assignment_history(core, partner, girl.assignment_id)) == 1
    assert [h.id for h in hearings.hearings_of_case(core, partner, girl.empty.id)] == [
        girl.hearing_id
    ]
    assert cases.get_case(core, partner, girl.empty.id).id == girl.empty.id

    seal(core, custodian, girl)

    assert cases.cases_of_youth(core, partner, girl.youth_id) == ()
    assert assignments.assignments_of_youth(core, partner, girl.youth_id) == ()
    for call in (
        lambda: assignments.assignment_history(core, partner, girl.assignment_id),
        lambda: cases.get_case(core, partner, girl.empty.id),
        lambda: cases.find_case(core, partner, girl.empty.case_number),
        lambda: hearings.hearings_of_case(core, partner, girl.empty.id),
        lambda: protocol_checklist.checklist_for_youth(core, partner, girl.youth_id),
        lambda: record_view.youth_document(core, partner, girl.youth_id),
    ):
        with pytest.raises(NotFound):
            call()
    # each refusal is audited as sealed (no names); she is still assigned, so none says so
    assert [(a, k, r) for a, k, r, d in denied_events(core, partner) if d == "sealed"] == [
        ("girls_court.view", "gc_assignment", girl.assignment_id),
        ("case.view", "court_case", girl.empty.id),
        ("case.view", "court_case", girl.empty.id),
        ("hearing.list", "court_case", girl.empty.id),
        ("checklist.view", "youth", girl.youth_id),
        ("youth.view", "youth", girl.youth_id),
    ]
    assert all(d == "sealed" for *_, d in denied_events(core, partner))

    # the custodian still sees all of it
    assert {c.id for c in cases.cases_of_youth(core, custodian, girl.youth_id)} == {
        girl.petitioned.id,
        girl.empty.id,
    }
    assert len(assignments.assignments_of_youth(core, custodian, girl.youth_id)) == 1


# --- staff lists: the Girls Court roster, the docket, its printed copies -----------------------------


def test_a_sealed_youth_leaves_the_roster_the_docket_and_its_printed_copies(
    core: Core,
    admin: Actor,
    officer: Actor,
    clerk: Actor,
    custodian: Actor,
) -> None:
    hidden = girl_in_court(core, admin, officer, clerk, "Quill")
    shown = girl_in_court(core, admin, officer, clerk, "Rasmussen")

    def roster() -> list[int]:
        return [r.youth_id for r in assignments.girls_court_roster(core, clerk)]

    def docket() -> list[int]:
        return [r.hearing_id for r in dockets.docket(core, clerk, HEARING_DAY).rows]

    assert sorted(roster()) == sorted([hidden.youth_id, shown.youth_id])
    assert sorted(docket()) == sorted([hidden.hearing_id, shown.hearing_id])
    seal(core, custodian, hidden)

    assert roster() == [shown.youth_id]
    assert docket() == [shown.hearing_id]
    assert [
        r.hearing_id for r in dockets.docket(core, clerk, HEARING_DAY, full_names=True).rows
    ] == [shown.hearing_id]
    assert len(dockets.public_calendar(core, clerk, HEARING_DAY).rows) == 1  # both were open
    assert docket_printing.print_docket(core, clerk, HEARING_DAY).rows == 1
    assert docket_printing.print_docket(core, clerk, HEARING_DAY, variant="public").rows == 1
    with pytest.raises(NotFound):
        hearings.get_hearing(core, clerk, hidden.hearing_id)
    with pytest.raises(NotFound):
        cases.get_case(core, clerk, hidden.empty.id)
    assert cases.cases_of_youth(core, clerk, hidden.youth_id) == ()
    assert assignments.assignments_of_youth(core, clerk, hidden.youth_id) == ()
    assert cases.get_case(core, clerk, shown.empty.id).id == shown.empty.id

    # what hangs on her cannot be reached by id for a write either (the refusal is audited)
    assignment = hidden.assignment_id
    for call in (
        lambda: assignments.accept_assignment(
            core, clerk, assignment, 1, HEARING_DAY - dt.timedelta(1)
        ),
        lambda: assignments.update_team(
            core, clerk, assignment, 1, assignments.Team(advocate="R. Okafor")
        ),
        lambda: assignments.change_status(core, clerk, assignment, 1, "exited", "Moved away"),
        lambda: cases.add_petition(
            core, clerk, hidden.empty.id, cases.PetitionInput("JV-X", dt.date(2026, 11, 2))
        ),
    ):
        with pytest.raises(NotFound):
            call()
    with pytest.raises(ValidationError, match="youth_id"):
        assignments.refer_to_girls_court(
            core, clerk, assignments.ReferralInput(hidden.youth_id, "Again")
        )
    assert ("girls_court.accept", "gc_assignment", assignment, "sealed") in denied_events(
        core, clerk
    )
    with core.read() as session:
        assert session.execute(select(func.count(Petition.id))).scalar_one() == 2


def test_record_hearings_on_a_case_sealed_whole_stay_hidden_though_she_is_not(
    core: Core, admin: Actor, officer: Actor, clerk: Actor, custodian: Actor
) -> None:
    girl = girl_in_court(core, admin, officer, clerk, "Quill")
    # a hearing on the petitioned case that names no petition; then a new matter on another case
    with core.write() as session:
        hearing = session.get(Hearing, girl.hearing_id)
        assert hearing is not None
        hearing.case_id = girl.petitioned.id
    cases.add_petition(
        core, clerk, girl.empty.id, cases.PetitionInput("JV-NEW-A", dt.date(2026, 11, 2))
    )
    sealing.seal_petition(
        core, custodian, girl.petition_id, "JV-596 1", "wic786", completed_on=COMPLETED
    )
    with core.read() as session:
        assert not sealing.youth_is_sealed(session, girl.youth_id)  # the new matter is open

    document = record_view.youth_document(core, officer, girl.youth_id)
    assert document["hearings"] == []  # the only hearing hangs on the case sealed whole
    assert [c.id for c in cases.cases_of_youth(core, officer, girl.youth_id)] == [girl.empty.id]
    with pytest.raises(NotFound):
        hearings.hearings_of_case(core, officer, girl.petitioned.id)
    kept = record_view.youth_document(core, custodian, girl.youth_id)
    assert [h["id"] for h in kept["hearings"]] == [girl.hearing_id]


# --- MDT meetings and safety plans ------------------------------------------------------------------


def _meeting(core: Core, youth_id: int) -> MdtMeetingInput:
    held = core.now() - dt.timedelta(days=2)
    day = held.astimezone(core.settings.timezone).date()
    return MdtMeetingInput(
        youth_id,
        held,
        (AttendeeInput("Rae Okafor", "CSEC advocate", None, day - dt.timedelta(days=30)),),
        items=(SafetyPlanItemInput("Weekly check-in", "CSEC advocate", day + dt.timedelta(7)),),
    )


def test_mdt_meetings_of_a_sealed_youth_vanish_for_everyone_but_the_custodian(
    core: Core, officer: Actor, supervisor: Actor, custodian: Actor
) -> None:
    hidden = youths.register_youth(core, officer, youth_input("Quill")).id
    shown = youths.register_youth(core, officer, youth_input("Rasmussen")).id
    hers = partnership.record_mdt_meeting(core, supervisor, _meeting(core, hidden))
    other = partnership.record_mdt_meeting(core, supervisor, _meeting(core, shown))
    assert {m.id for m in partnership.list_mdt_meetings(core, supervisor)} == {hers.id, other.id}
    seal_youth(core, custodian, hidden)

    assert [m.id for m in partnership.list_mdt_meetings(core, supervisor)] == [other.id]
    assert partnership.list_mdt_meetings(core, supervisor, youth_id=hidden) == ()
    today = core.today()
    item = hers.items[0]
    for call in (
        lambda: partnership.get_mdt_meeting(core, supervisor, hers.id),
        lambda: partnership.add_safety_plan_item(
            core, supervisor, hers.id, SafetyPlanItemInput("Court date", "PO", today)
        ),
        lambda: partnership.complete_safety_plan_item(
            core, supervisor, item.id, item.version, today
        ),
        lambda: partnership.record_mdt_meeting(core, supervisor, _meeting(core, hidden)),
        lambda: partner_access.assignments_of_youth(core, supervisor, hidden),
    ):
        with pytest.raises(NotFound):
            call()
    assert [(a, d) for a, _, _, d in denied_events(core, supervisor)] == [
        ("mdt.view", "sealed"),
        ("mdt.item_add", "sealed"),
        ("mdt.item_done", "sealed"),
        ("mdt.record", "sealed"),
        ("partner.list", "sealed"),
    ]
    with core.read() as session:
        assert session.execute(select(func.count(MdtMeeting.id))).scalar_one() == 2
    assert partnership.get_mdt_meeting(core, supervisor, other.id).youth_id == shown


# --- protocol steps and referrals: no write reaches a sealed youth ----------------------------------


def test_protocol_steps_and_referrals_of_a_sealed_youth_are_not_reached_by_id(
    core: Core, admin: Actor, officer: Actor, custodian: Actor, clock: list[dt.datetime]
) -> None:
    youth_id = youths.register_youth(core, officer, youth_input("Quill")).id
    record_screening(core, admin, officer, youth_id)
    advocacy = agencies.create_agency(
        core,
        admin,
        agencies.AgencyInput(name="Harborlight Youth Advocacy", kind="crisis_advocacy"),
        (agencies.RepresentativeInput(name="Rae Okafor", csec_point_person=True),),
    )
    data = referral_records.ReferralInput(
        youth_id=youth_id,
        referral_type="csec_advocacy",
        agency_id=advocacy.id,
        urgency="24_hours",
        reason_codes=("csec_identified",),
    )
    referral = referrals.create_referral(core, officer, data)
    with core.read() as session:
        step = session.execute(
            select(ChecklistStep).where(ChecklistStep.youth_id == youth_id).limit(1)
        ).scalar_one()
    seal_youth(core, custodian, youth_id)

    for call in (
        lambda: protocol_checklist.complete_step(core, officer, step.id, step.version, "Called"),
        lambda: protocol_checklist.checklist_for_youth(core, officer, youth_id),
        lambda: referrals.update_referral(core, officer, referral.id, referral.version, data),
        lambda: referrals.transition_referral(core, officer, referral.id, "closed", reason="other"),
        lambda: referrals.record_lawful_exception(
            core, officer, referral.id, "medical_emergency", "An emergency at intake"
        ),
    ):
        with pytest.raises(NotFound):
            call()
    with pytest.raises(ValidationError, match="youth_id: there is no youth"):
        referrals.create_referral(core, officer, data)
    consent = referral_records.ConsentInput(
        youth_id=youth_id,
        signer_role="youth",
        signer_name="Noor Quill",
        legal_basis="YOUTH_AUTHORIZATION",
        scope=("csec_advocacy",),
        recipient_agency_id=advocacy.id,
        purpose="Advocacy after intake",
        information="Name and date of birth",
        signed_on=core.today(),
        expires_on=core.today() + dt.timedelta(days=90),
        maturity_attested=True,
    )
    with pytest.raises(ValidationError, match="youth_id: there is no youth"):
        consents.create_consent(core, officer, consent)
    assert [(a, k, d) for a, k, _, d in denied_events(core, officer)] == [
        ("checklist.done", "checklist_step", "sealed"),
        ("checklist.view", "youth", "sealed"),
        ("referral.edit", "referral", "sealed"),
        ("referral.transition", "referral", "sealed"),
        ("referral.exception", "referral", "sealed"),
        ("referral.create", "youth", "sealed"),  # writes naming her are refused, audited
        ("consent.create", "youth", "sealed"),
    ]
    with core.read() as session:
        saved = session.get(ChecklistStep, step.id)
        assert saved is not None and saved.done_at is None
        assert session.execute(select(func.count(Referral.id))).scalar_one() == 1
        unchanged = session.get(Referral, referral.id)
        assert unchanged is not None and unchanged.version == referral.version


# --- every write path refuses a partner, audited, before touching anything ------------------------


@pytest.mark.parametrize("role", sorted(PARTNER_ROLES))
def test_every_write_print_and_report_path_refuses_a_partner(
    core: Core,
    admin: Actor,
    officer: Actor,
    clerk: Actor,
    supervisor: Actor,
    role: Role,
) -> None:
    girl = girl_in_court(core, admin, officer, clerk, "Quill")
    record_screening(core, admin, officer, girl.youth_id)
    partner = sign_in_as(core, admin, role, "counsel")
    partner_access.assign_partner(core, supervisor, "counsel", girl.youth_id, "mdt_member")
    with core.read() as session:
        step = session.execute(select(ChecklistStep).limit(1)).scalar_one()

    def counts() -> tuple[int, ...]:
        with core.read() as session:
            return tuple(
                int(session.execute(select(func.count()).select_from(t)).scalar_one())
                for t in (Youth, CourtCase, Petition, Hearing, Referral, ContactRestriction)
            )

    before = counts()
    youth = girl.youth_id
    period = csec_report.make_period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    calls: list[Callable[[], object]] = [
        lambda: youths.register_youth(core, partner, youth_input("Birch")),
        lambda: youths.update_youth(core, partner, youth, 1, youth_input()),
        lambda: cases.open_case(core, partner, cases.CaseInput(youth, "JV-P")),
        lambda: cases.add_petition(
            core, partner, girl.empty.id, cases.PetitionInput("JV-P-A", dt.date(2026, 11, 2))
        ),
        lambda: assignments.refer_to_girls_court(
            core, partner, assignments.ReferralInput(youth, "x")
        ),
        lambda: assignments.change_status(core, partner, girl.assignment_id, 1, "exited", "x"),
        lambda: hearings.record_outcome(core, partner, girl.hearing_id, 1, OutcomeInput("held")),
        lambda: dockets.docket(core, partner, HEARING_DAY),
        lambda: assignments.girls_court_roster(core, partner),
        lambda: docket_printing.print_docket(core, partner, HEARING_DAY),
        lambda: protocol_checklist.complete_step(core, partner, step.id, step.version),
        lambda: restrictions.list_restrictions(core, partner, youth),
        lambda: desk_check.check_contact(core, partner, name="Someone", youth_id=youth),
        lambda: partnership.list_mdt_meetings(core, partner, youth_id=youth),
        lambda: partnership.record_mdt_meeting(core, partner, _meeting(core, youth)),
        lambda: partner_access.assign_partner(core, partner, "counsel", youth, "mdt_member"),
        lambda: sealing.seal_petition(core, partner, girl.petition_id, "JV-596 1", "wic781"),
        lambda: csec_metrics.csec_report(core, partner, period),
        lambda: report_export.export_csec_report(core, partner, period, "csv"),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert len(denied_events(core, partner)) == len(calls)
    assert counts() == before
