"""Court configuration, cases and petitions (with sealing), Girls Court assignments, hearings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from girlscourt.db.base import Base, JSONDocument, Versioned, utcnow


class Department(Versioned, Base):
    """A courtroom / department, effective-dated so history keeps its old names."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    courtroom: Mapped[str | None] = mapped_column(String(60))
    daily_capacity: Mapped[int] = mapped_column(default=40)
    effective_from: Mapped[dt.date | None]
    effective_to: Mapped[dt.date | None]


class SpecialtyDocket(Versioned, Base):
    """A specialty docket such as Girls Court: its team, its days and its session time."""

    __tablename__ = "specialty_docket"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    judicial_officer: Mapped[str] = mapped_column(String(120))
    prosecutor: Mapped[str | None] = mapped_column(String(120))
    public_defender: Mapped[str | None] = mapped_column(String(120))
    session_weekdays: Mapped[list[int]] = mapped_column(JSONDocument)  # 0 = Monday
    session_time: Mapped[dt.time]
    effective_from: Mapped[dt.date]
    effective_to: Mapped[dt.date | None]


class CourtHoliday(Versioned, Base):
    """A county change to the computed judicial calendar: an added holiday or a removed one."""

    __tablename__ = "court_holiday"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(10), default="add")  # add, remove


class CourtCase(Versioned, Base):
    """A juvenile court case for one youth."""

    __tablename__ = "court_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id"), index=True)
    case_number: Mapped[str] = mapped_column(String(40), unique=True)


class Petition(Versioned, Base):
    """A petition on a case; sealing is per petition (WIC 786, 781, PC 236.14)."""

    __tablename__ = "petition"
    __table_args__ = (UniqueConstraint("case_id", "petition_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("court_case.id"), index=True)
    petition_number: Mapped[str] = mapped_column(String(40))
    filed_on: Mapped[dt.date]
    sealing_state: Mapped[str] = mapped_column(String(20), default="open", index=True)
    sealed_at: Mapped[dt.datetime | None]
    seal_order_number: Mapped[str | None] = mapped_column(String(60))


class GirlsCourtAssignment(Versioned, Base):
    """A youth's place in Girls Court: referral, acceptance, team and status."""

    __tablename__ = "girls_court_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("court_case.id"))
    referred_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    referred_at: Mapped[dt.datetime]
    reason: Mapped[str | None] = mapped_column(Text)
    eligibility_notes: Mapped[str | None] = mapped_column(Text)
    accepted_on: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(String(20), default="referred", index=True)
    exit_reason: Mapped[str | None] = mapped_column(String(120))
    team: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)


class AssignmentEvent(Base):
    """History of a Girls Court assignment's status."""

    __tablename__ = "assignment_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("girls_court_assignment.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)


class Hearing(Versioned, Base):
    """A hearing on the calendar and, once held, its outcome."""

    __tablename__ = "hearing"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("court_case.id"), index=True)
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petition.id"), index=True)
    hearing_type: Mapped[str] = mapped_column(String(10))
    scheduled_at: Mapped[dt.datetime] = mapped_column(index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    judicial_officer: Mapped[str | None] = mapped_column(String(120))
    prosecutor: Mapped[str | None] = mapped_column(String(120))
    defence_counsel: Mapped[str | None] = mapped_column(String(120))
    defence_type: Mapped[str | None] = mapped_column(String(20))
    probation_officer: Mapped[str | None] = mapped_column(String(120))
    interpreter_language: Mapped[str | None] = mapped_column(String(60))
    custody_status: Mapped[str] = mapped_column(String(4))  # IN, HS, OUT
    transport_needed: Mapped[bool] = mapped_column(default=False)
    girls_court: Mapped[bool] = mapped_column(default=False)
    open_to_public: Mapped[bool] = mapped_column(default=False)
    outcome: Mapped[str | None] = mapped_column(String(20))
    continued_to_id: Mapped[int | None] = mapped_column(ForeignKey("hearing.id"))
    continuance_reason: Mapped[str | None] = mapped_column(Text)
    youth_consented: Mapped[bool | None]
    continuance_basis: Mapped[str | None] = mapped_column(String(20))  # consent, good cause, waiver
    time_waiver_until: Mapped[dt.date | None]
    detention_order: Mapped[str | None] = mapped_column(String(10))  # detained, released
    findings: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    notes: Mapped[str | None] = mapped_column(Text)
