"""Synthetic court data for demos: departments, the Girls Court team, cases, assignments, hearings.

Every person named here is invented (judges, counsel, officers, advocates). Dates follow the
judicial calendar and the statutory limits, so the demo docket looks like a real day's work.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from girlscourt.db.models import (
    AssignmentEvent,
    CourtCase,
    CustodyEpisode,
    Department,
    GirlsCourtAssignment,
    Hearing,
    Petition,
    SpecialtyDocket,
    Youth,
)
from girlscourt.domain.hearing_rules import CONTINUED, GIRLS_COURT_CODE, HELD, OFF_CALENDAR
from girlscourt.domain.judicial_calendar import JudicialCalendar
from girlscourt.domain.permissions import Action
from girlscourt.services.clocks import legal_deadlines
from girlscourt.services.clocks.court_calendar import calendar_in
from girlscourt.services.kernel.core import Actor, Core

DEPARTMENTS = (
    ("JD1", "Juvenile Delinquency 1", "Courtroom 1", 40),
    ("JD2", "Juvenile Delinquency 2", "Courtroom 2", 40),
    ("GC", "Girls Court", "Courtroom 5", 25),
)
JUDGES = {"JD1": "Hon. Marcus Whitfield-Oro", "JD2": "Comm. Delphine Arkwright"}
GC_JUDGES = ("Hon. Imani Oyelaran-Reyes", "Hon. Beatriz Solenne-Park")
GC_DA = "Dep. DA Corinne Vashti"
GC_PD = "Dep. PD Thalia Nordstrom-Ames"
DAS = ("Dep. DA Rafael Quenby", "Dep. DA Hollis Mbeki-Lund")
COUNSEL = (
    ("Dep. PD Soraya Lindqvist", "PD"),
    ("Dep. PD Tomas Achterberg", "PD"),
    ("Alt. PD Junie Castellane", "APD"),
    ("Wren Halvorsen, Esq.", "PRI"),
)
OFFICERS = (
    "PO Dana Ferreira-Oakes",
    "PO Kiri Tanabe-Wolfe",
    "PO Lena Marchetti",
    "PO Odile Brannock",
)
ADVOCATES = ("Noor Habibi-Stone (advocate)", "Sage Okonkwo-Lear (advocate)")
REFERRAL_REASONS = (
    "Referred by the public defender after disposition; wraparound services and closer support.",
    "Identified through the CSEC protocol; the youth agreed to a Girls Court referral.",
    "Probation recommends consistent supervision by one team.",
)
MORNING = (dt.time(8, 30), dt.time(9, 0), dt.time(9, 30), dt.time(10, 0), dt.time(10, 30))
AFTERNOON = (dt.time(13, 30), dt.time(14, 0), dt.time(14, 30))
GC_WEEKDAYS = (1, 3)  # Tuesday, Thursday


@dataclass
class _Plan:
    """A hearing to create."""

    hearing_type: str
    day: dt.date
    department: str
    custody: str


def _ensure_departments(session: Session) -> dict[str, Department]:
    found = {d.code: d for d in session.execute(select(Department)).scalars()}
    for code, name, room, capacity in DEPARTMENTS:
        if code not in found:
            row = Department(code=code, name=name, courtroom=room, daily_capacity=capacity)
            session.add(row)
            found[code] = row
    session.flush()
    return found


def _ensure_docket(session: Session, department: Department, today: dt.date) -> None:
    if session.execute(
        select(SpecialtyDocket.id).where(SpecialtyDocket.code == GIRLS_COURT_CODE)
    ).first():
        return
    change = today - dt.timedelta(days=180)
    for judge, start, end in (
        (GC_JUDGES[0], today - dt.timedelta(days=730), change - dt.timedelta(days=1)),
        (GC_JUDGES[1], change, None),
    ):
        session.add(
            SpecialtyDocket(
                code=GIRLS_COURT_CODE,
                name="Girls Court",
                department_id=department.id,
                judicial_officer=judge,
                prosecutor=GC_DA,
                public_defender=GC_PD,
                session_weekdays=list(GC_WEEKDAYS),
                session_time=dt.time(8, 30),
                effective_from=start,
                effective_to=end,
            )
        )


def _court_day(calendar: JudicialCalendar, day: dt.date, weekdays: tuple[int, ...] = ()) -> dt.date:
    """The first court day on or after ``day`` (on one of ``weekdays`` if given)."""
    current = calendar.judicial_day_on_or_after(day)
    while weekdays and current.weekday() not in weekdays:
        current = calendar.next_judicial_day(current)
    return current


def _plan(
    rng: random.Random,
    calendar: JudicialCalendar,
    filed: dt.date,
    custody: str,
    home: str,
    in_gc: bool,
    until: dt.date,
) -> tuple[list[_Plan], dt.date]:
    """A case's hearings from filing to review inside the statutory limits, and the
    disposition day (Girls Court reviews follow it, on the docket's session days)."""
    detained = custody in ("IN", "HS")
    plans: list[_Plan] = []
    if detained:
        first = calendar.next_judicial_day(filed)
        plans.append(_Plan("DET", first, home, custody))
        pretrial = calendar.add_judicial_days(first, rng.randint(4, 7))
        jurisdiction = calendar.add_judicial_days(first, rng.randint(9, 14))
        disposition = calendar.add_judicial_days(jurisdiction, rng.randint(5, 9))
    else:
        first = _court_day(calendar, filed + dt.timedelta(days=rng.randint(7, 12)))
        plans.append(_Plan("ARR", first, home, custody))
        pretrial = _court_day(calendar, first + dt.timedelta(days=5))
        jurisdiction = _court_day(calendar, filed + dt.timedelta(days=rng.randint(15, 20)))
        disposition = _court_day(calendar, jurisdiction + dt.timedelta(days=3))
    plans.append(_Plan("PTC", pretrial, home, custody))
    plans.append(_Plan("JUR", jurisdiction, home, custody))
    plans.append(_Plan("DISP", disposition, home, custody))
    after = "OUT" if rng.random() < 0.8 else custody
    review = disposition
    while review <= until:
        review += dt.timedelta(days=rng.choice((14, 21, 28)) if in_gc else 90)
        if in_gc:
            plans.append(_Plan("REV", _court_day(calendar, review, GC_WEEKDAYS), "GC", after))
        else:
            plans.append(_Plan("REV", _court_day(calendar, review), home, after))
    return [p for p in plans if p.day <= until], disposition


def _at(rng: random.Random, day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    clock = rng.choice(MORNING) if rng.random() < 0.75 else rng.choice(AFTERNOON)
    return dt.datetime.combine(day, clock, tzinfo=tz)


@dataclass(frozen=True)
class _Staff:
    prosecutor: str
    counsel: tuple[str, str]
    officer: str
    language: str | None


def _hearing(
    plan: _Plan,
    at: dt.datetime,
    case: CourtCase,
    petition: Petition,
    departments: dict[str, Department],
    staff: _Staff,
    gc_judge: str,
    open_to_public: bool,
) -> Hearing:
    gc = plan.department == "GC"
    counsel, kind = (GC_PD, "PD") if gc else staff.counsel
    return Hearing(
        case_id=case.id,
        petition_id=petition.id,
        hearing_type=plan.hearing_type,
        scheduled_at=at,
        department_id=departments[plan.department].id,
        judicial_officer=gc_judge if gc else JUDGES[plan.department],
        prosecutor=GC_DA if gc else staff.prosecutor,
        defence_counsel=counsel,
        defence_type=kind,
        probation_officer=staff.officer,
        interpreter_language=staff.language,
        custody_status=plan.custody,
        transport_needed=plan.custody == "IN",
        girls_court=gc,
        open_to_public=open_to_public,
    )


def _assignment(
    session: Session,
    core: Core,
    actor: Actor,
    rng: random.Random,
    youth: Youth,
    case: CourtCase,
    accepted: dt.date | None,
    staff: _Staff,
) -> None:
    tz = core.settings.timezone
    referred_day = (accepted or core.today()) - dt.timedelta(days=rng.randint(3, 12))
    referred_at = dt.datetime.combine(referred_day, dt.time(11, 0), tzinfo=tz)
    status = "active" if accepted else "referred"
    if accepted and accepted < core.today() - dt.timedelta(days=150):
        status = rng.choice(("completed", "active", "exited"))
    judge = (
        GC_JUDGES[1]
        if accepted and accepted >= core.today() - dt.timedelta(days=180)
        else GC_JUDGES[0]
    )
    row = GirlsCourtAssignment(
        youth_id=youth.id,
        case_id=case.id,
        referred_by=actor.user_id,
        referred_at=referred_at,
        reason=rng.choice(REFERRAL_REASONS),
        eligibility_notes="Meets the docket's admission criteria (synthetic demo record).",
        accepted_on=accepted,
        status=status,
        exit_reason="Moved out of county" if status == "exited" else None,
        team={
            "judicial_officer": judge,
            "prosecutor": GC_DA,
            "public_defender": GC_PD,
            "probation_officer": staff.officer,
            "advocate": rng.choice(ADVOCATES),
        }
        if accepted
        else {},
    )
    session.add(row)
    session.flush()
    events: list[tuple[str, dt.datetime, str | None]] = [("referred", referred_at, None)]
    if accepted:
        events.append(("active", dt.datetime.combine(accepted, dt.time(12, 0), tzinfo=tz), None))
    if status in ("completed", "exited"):
        end = dt.datetime.combine(accepted or referred_day, dt.time(12, 0), tzinfo=tz)
        events.append((status, end + dt.timedelta(days=120), row.exit_reason))
    for state, at, note in events:
        session.add(
            AssignmentEvent(
                assignment_id=row.id, status=state, actor_id=actor.user_id, at=at, note=note
            )
        )


class _Made:
    """Adds one case's hearings; a past hearing is held, off calendar or continued (the
    continuance adds a hearing of the same type a few court days later)."""

    def __init__(
        self,
        session: Session,
        rng: random.Random,
        calendar: JudicialCalendar,
        case: CourtCase,
        petition: Petition,
        departments: dict[str, Department],
        staff: _Staff,
        tz: dt.tzinfo,
    ) -> None:
        self.session, self.rng, self.calendar = session, rng, calendar
        self.case, self.petition, self.departments = case, petition, departments
        self.staff, self.tz = staff, tz
        self.count = 0

    def add(self, plan: _Plan, open_to_public: bool, today: dt.date) -> Hearing:
        rng = self.rng
        recent = plan.day >= today - dt.timedelta(days=180)
        row = _hearing(
            plan,
            _at(rng, plan.day, self.tz),
            self.case,
            self.petition,
            self.departments,
            self.staff,
            GC_JUDGES[1] if recent else GC_JUDGES[0],
            open_to_public,
        )
        self.session.add(row)
        self.session.flush()
        self.count += 1
        if plan.day >= today:
            return row
        roll = rng.random()
        if roll < 0.05 and plan.hearing_type in ("PTC", "REV"):
            row.outcome = OFF_CALENDAR
        elif roll < 0.15 and plan.hearing_type in ("PTC", "JUR", "REV"):
            weekdays = GC_WEEKDAYS if plan.department == "GC" else ()
            later = _court_day(
                self.calendar, plan.day + dt.timedelta(days=rng.randint(3, 6)), weekdays
            )
            detained = plan.custody in ("IN", "HS")
            row.outcome = CONTINUED
            row.continuance_reason = rng.choice(
                ("Counsel needs time to prepare", "Report not yet received", "Witness unavailable")
            )
            row.youth_consented = (rng.random() < 0.8) if detained else None
            follow = self.add(
                _Plan(plan.hearing_type, later, plan.department, plan.custody),
                open_to_public,
                today,
            )
            row.continued_to_id = follow.id
        else:
            row.outcome = HELD
        return row


def _new_case_number(rng: random.Random, taken: set[str], year: int) -> str:
    while True:
        number = f"JV-{year % 100:02d}-{rng.randint(10000, 99999)}"
        if number not in taken:
            taken.add(number)
            return number


def _recent_petitions(
    session: Session, tz: dt.tzinfo, today: dt.date
) -> dict[int, tuple[dt.date, bool]]:
    """Youths whose latest intake has a petition filed in the last 240 days: the filing date
    and whether she is still in custody (their cases follow that intake, so the stored court
    deadlines of the demo have hearings to meet them)."""
    e = CustodyEpisode
    latest = (
        select(e.youth_id, func.max(e.custody_start_at).label("start")).group_by(e.youth_id)
    ).subquery()
    rows = session.execute(
        select(e.youth_id, e.petition_filed_at, e.released_at).join(
            latest, (latest.c.youth_id == e.youth_id) & (latest.c.start == e.custody_start_at)
        )
    ).all()
    found = {}
    for youth_id, filed_at, released_at in rows:
        if filed_at is None:
            continue
        filed = filed_at.astimezone(tz).date()
        if today - dt.timedelta(days=240) <= filed <= today - dt.timedelta(days=2):
            found[int(youth_id)] = (filed, released_at is None)
    return found


def seed_court(core: Core, actor: Actor, rng: random.Random) -> int:
    """Configure the court and add cases, Girls Court assignments and hearings for some of the
    existing youths (past months and coming weeks), preferring youths whose recent intake has a
    petition, whose cases then start on its filing date. Returns the number of hearings added."""
    core.require(actor, Action.DEMO_SEED)
    tz = core.settings.timezone
    today = core.today()
    until = today + dt.timedelta(days=42)
    with core.write() as session:
        departments = _ensure_departments(session)
        _ensure_docket(session, departments["GC"], today)
        calendar = calendar_in(session, today)
        petitions = _recent_petitions(session, tz, today)
        with_petition = list(
            session.execute(
                select(Youth).where(Youth.id.in_(sorted(petitions))).order_by(Youth.id).limit(400)
            ).scalars()
        )
        youth_rows = session.execute(select(Youth).order_by(Youth.id).limit(400)).scalars().all()
        # The rest have no intake at all, so their hearings meet no episode's deadline.
        with_intake = set(session.execute(select(CustodyEpisode.youth_id).distinct()).scalars())
        others = [y for y in youth_rows if y.id not in with_intake]
        first = rng.sample(with_petition, min(len(with_petition), 32))
        chosen = first + rng.sample(others, min(len(others), 64 - len(first)))
        taken = set(session.execute(select(CourtCase.case_number)).scalars())
        assigned = set(
            session.execute(
                select(GirlsCourtAssignment.youth_id).where(
                    GirlsCourtAssignment.status.in_(("referred", "active"))
                )
            ).scalars()
        )
        count = 0
        for index, youth in enumerate(chosen):
            recent = index % 4 == 0
            filed = today - dt.timedelta(
                days=rng.randint(2, 16) if recent else rng.randint(20, 240)
            )
            custody = (
                "IN" if recent and rng.random() < 0.7 else rng.choice(("IN", "HS", "OUT", "OUT"))
            )
            if youth.id in petitions:
                filed, in_custody = petitions[youth.id]
                custody = "IN" if in_custody else custody
            staff = _Staff(
                rng.choice(DAS),
                rng.choice(COUNSEL),
                rng.choice(OFFICERS),
                youth.primary_language if youth.interpreter_needed else None,
            )
            case = CourtCase(
                youth_id=youth.id, case_number=_new_case_number(rng, taken, filed.year)
            )
            session.add(case)
            session.flush()
            petition = Petition(
                case_id=case.id, petition_number=f"{case.case_number}-A", filed_on=filed
            )
            session.add(petition)
            session.flush()
            in_gc = index % 3 == 1
            home = rng.choice(("JD1", "JD2"))
            plans, disposition = _plan(rng, calendar, filed, custody, home, in_gc, until)
            if in_gc and youth.id not in assigned:
                assigned.add(youth.id)
                accepted = disposition if disposition <= today else None
                _assignment(session, core, actor, rng, youth, case, accepted, staff)
            made = _Made(session, rng, calendar, case, petition, departments, staff, tz)
            open_case = rng.random() < 0.1
            for plan in plans:
                made.add(plan, open_case, today)
            count += made.count
        core.audit(session, actor, "demo.seed_court", detail=f"hearings={count}")
        # Hearings are written here directly, not through the hearing service, so the stored
        # deadlines of these youths' episodes are brought up to date the same way it would.
        legal_deadlines.refresh(core, session, youth_ids=[y.id for y in chosen])
    return count
