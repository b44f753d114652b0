"""Which youth a read-only partner account (DA, public defender, advocate) may read, and since when.

An assignment is never deleted: ending it stamps ``ended_at``, so the rows say who could read a
youth's record on any past day (WIC 827: only persons with a role in the case).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from girlscourt.db.base import Base, Versioned


class PartnerAssignment(Versioned, Base):
    """One partner account assigned to one youth, from ``assigned_at`` until ``ended_at``."""

    __tablename__ = "partner_assignment"
    __table_args__ = (Index("ix_partner_assignment_user_youth", "user_id", "youth_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id"), index=True)
    assigned_at: Mapped[dt.datetime]
    ended_at: Mapped[dt.datetime | None]
    assigned_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(String(40))
