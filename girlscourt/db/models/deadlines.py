"""Statutory deadlines of custody episodes as last computed, so reports can count them in SQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from girlscourt.db.base import Base


class LegalDeadline(Base):
    """One deadline (WIC 631, 632(a), 657, 702 ...) of one episode: when it was due, when the event
    that satisfies it happened, and which calendar counted the days.

    Derived data, never edited: ``clocks.legal_deadlines`` rewrites an episode's rows in the
    transaction that changes what they are computed from (the intake, a later event on the
    episode, a hearing's outcome, a court-holiday change), with the same code that draws the
    in-custody board. A deadline's state (met, breached, open) is not stored: it depends on the
    moment asked about, so the report works it out from ``due_at`` and ``met_at``.
    """

    __tablename__ = "legal_deadline"
    __table_args__ = (
        UniqueConstraint("episode_id", "rule"),
        # The report's range scan on the due time, answered from the index alone.
        Index("ix_legal_deadline_due", "due_at", "rule", "met_at", "youth_id", "episode_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("custody_episode.id", ondelete="CASCADE"))
    # Denormalised from the episode (an episode never changes youth) so the sealing filter needs
    # no join.
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id"), index=True)
    hearing_id: Mapped[int | None] = mapped_column(
        ForeignKey("hearing.id", ondelete="SET NULL"), index=True
    )  # the held hearing that met it, when a hearing did
    rule: Mapped[str] = mapped_column(String(12))
    citation: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[dt.datetime]
    met_at: Mapped[dt.datetime | None]
    calendar_version: Mapped[str] = mapped_column(String(120))
    computed_at: Mapped[dt.datetime]
    # Set when a continuance or time waiver moved the limit: good_cause (WIC 682), consent or
    # time_waiver; the compliance report counts a deadline met within it as such.
    extended_by: Mapped[str | None] = mapped_column(String(20))
