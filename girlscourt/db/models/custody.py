"""Custody episodes (intakes), their charges, screenings, detention assessments and checklists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from girlscourt.db.base import Base, JSONDocument, Versioned


class CustodyEpisode(Versioned, Base):
    """One period in custody, from the moment custody starts to release."""

    __tablename__ = "custody_episode"

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id"), index=True)
    custody_start_at: Mapped[dt.datetime] = mapped_column(index=True)
    arresting_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    arresting_officer: Mapped[str | None] = mapped_column(String(120))
    warrant: Mapped[bool] = mapped_column(default=False)
    on_probation: Mapped[bool] = mapped_column(default=False)
    claimed_adult: Mapped[bool] = mapped_column(default=False)
    age_exception_reason: Mapped[str | None] = mapped_column(Text)
    petition_filed_at: Mapped[dt.datetime | None]
    detention_hearing_at: Mapped[dt.datetime | None]
    jurisdiction_at: Mapped[dt.datetime | None]
    released_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    release_type: Mapped[str | None] = mapped_column(String(30))
    housing_unit: Mapped[str | None] = mapped_column(String(40))
    review_631b_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    review_631b_at: Mapped[dt.datetime | None]
    explanation_631c: Mapped[str | None] = mapped_column(Text)
    sb1322_struck: Mapped[str | None] = mapped_column(String(200))  # counts not booked
    advocate_at_interview: Mapped[bool | None]  # at the law-enforcement interview
    le_advocacy_referral: Mapped[bool | None]  # law enforcement referred to an advocate
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class Charge(Base):
    """One charge on an episode, from the county's charge code list."""

    __tablename__ = "charge"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("custody_episode.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(40))
    description: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(15))  # felony, misdemeanor, infraction, wobbler
    violent: Mapped[bool] = mapped_column(default=False)
    weapon: Mapped[bool] = mapped_column(default=False)


class Screening(Versioned, Base):
    """A completed screening, pinned to the exact instrument file it was scored with."""

    __tablename__ = "screening"
    # Covering index for the CSEC report's per-youth identification look-ups.
    __table_args__ = (
        Index(
            "ix_screening_youth_completed", "youth_id", "completed_at", "result_level", "disclosure"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id"), index=True)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("custody_episode.id"), index=True)
    instrument_id: Mapped[str] = mapped_column(String(80))
    instrument_version: Mapped[str] = mapped_column(String(20))
    instrument_checksum: Mapped[str] = mapped_column(String(64))
    screener_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    training_id: Mapped[int | None] = mapped_column(ForeignKey("staff_training.id"))
    trigger: Mapped[str] = mapped_column(String(30), default="intake")
    responses: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    domain_scores: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    total_score: Mapped[float]
    computed_level: Mapped[str] = mapped_column(String(30))
    result_level: Mapped[str] = mapped_column(String(30), index=True)
    override_reason: Mapped[str | None] = mapped_column(Text)
    disclosure: Mapped[bool] = mapped_column(default=False)
    completed_at: Mapped[dt.datetime] = mapped_column(index=True)
    identified_at: Mapped[dt.datetime | None]  # when the screening was done, if not at entry


class DetentionAssessment(Versioned, Base):
    """The risk score, its recommended band, and the officer's decision (with any override)."""

    __tablename__ = "detention_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("custody_episode.id"), index=True)
    instrument_id: Mapped[str] = mapped_column(String(80))
    instrument_version: Mapped[str] = mapped_column(String(20))
    instrument_checksum: Mapped[str] = mapped_column(String(64))
    answers: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    total_score: Mapped[float]
    band: Mapped[str] = mapped_column(String(20))
    mandatory_category: Mapped[str | None] = mapped_column(String(60))
    decision: Mapped[str] = mapped_column(String(20))
    detention_reason: Mapped[str | None] = mapped_column(String(40))
    override_direction: Mapped[str | None] = mapped_column(String(4))  # up, down
    override_reason_code: Mapped[str | None] = mapped_column(String(40))
    override_narrative: Mapped[str | None] = mapped_column(Text)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[dt.datetime | None]
    decided_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[dt.datetime]


class ChecklistStep(Versioned, Base):
    """One step of the county CSEC protocol for an identified youth, with its service target."""

    __tablename__ = "checklist_step"
    # Covering index for the CSEC report's "when was this step done" look-ups.
    __table_args__ = (Index("ix_checklist_step_youth_step", "youth_id", "step", "done_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id"), index=True)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("custody_episode.id"), index=True)
    screening_id: Mapped[int | None] = mapped_column(ForeignKey("screening.id"))
    step: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[dt.datetime]
    done_at: Mapped[dt.datetime | None]
    done_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    notes: Mapped[str | None] = mapped_column(Text)
    reported_by: Mapped[str | None] = mapped_column(String(120))  # mandated reports only
    reported_to: Mapped[str | None] = mapped_column(String(120))
    report_number: Mapped[str | None] = mapped_column(String(60))


class IntakeDraft(Versioned, Base):
    """An unfinished intake form, kept so an interrupted officer loses nothing."""

    __tablename__ = "intake_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    youth_id: Mapped[int | None] = mapped_column(ForeignKey("youth.id"))
    content: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
