"""Girls Court services on SQLite and PostgreSQL: court days, warnings, outcomes, the docket."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from girlscourt.db.models import AuditEvent, CustodyEpisode, Hearing, Petition
from girlscourt.domain import hearing_rules as hr
from girlscourt.domain.hearing_rules import HearingInput, OutcomeInput
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.errors import (
    ConflictError,
    NotFound,
    PermissionDenied,
    RuleRefused,
    ValidationError,
)
from girlscourt.readmodels import department_record
from girlscourt.services.clocks import court_calendar, court_holidays
from girlscourt.services.court import (
    assignments,
    cases,
    departments,
    dockets,
    hearing_records,
    hearings,
)
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.registry import youths
from girlscourt.services.security import accounts

LA = ZoneInfo("America/Los_Angeles")
NOW = dt.datetime(2026, 11, 23, 17, 0, tzinfo=dt.UTC)  # Monday 23 November 2026, 09:00 in LA
CLERK_PASSWORD = "clerk desk morning shift"


def at(day: str, clock: str = "08:30") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=LA)


@pytest.fixture
def clerk(core: Core, admin: Actor) -> Actor:
    core.clock = lambda: NOW
    accounts.create_user(core, admin, "clerk", "court_clerk", CLERK_PASSWORD, "Cleo Clerk")
    return accounts.authenticate(core, "clerk", CLERK_PASSWORD)


@dataclass(frozen=True)
class Court:
    """Two departments, Girls Court configured, and three girls with a case each."""

    jd1: department_record.DepartmentRecord
    gc: department_record.DepartmentRecord
    maya: cases.CaseRecord
    ana: cases.CaseRecord
    zoe: cases.CaseRecord


def _girl(core: Core, actor: Actor, first: str, last: str, **extra: Any) -> int:
    data = YouthInput(
        legal_first_name=first, legal_last_name=last, dob=dt.date(2011, 5, 6), **extra
    )
    return youths.register_youth(core, actor, data).id


@pytest.fixture
def setup(core: Core, admin: Actor, clerk: Actor) -> Court:
    jd1 = departments.add_department(
        core, admin, departments.DepartmentInput("JD1", "Juvenile Delinquency 1", "Courtroom 1")
    )
    gc = departments.add_department(
        core, admin, departments.DepartmentInput("GC", "Girls Court", "Courtroom 5", 25)
    )
    departments.configure_specialty_docket(
        core,
        admin,
        departments.SpecialtyDocketInput(
            "GC", "Girls Court", gc.id, "Hon. Imani Oyelaran-Reyes", (1, 3), dt.time(8, 30),
            dt.date(2025, 1, 1), "Dep. DA Corinne Vashti", "Dep. PD Thalia Nordstrom-Ames",
        ),
    )  # fmt: skip
    opened = []
    for number, (first, last, extra) in enumerate(
        [
            ("Maya", "Rosalind", {}),
            ("Ana", "Quintanilla", {"primary_language": "Spanish", "interpreter_needed": True}),
            ("Zoë", "O’Brien", {}),
        ],
        start=1,
    ):
        youth_id = _girl(core, admin, first, last, **extra)
        opened.append(
            cases.open_case(
                core,
                clerk,
                cases.CaseInput(
                    youth_id,
                    f"JV-26-0000{number}",
                    (cases.PetitionInput(f"JV-26-0000{number}-A", dt.date(2026, 10, 30)),),
                ),
            )
        )
    return Court(jd1, gc, *opened)


def plan(
    case: cases.CaseRecord,
    department: department_record.DepartmentRecord,
    when: dt.datetime,
    **changes: Any,
) -> HearingInput:
    base: dict[str, Any] = {
        "case_id": case.id,
        "petition_id": case.petitions[0].id,
        "hearing_type": "PTC",
        "scheduled_at": when,
        "department_id": department.id,
        "custody_status": "OUT",
    }
    base.update(changes)
    return HearingInput(**base)


def saved(core: Core, actor: Actor, data: HearingInput) -> hearing_records.HearingRecord:
    result = hearings.schedule_hearing(core, actor, data, acknowledge_warnings=True)
    assert result.saved and result.hearing is not None
    return result.hearing


def count_hearings(core: Core) -> int:
    with core.read() as session:
        return int(session.execute(select(func.count(Hearing.id))).scalar_one())


def audit_rows(core: Core, action: str) -> list[AuditEvent]:
    with core.read() as session:
        return list(
            session.execute(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            ).scalars()
        )


# --- Court days ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        ("2026-11-27", "Friday 27 November 2026 is a judicial holiday: Day after Thanksgiving"),
        (
            "2026-11-28",
            "Saturday 28 November 2026 is not a court day: the court does not sit on a Saturday",
        ),
        ("2026-11-29", "Sunday 29 November 2026 is not a court day"),
    ],
)
def test_weekend_and_holiday_are_refused_with_the_reason(
    core: Core, clerk: Actor, setup: Court, day: str, reason: str
) -> None:
    with pytest.raises(ValidationError) as error:
        hearings.schedule_hearing(
            core, clerk, plan(setup.maya, setup.jd1, at(day)), acknowledge_warnings=True
        )
    assert error.value.field == "scheduled_at"
    assert reason in error.value.detail
    assert count_hearings(core) == 0


def test_county_holidays_are_editable(core: Core, admin: Actor, clerk: Actor, setup: Court) -> None:
    court_holidays.add_court_holiday(core, admin, dt.date(2026, 12, 24), "Christmas Eve (county)")
    with pytest.raises(
        ValidationError, match="Thursday 24 December 2026 is a judicial holiday: Christmas Eve"
    ):
        hearings.schedule_hearing(core, clerk, plan(setup.maya, setup.jd1, at("2026-12-24")))
    with pytest.raises(ValidationError, match="already has a county change"):
        court_holidays.add_court_holiday(core, admin, dt.date(2026, 12, 24), "Again")
    with pytest.raises(PermissionDenied):
        court_holidays.add_court_holiday(core, clerk, dt.date(2026, 12, 23), "Clerk closure")
    removal = court_holidays.remove_statutory_holiday(
        core, admin, dt.date(2026, 12, 25), "Court sits (county order 12)"
    )
    assert saved(
        core, clerk, plan(setup.maya, setup.jd1, at("2026-12-25"))
    ).scheduled_at.date() == dt.date(2026, 12, 25)
    listed = court_calendar.list_holidays(core, clerk, 2026)
    assert (dt.date(2026, 12, 24), "county") in [(e.day, e.source) for e in listed]
    assert (dt.date(2026, 12, 25), "removed") in [(e.day, e.source) for e in listed]
    assert removal.change_id is not None and removal.version is not None
    court_holidays.undo_county_change(core, admin, removal.change_id, removal.version)
    with pytest.raises(ValidationError, match="Christmas Day"):
        hearings.schedule_hearing(core, clerk, plan(setup.ana, setup.jd1, at("2026-12-25")))


def test_a_department_not_yet_in_use_is_refused(
    core: Core, admin: Actor, clerk: Actor, setup: Court
) -> None:
    later = departments.add_department(
        core,
        admin,
        departments.DepartmentInput("JD9", "New department", effective_from=dt.date(2027, 1, 4)),
    )
    with pytest.raises(ValidationError, match="Dept JD9 is not in use on Monday 30 November 2026"):
        hearings.schedule_hearing(core, clerk, plan(setup.maya, later, at("2026-11-30")))


# --- Warnings -----------------------------------------------------------------------------------


def test_youth_double_booked_must_be_acknowledged(core: Core, clerk: Actor, setup: Court) -> None:
    first = saved(core, clerk, plan(setup.maya, setup.jd1, at("2026-11-30")))
    second = plan(setup.maya, setup.gc, at("2026-11-30", "14:00"), hearing_type="REV")
    pending = hearings.schedule_hearing(core, clerk, second)
    assert not pending.saved and pending.hearing is None
    assert [w.code for w in pending.warnings] == [hr.W_YOUTH]
    assert f"(hearing {first.id})" in pending.warnings[0].message
    assert count_hearings(core) == 1
    done = hearings.schedule_hearing(core, clerk, second, acknowledge_warnings=True)
    assert done.saved and done.hearing is not None and count_hearings(core) == 2
    detail = audit_rows(core, "hearing.schedule")[-1].detail
    assert detail == "warnings acknowledged: youth_double_booked"


def test_counsel_double_booked(core: Core, clerk: Actor, setup: Court) -> None:
    counsel = "Dep. PD Soraya Lindqvist"
    saved(
        core,
        clerk,
        plan(
            setup.maya,
            setup.jd1,
            at("2026-11-30", "09:00"),
            defence_counsel=counsel,
            defence_type="PD",
        ),
    )
    warnings = hearings.check_hearing(
        core, clerk, plan(setup.zoe, setup.gc, at("2026-12-01", "09:00"), defence_counsel=counsel)
    )
    assert warnings == ()
    pending = hearings.schedule_hearing(
        core, clerk, plan(setup.zoe, setup.gc, at("2026-11-30", "09:30"), defence_counsel=counsel)
    )
    assert [w.code for w in pending.warnings] == [hr.W_PERSON]
    assert pending.warnings[0].message.startswith(
        "defence counsel Dep. PD Soraya Lindqvist is also set in Dept JD1 at 09:00"
    )


def test_officer_double_booked(core: Core, clerk: Actor, setup: Court) -> None:
    saved(
        core,
        clerk,
        plan(
            setup.maya, setup.jd1, at("2026-11-30", "10:00"), probation_officer="PO Lena Marchetti"
        ),
    )
    pending = hearings.schedule_hearing(
        core,
        clerk,
        plan(setup.zoe, setup.gc, at("2026-11-30", "10:15"), probation_officer="PO Lena Marchetti"),
    )
    assert [w.code for w in pending.warnings] == [hr.W_PERSON]
    assert pending.warnings[0].message.startswith("probation officer PO Lena Marchetti")


def test_department_over_capacity(core: Core, admin: Actor, clerk: Actor, setup: Court) -> None:
    small = departments.add_department(
        core, admin, departments.DepartmentInput("JD2", "Juvenile Delinquency 2", daily_capacity=1)
    )
    saved(core, clerk, plan(setup.maya, small, at("2026-11-30")))
    pending = hearings.schedule_hearing(
        core, clerk, plan(setup.zoe, small, at("2026-11-30", "09:00"))
    )
    assert [w.code for w in pending.warnings] == [hr.W_CAPACITY]
    assert (
        pending.warnings[0].message
        == "Dept JD2 would have 2 hearings on Monday 30 November 2026; its daily capacity is 1"
    )


def test_interpreter_past_and_odd_hours(core: Core, clerk: Actor, setup: Court) -> None:
    pending = hearings.schedule_hearing(
        core, clerk, plan(setup.ana, setup.jd1, at("2026-11-20", "02:00"))
    )
    assert [w.code for w in pending.warnings] == [hr.W_PAST, hr.W_HOURS, hr.W_INTERPRETER]
    assert (
        pending.warnings[2].message == "the youth's record says an interpreter is needed (Spanish)"
    )
    with_language = plan(
        setup.ana,
        setup.jd1,
        at("2026-11-30"),
        interpreter_needed=True,
        interpreter_language="Spanish",
    )
    assert hearings.check_hearing(core, clerk, with_language) == ()


def test_statutory_limit_counts_from_the_held_detention_hearing(
    core: Core, clerk: Actor, setup: Court
) -> None:
    det = saved(
        core,
        clerk,
        plan(setup.maya, setup.jd1, at("2026-11-02"), hearing_type="DET", custody_status="IN"),
    )
    hearings.record_outcome(core, clerk, det.id, det.version, OutcomeInput("held"))
    on_time = plan(setup.maya, setup.jd1, at("2026-11-24"), hearing_type="JUR", custody_status="IN")
    assert hearings.check_hearing(core, clerk, on_time) == ()
    late = hearings.schedule_hearing(core, clerk, replace(on_time, scheduled_at=at("2026-11-25")))
    assert [w.code for w in late.warnings] == [hr.W_LIMIT]
    assert late.warnings[0].message.startswith(
        "jurisdiction hearing on day 16 of 15 for a detained youth"
    )
    out_of_custody = replace(on_time, scheduled_at=at("2026-11-25"), custody_status="OUT")
    assert (
        hearings.check_hearing(core, clerk, out_of_custody) == ()
    )  # 30 calendar days from the petition


def test_statutory_limit_from_the_intake_record(core: Core, clerk: Actor, setup: Court) -> None:
    with core.write() as session:
        session.add(
            CustodyEpisode(
                youth_id=setup.zoe.youth_id,
                custody_start_at=at("2026-10-29", "22:00"),
                petition_filed_at=at("2026-10-30", "10:00"),
                detention_hearing_at=at("2026-11-02", "09:00"),
            )
        )
    pending = hearings.schedule_hearing(
        core,
        clerk,
        plan(setup.zoe, setup.jd1, at("2026-11-30"), hearing_type="JUR", custody_status="IN"),
    )
    assert pending.warnings[0].message.startswith(
        "jurisdiction hearing on day 17 of 15 for a detained youth"
    )


# --- Outcomes and continuances ------------------------------------------------------------------


def test_continuance_creates_the_next_hearing(core: Core, clerk: Actor, setup: Court) -> None:
    det = saved(
        core,
        clerk,
        plan(setup.maya, setup.jd1, at("2026-11-02"), hearing_type="DET", custody_status="IN"),
    )
    hearings.record_outcome(core, clerk, det.id, det.version, OutcomeInput("held"))
    jur = saved(
        core,
        clerk,
        plan(setup.maya, setup.jd1, at("2026-11-24", "10:00"), hearing_type="JUR", custody_status="IN",
             defence_counsel="Dep. PD Soraya Lindqvist", defence_type="PD", interpreter_language="Spanish"),
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        hearings.record_outcome(
            core,
            clerk,
            jur.id,
            jur.version,
            OutcomeInput("continued", at("2026-11-27"), "Report late", True),
        )
    assert error.value.field == "continued_to" and "Day after Thanksgiving" in error.value.detail
    with pytest.raises(ValidationError, match="youth_consented"):
        hearings.record_outcome(
            core,
            clerk,
            jur.id,
            jur.version,
            OutcomeInput("continued", at("2026-11-30"), "Report late"),
        )

    unconsented = OutcomeInput(
        "continued", at("2026-11-30", "10:00"), "Report not yet received", False
    )
    pending = hearings.record_outcome(core, clerk, jur.id, jur.version, unconsented)
    assert not pending.saved and pending.next_hearing is None
    assert pending.warnings[0].message.startswith(
        "jurisdiction hearing on day 17 of 15 for a detained youth"
    )

    result = hearings.record_outcome(
        core, clerk, jur.id, jur.version, replace(unconsented, youth_consented=True)
    )
    assert result.saved and result.warnings == ()  # consent allows 7 days past the new date
    nxt = result.next_hearing
    assert nxt is not None
    assert result.hearing.outcome == "continued" and result.hearing.continued_to_id == nxt.id
    assert (
        result.hearing.continuance_reason == "Report not yet received"
        and result.hearing.youth_consented
    )
    assert (nxt.hearing_type, nxt.department_id, nxt.custody_status, nxt.defence_counsel, nxt.interpreter_language) == (
        "JUR", setup.jd1.id, "IN", "Dep. PD Soraya Lindqvist", "Spanish",
    )  # fmt: skip
    assert nxt.scheduled_at == at("2026-11-30", "10:00") and nxt.outcome is None
    assert nxt.continued_from_id == jur.id

    docket = dockets.docket(core, clerk, dt.date(2026, 11, 30))
    (row,) = docket.rows
    assert row.deadline is not None and row.deadline.text == "day 17 of 15, consented to 7 Dec"
    assert not row.deadline.over and row.docket_notes == "Cont. from 24 Nov"

    with pytest.raises(RuleRefused, match="take that hearing off calendar first"):
        hearings.record_outcome(core, clerk, jur.id, result.hearing.version, OutcomeInput("held"))
    hearings.record_outcome(core, clerk, nxt.id, nxt.version, OutcomeInput("off_calendar"))
    corrected = hearings.record_outcome(
        core, clerk, jur.id, result.hearing.version, OutcomeInput("off_calendar")
    )
    assert corrected.hearing.outcome == "off_calendar" and corrected.hearing.continued_to_id is None
    actions = [e.detail for e in audit_rows(core, "hearing.outcome")]
    assert "outcome=continued" in actions and "outcome=off_calendar" in actions


def test_outcome_of_a_stale_version_conflicts(core: Core, clerk: Actor, setup: Court) -> None:
    h = saved(core, clerk, plan(setup.maya, setup.jd1, at("2026-11-23", "10:00")))
    hearings.update_hearing(
        core, clerk, h.id, h.version, replace(h.as_input(), notes="Parent by video")
    )
    with pytest.raises(ConflictError):
        hearings.record_outcome(core, clerk, h.id, h.version, OutcomeInput("held"))
    with pytest.raises(ValidationError, match="cannot be held before then"):
        future = saved(core, clerk, plan(setup.zoe, setup.jd1, at("2026-11-30")))
        hearings.record_outcome(core, clerk, future.id, future.version, OutcomeInput("held"))


def test_only_schedulers_schedule(core: Core, officer: Actor, clerk: Actor, setup: Court) -> None:
    with pytest.raises(PermissionDenied):
        hearings.schedule_hearing(core, officer, plan(setup.maya, setup.jd1, at("2026-11-30")))
    assert audit_rows(core, "hearing.schedule")[-1].outcome == "denied"


# --- Girls Court --------------------------------------------------------------------------------


def test_girls_court_assignment_and_roster(
    core: Core, admin: Actor, clerk: Actor, setup: Court
) -> None:
    referral = assignments.refer_to_girls_court(
        core,
        clerk,
        assignments.ReferralInput(
            setup.maya.youth_id,
            "Wraparound services after disposition",
            setup.maya.id,
            referred_at=at("2026-11-18", "11:00"),
        ),
    )
    with pytest.raises(RuleRefused, match="already has an open Girls Court assignment"):
        assignments.refer_to_girls_court(
            core, clerk, assignments.ReferralInput(setup.maya.youth_id, "Again")
        )
    active = assignments.accept_assignment(
        core,
        clerk,
        referral.id,
        referral.version,
        dt.date(2026, 11, 20),
        assignments.Team(probation_officer="PO Kiri Tanabe-Wolfe", advocate="Sage Okonkwo-Lear"),
    )
    assert active.status == "active"
    assert (
        active.team.judicial_officer == "Hon. Imani Oyelaran-Reyes"
    )  # from the docket configuration
    assert active.team.public_defender == "Dep. PD Thalia Nordstrom-Ames"

    gc_hearing = saved(
        core, clerk, plan(setup.maya, setup.gc, at("2026-12-01", "09:00"), hearing_type="REV")
    )
    assert gc_hearing.girls_court and gc_hearing.judicial_officer == "Hon. Imani Oyelaran-Reyes"
    assert (
        gc_hearing.probation_officer == "PO Kiri Tanabe-Wolfe" and gc_hearing.defence_type == "PD"
    )
    wednesday = hearings.schedule_hearing(
        core, clerk, plan(setup.maya, setup.gc, at("2026-12-02"), hearing_type="REV")
    )
    assert [w.code for w in wednesday.warnings] == [hr.W_SESSION_DAY]

    (row,) = assignments.girls_court_roster(core, clerk)
    assert (row.docket_name, row.status, row.next_hearing_id) == (
        "Maya R.",
        "active",
        gc_hearing.id,
    )

    changed = assignments.update_team(
        core, clerk, active.id, active.version, replace(active.team, advocate="Noor Habibi-Stone")
    )
    with pytest.raises(ValidationError, match="reason"):
        assignments.change_status(core, clerk, changed.id, changed.version, "exited")
    done = assignments.change_status(core, clerk, changed.id, changed.version, "completed")
    with pytest.raises(RuleRefused):
        assignments.change_status(core, clerk, done.id, done.version, "exited", "Moved")
    history = assignments.assignment_history(core, clerk, done.id)
    assert [e.status for e in history] == ["referred", "active", "active", "completed"]
    assert history[2].note == "team changed: advocate" and history[0].actor_name == "Cleo Clerk"
    assert assignments.girls_court_roster(core, clerk) == ()


def test_docket_configuration_is_effective_dated(
    core: Core, admin: Actor, clerk: Actor, setup: Court
) -> None:
    departments.configure_specialty_docket(
        core,
        admin,
        departments.SpecialtyDocketInput(
            "GC",
            "Girls Court",
            setup.gc.id,
            "Hon. Beatriz Solenne-Park",
            (1, 3),
            dt.time(8, 30),
            dt.date(2026, 12, 1),
        ),
    )
    before = departments.specialty_docket_on(core, clerk, dt.date(2026, 11, 30))
    after = departments.specialty_docket_on(core, clerk, dt.date(2026, 12, 1))
    assert before is not None and before.judicial_officer == "Hon. Imani Oyelaran-Reyes"
    assert before.effective_to == dt.date(2026, 11, 30)
    assert after is not None and after.judicial_officer == "Hon. Beatriz Solenne-Park"
    assert len(departments.specialty_docket_history(core, clerk)) == 2
    with pytest.raises(ValidationError, match="effective_from"):
        departments.configure_specialty_docket(
            core,
            admin,
            departments.SpecialtyDocketInput(
                "GC", "Girls Court", setup.gc.id, "X", (1,), dt.time(9), dt.date(2026, 6, 1)
            ),
        )


# --- The docket and sealed petitions ------------------------------------------------------------


def test_docket_is_sorted_by_time_with_its_columns(core: Core, clerk: Actor, setup: Court) -> None:
    saved(core, clerk, plan(setup.zoe, setup.jd1, at("2026-11-30", "13:30"), hearing_type="REV"))
    saved(
        core,
        clerk,
        plan(
            setup.ana,
            setup.jd1,
            at("2026-11-30", "08:30"),
            custody_status="IN",
            interpreter_language="Spanish",
        ),
    )
    saved(core, clerk, plan(setup.maya, setup.gc, at("2026-11-30", "10:00"), girls_court=True))
    found = dockets.docket(core, clerk, dt.date(2026, 11, 30))
    assert [r.minor for r in found.rows] == ["Ana Q.", "Maya R.", "Zoë O."]
    ana = found.rows[0]
    assert (ana.custody_status, ana.transport_needed, ana.interpreter_language) == (
        "IN",
        True,
        "Spanish",
    )
    assert found.rows[1].girls_court and found.rows[1].department_code == "GC"
    only_jd1 = dockets.docket(core, clerk, dt.date(2026, 11, 30), setup.jd1.id)
    assert [r.case_number for r in only_jd1.rows] == [setup.ana.case_number, setup.zoe.case_number]
    names = dockets.docket(core, clerk, dt.date(2026, 11, 30), full_names=True)
    assert names.rows[0].minor == "Quintanilla, Ana"
    views = audit_rows(core, "docket.view")
    assert views[-1].detail == "date=2026-11-30 department=all rows=3 names=full"
    assert "Quintanilla" not in (views[-1].detail or "")


def _seal(core: Core, petition_id: int) -> None:
    with core.write() as session:
        session.execute(
            update(Petition).where(Petition.id == petition_id).values(sealing_state="sealed_786")
        )


def test_sealed_petitions_appear_in_no_docket(
    core: Core, admin: Actor, clerk: Actor, setup: Court
) -> None:
    sealed = saved(
        core,
        clerk,
        plan(
            setup.zoe,
            setup.jd1,
            at("2026-11-30", "09:00"),
            custody_status="IN",
            open_to_public=True,
            probation_officer="PO Lena Marchetti",
        ),
    )
    visible = saved(
        core,
        clerk,
        plan(
            setup.maya,
            setup.jd1,
            at("2026-11-30", "10:00"),
            custody_status="IN",
            open_to_public=True,
        ),
    )
    _seal(core, setup.zoe.petitions[0].id)
    day = dt.date(2026, 11, 30)
    for actor in (clerk, admin):
        assert [r.hearing_id for r in dockets.docket(core, actor, day).rows] == [visible.id]
        assert [r.hearing_id for r in dockets.docket(core, actor, day, full_names=True).rows] == [
            visible.id
        ]
        assert len(dockets.public_calendar(core, actor, day).rows) == 1
        assert [r.hearing_id for r in dockets.transport_list(core, actor, day).rows] == [visible.id]
        with pytest.raises(NotFound):
            hearings.get_hearing(core, actor, sealed.id)
    with pytest.raises(NotFound):
        cases.find_case(core, clerk, setup.zoe.case_number)
    assert cases.cases_of_youth(core, clerk, setup.zoe.youth_id) == ()
    # The same officer elsewhere at the same time raises no warning that would reveal it.
    again = plan(
        setup.ana,
        setup.gc,
        at("2026-11-30", "09:00"),
        probation_officer="PO Lena Marchetti",
        interpreter_language="Spanish",
    )
    assert hearings.check_hearing(core, clerk, again) == ()


def test_a_case_with_every_petition_sealed_hides_hearings_without_a_petition(
    core: Core, clerk: Actor, setup: Court
) -> None:
    saved(core, clerk, plan(setup.zoe, setup.jd1, at("2026-11-30"), petition_id=None))
    assert len(dockets.docket(core, clerk, dt.date(2026, 11, 30)).rows) == 1
    _seal(core, setup.zoe.petitions[0].id)
    assert dockets.docket(core, clerk, dt.date(2026, 11, 30)).rows == ()
    with pytest.raises(ValidationError, match="case_id"):
        hearings.schedule_hearing(
            core, clerk, plan(setup.zoe, setup.jd1, at("2026-12-01"), petition_id=None)
        )


def test_custodian_sees_sealed_hearings_only_through_the_service_that_allows_it(
    core: Core, admin: Actor, setup: Court
) -> None:
    accounts.create_user(core, admin, "keeper", "custodian", "sealed records keeper key")
    keeper = accounts.authenticate(core, "keeper", "sealed records keeper key")
    with pytest.raises(PermissionDenied):
        dockets.docket(core, keeper, dt.date(2026, 11, 30))


def test_demo_court_seed(core: Core, admin: Actor) -> None:
    import random

    from girlscourt.demo import court as demo_court
    from girlscourt.demo import seed as demo

    core.clock = lambda: NOW
    demo.seed_youths(core, admin, 40, 3)
    added = demo_court.seed_court(core, admin, random.Random(5))
    assert added > 100
    calendar = court_calendar.load_calendar(core)
    with core.read() as session:
        rows = session.execute(select(Hearing)).scalars().all()
    assert len(rows) == added
    for row in rows:
        day = row.scheduled_at.astimezone(LA).date()
        assert calendar.is_judicial_day(day), day
        if row.girls_court:
            assert day.weekday() in (1, 3)
        if row.outcome == "continued":
            assert row.continued_to_id is not None and row.continuance_reason
    assert any(r.open_to_public for r in rows) and any(r.custody_status == "IN" for r in rows)
    assert any(r.scheduled_at > NOW for r in rows) and any(r.scheduled_at < NOW for r in rows)
    roster = assignments.girls_court_roster(core, admin)
    assert roster and all(r.status in ("referred", "active") for r in roster)
    assert demo_court.seed_court(core, admin, random.Random(6)) > 0  # departments are reused
    open_ones = [r.youth_id for r in assignments.girls_court_roster(core, admin)]
    assert len(open_ones) == len(set(open_ones))  # never two open assignments for one girl
    assert len(departments.list_departments(core, admin)) == 3
