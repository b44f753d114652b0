"""Partner agencies and their designated representatives (the CSEC point-persons)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from girlscourt.db.base import Base, Versioned


class Agency(Versioned, Base):
    """A partner: DA, defender, police, crisis advocacy, health, child welfare, court, school."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    secure_email: Mapped[str | None] = mapped_column(String(200))
    fax: Mapped[str | None] = mapped_column(String(40))
    hours: Mapped[str | None] = mapped_column(String(200))
    effective_from: Mapped[dt.date | None]
    effective_to: Mapped[dt.date | None]


class AgencyRepresentative(Versioned, Base):
    """A named person at an agency; ``csec_point_person`` marks the protocol's designee."""

    __tablename__ = "agency_representative"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    secure_email: Mapped[str | None] = mapped_column(String(200))
    csec_point_person: Mapped[bool] = mapped_column(default=False)
    effective_from: Mapped[dt.date | None]
    effective_to: Mapped[dt.date | None]
