"""Sealing on the court's order: the custodian's seal (WIC 786 needs satisfactory completion)
and a held sealing (SEAL) hearing, which seals its petition in the outcome's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from girlscourt.db.models import AuditEvent, Hearing, Petition
from girlscourt.domain.hearing_rules import HearingInput, OutcomeInput
from girlscourt.domain.permissions import Role
from girlscourt.errors import NotFound, RuleRefused, ValidationError
from girlscourt.services.court import assignments, cases, departments, hearing_records, hearings
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.registry import youths
from girlscourt.services.security import sealing
from tests.partner_support import sign_in_as, youth_input

LA = ZoneInfo("America/Los_Angeles")
NOW = dt.datetime(2026, 11, 23, 17, 0, tzinfo=dt.UTC)  # Monday 23 November 2026, 09:00 in LA
HEARING_AT = dt.datetime(2026, 11, 24, 9, 0, tzinfo=LA)  # Tuesday, a court day
FILED = dt.date(2026, 10, 30)


@dataclass(frozen=True)
class Desk:
    clock: list[dt.datetime]
    officer: Actor
    clerk: Actor
    custodian: Actor
    department_id: int
    youth_id: int
    case: cases.CaseRecord

    @property
    def petition_id(self) -> int:
        return self.case.petitions[0].id


@pytest.fixture
def desk(core: Core, admin: Actor, officer: Actor) -> Iterator[Desk]:
    now = [NOW]
    core.clock = lambda: now[0]
    clerk = sign_in_as(core, admin, Role.COURT_CLERK)
    custodian = sign_in_as(core, admin, Role.CUSTODIAN)
    jd1 = departments.add_department(
        core, admin, departments.DepartmentInput("JD1", "Juvenile Delinquency 1")
    )
    youth = youths.register_youth(core, officer, youth_input("Quill", "Noor")).id
    case = cases.open_case(
        core, clerk, cases.CaseInput(youth, "JV-26-00077", (cases.PetitionInput("A", FILED),))
    )
    yield Desk(now, officer, clerk, custodian, jd1.id, youth, case)


def petition_state(core: Core, petition_id: int) -> tuple[str, str | None]:
    with core.read() as session:
        row = session.get(Petition, petition_id)
        assert row is not None
        return row.sealing_state, row.seal_order_number


def seal_events(core: Core) -> list[tuple[int | None, int | None, str, str | None]]:
    with core.read() as session:
        rows = session.execute(
            select(AuditEvent.actor_id, AuditEvent.record_id, AuditEvent.outcome, AuditEvent.detail)
            .where(AuditEvent.action == "sealed.seal")
            .order_by(AuditEvent.id)
        ).all()
    return [(r[0], r[1], r[2], r[3]) for r in rows]


# --- the custodian's seal -----------------------------------------------------------------------


def test_wic786_seals_only_after_satisfactory_completion(core: Core, desk: Desk) -> None:
    seal = sealing.seal_petition
    custodian, petition = desk.custodian, desk.petition_id
    for given, words in (
        (None, "is required for WIC 786"),
        (dt.date(2026, 11, 24), "is in the future"),
        (dt.date(2026, 10, 1), "is before the petition was filed (2026-10-30)"),
    ):
        with pytest.raises(ValidationError) as refused:
            seal(core, custodian, petition, "JV-596 7", "786", completed_on=given)
        assert refused.value.field == "completed_on" and words in refused.value.detail
    with pytest.raises(ValidationError, match="completed_on: is only for a WIC 786 seal"):
        seal(core, custodian, petition, "JV-596 7", "781", completed_on=dt.date(2026, 11, 2))
    assert petition_state(core, petition) == ("open", None)  # nothing sealed by a refusal

    done = seal(core, custodian, petition, "JV-596 7", "786", completed_on=dt.date(2026, 11, 20))
    assert (done.sealing_state, done.basis, done.completed_on) == (
        "sealed_786",
        "wic786",
        dt.date(2026, 11, 20),
    )
    assert seal_events(core)[-1] == (
        custodian.user_id,
        petition,
        "ok",
        "basis wic786; completed 2026-11-20",
    )
    assert youths.find_youths(core, desk.officer, "Quill").rows == ()


def test_a_completed_girls_court_assignment_stands_for_the_completion(
    core: Core, desk: Desk
) -> None:
    referred = assignments.refer_to_girls_court(
        core, desk.clerk, assignments.ReferralInput(desk.youth_id, "Team agrees", desk.case.id)
    )
    accepted = assignments.accept_assignment(
        core, desk.clerk, referred.id, referred.version, dt.date(2026, 11, 23)
    )
    assignments.change_status(core, desk.clerk, accepted.id, accepted.version, "completed")

    done = sealing.seal_petition(core, desk.custodian, desk.petition_id, "JV-596 8", "wic786")
    assert done.sealed and done.completed_on == dt.date(2026, 11, 23)
    assert seal_events(core)[-1][3] == (
        f"basis wic786; completed 2026-11-23 (Girls Court assignment {referred.id})"
    )


def test_the_other_bases_need_no_completion(core: Core, desk: Desk) -> None:
    done = sealing.seal_petition(core, desk.custodian, desk.petition_id, "JV-596 9", "781")
    assert (done.sealing_state, done.basis, done.completed_on) == ("sealed_781", "wic781", None)
    assert seal_events(core)[-1][3] == "basis wic781"


# --- a held SEAL hearing ------------------------------------------------------------------------


def _seal_hearing(
    core: Core, desk: Desk, *, petition: bool = True
) -> hearing_records.HearingRecord:
    data = HearingInput(
        case_id=desk.case.id,
        petition_id=desk.petition_id if petition else None,
        hearing_type="SEAL",
        scheduled_at=HEARING_AT,
        department_id=desk.department_id,
        custody_status="OUT",
    )
    result = hearings.schedule_hearing(core, desk.clerk, data, acknowledge_warnings=True)
    assert result.saved and result.hearing is not None
    return result.hearing


def test_a_held_seal_hearing_seals_its_petition_with_the_outcome(core: Core, desk: Desk) -> None:
    with pytest.raises(ValidationError, match="petition_id: a sealing hearing must name"):
        _seal_hearing(core, desk, petition=False)
    hearing = _seal_hearing(core, desk)
    desk.clock[0] = dt.datetime(2026, 11, 24, 18, 30, tzinfo=dt.UTC)  # 10:30 that morning

    def held(**seal: str) -> hearing_records.OutcomeResult:
        data = OutcomeInput("held", **seal)  # type: ignore[arg-type]
        return hearings.record_outcome(core, desk.clerk, hearing.id, hearing.version, data)

    for seal, field in (
        ({}, "seal_basis"),
        ({"seal_basis": "786"}, "seal_order_number"),
        ({"seal_basis": "because", "seal_order_number": "JV-596 3"}, "seal_basis"),
        ({"seal_basis": "786", "seal_order_number": "<order>"}, "seal_order_number"),
    ):
        with pytest.raises(ValidationError) as refused:
            held(**seal)
        assert refused.value.field == field
    with core.read() as session:  # no outcome without its seal: one transaction
        row = session.get(Hearing, hearing.id)
        assert row is not None and row.outcome is None
    assert petition_state(core, desk.petition_id) == ("open", None)

    result = held(seal_basis="786", seal_order_number="JV-596 2026-0311")
    assert result.saved and result.hearing.outcome == "held"
    assert petition_state(core, desk.petition_id) == ("sealed_786", "JV-596 2026-0311")
    assert seal_events(core) == [
        (desk.clerk.user_id, desk.petition_id, "ok", f"basis wic786; hearing {hearing.id}")
    ]
    with core.read() as session:  # recorded in the outcome's transaction, right after it
        actions = list(
            session.execute(
                select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(2)
            ).scalars()
        )
    assert actions == ["sealed.seal", "hearing.outcome"]

    # she is gone for everyone but the custodian, hearing and all
    assert youths.find_youths(core, desk.officer, "Quill").rows == ()
    with pytest.raises(NotFound):
        hearings.get_hearing(core, desk.clerk, hearing.id)
    shown = youths.find_youths(core, desk.custodian, "Quill").rows
    assert [(r.id, r.sealed) for r in shown] == [(desk.youth_id, True)]


def test_seal_fields_belong_to_a_held_seal_hearing_only(core: Core, desk: Desk) -> None:
    review = hearings.schedule_hearing(
        core,
        desk.clerk,
        HearingInput(
            case_id=desk.case.id,
            petition_id=desk.petition_id,
            hearing_type="REV",
            scheduled_at=HEARING_AT,
            department_id=desk.department_id,
            custody_status="OUT",
        ),
        acknowledge_warnings=True,
    ).hearing
    sealing_hearing = _seal_hearing(core, desk)
    desk.clock[0] = dt.datetime(2026, 11, 24, 18, 30, tzinfo=dt.UTC)
    assert review is not None
    order = {"seal_basis": "wic786", "seal_order_number": "JV-596 1"}
    for target, outcome in ((review, "held"), (sealing_hearing, "off_calendar")):
        with pytest.raises(ValidationError, match="seal_basis: is only for a held sealing"):
            hearings.record_outcome(
                core, desk.clerk, target.id, target.version, OutcomeInput(outcome, **order)
            )
    # taken off calendar, a sealing hearing seals nothing
    off = hearings.record_outcome(
        core,
        desk.clerk,
        sealing_hearing.id,
        sealing_hearing.version,
        OutcomeInput("off_calendar"),
    )
    assert off.hearing.outcome == "off_calendar"
    assert petition_state(core, desk.petition_id) == ("open", None)
    assert seal_events(core) == []


def test_a_seal_hearing_on_an_already_sealed_petition_is_refused_whole(
    core: Core, desk: Desk, admin: Actor
) -> None:
    hearing = _seal_hearing(core, desk)
    desk.clock[0] = dt.datetime(2026, 11, 24, 18, 30, tzinfo=dt.UTC)
    sealing.seal_petition(core, desk.custodian, desk.petition_id, "JV-596 4", "wic781")
    with pytest.raises(NotFound):  # the clerk no longer sees the hearing at all
        hearings.record_outcome(
            core,
            desk.clerk,
            hearing.id,
            hearing.version,
            OutcomeInput("held", seal_basis="781", seal_order_number="JV-596 5"),
        )
    with core.write() as session:  # (a sealed-access clerk is not in the role table)
        row = session.get(Hearing, hearing.id)
        assert row is not None
        with pytest.raises(RuleRefused, match="already sealed"):
            sealing.seal_at_hearing(
                core,
                session,
                admin,
                row,
                OutcomeInput("held", seal_basis="781", seal_order_number="JV-596 5"),
                "held",
            )
