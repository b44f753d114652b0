"""App accounts, their roles, and the staff training records that qualify screeners."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from girlscourt.db.base import Base, Versioned


class User(Versioned, Base):
    """A person who signs in. The lockout counter lives here so every workstation shares it."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    username_key: Mapped[str] = mapped_column(
        String(64), unique=True
    )  # casefolded: unique per person
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(default=False)
    failed_attempts: Mapped[int] = mapped_column(default=0)
    first_failed_at: Mapped[dt.datetime | None]
    locked_at: Mapped[dt.datetime | None]
    disabled_at: Mapped[dt.datetime | None]
    last_login_at: Mapped[dt.datetime | None]


class StaffTraining(Versioned, Base):
    """A course a staff member completed; a current one for an instrument qualifies a screener."""

    __tablename__ = "staff_training"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    course: Mapped[str] = mapped_column(String(200))
    instrument_id: Mapped[str | None] = mapped_column(String(80))
    certificate_id: Mapped[str | None] = mapped_column(String(80))
    completed_on: Mapped[dt.date]
    expires_on: Mapped[dt.date | None]
    hours: Mapped[float] = mapped_column(default=0.0)
