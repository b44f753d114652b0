"""Partnership work the protocol asks for: MDT meetings, attendees and safety-plan items."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from girlscourt.db.base import Base, Versioned


class MdtMeeting(Versioned, Base):
    """A multidisciplinary team meeting about one youth."""

    __tablename__ = "mdt_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id"), index=True)
    held_at: Mapped[dt.datetime] = mapped_column(index=True)
    convening_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    next_review_on: Mapped[dt.date | None]


class MdtAttendee(Base):
    """Who attended for which agency, and whether a confidentiality agreement is on file."""

    __tablename__ = "mdt_attendee"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("mdt_meeting.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    role: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    confidentiality_agreement_on: Mapped[dt.date | None]


class SafetyPlanItem(Versioned, Base):
    """An action from an MDT safety plan, with an owner and a due date."""

    __tablename__ = "safety_plan_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("mdt_meeting.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[dt.date]
    done_on: Mapped[dt.date | None]
