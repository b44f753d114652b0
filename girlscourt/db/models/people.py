"""The youth registry: a youth, her aliases and street names, caregivers, and the search keys."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from girlscourt.db.base import Base, Versioned

# Prefix ranges (token >= 'ab' AND token < 'ab\U0010ffff') need code-point order and an index that
# serves them: PostgreSQL's "C" collation gives both; SQLite's default BINARY already does.
_BYTEWISE_100 = String(100).with_variant(String(100, collation="C"), "postgresql")
_BYTEWISE_12 = String(12).with_variant(String(12, collation="C"), "postgresql")


class Youth(Versioned, Base):
    """A youth known to the JJC. Names are kept exactly as typed (NFC), never 'corrected'."""

    __tablename__ = "youth"
    __table_args__ = (Index("ix_youth_name_order", "legal_last_name", "legal_first_name", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    legal_first_name: Mapped[str] = mapped_column(String(100))
    legal_middle_name: Mapped[str | None] = mapped_column(String(100))
    legal_last_name: Mapped[str] = mapped_column(String(100))
    preferred_name: Mapped[str | None] = mapped_column(String(100))
    initials_override: Mapped[str | None] = mapped_column(String(12))
    dob: Mapped[dt.date] = mapped_column(index=True)
    gender_identity: Mapped[str | None] = mapped_column(String(60))
    pronouns: Mapped[str | None] = mapped_column(String(40))
    sex_recorded: Mapped[str | None] = mapped_column(String(20))
    race_ethnicity: Mapped[str | None] = mapped_column(String(60))
    primary_language: Mapped[str | None] = mapped_column(String(60))
    interpreter_needed: Mapped[bool] = mapped_column(default=False)
    dependency_status: Mapped[str] = mapped_column(String(20), default="none")
    dependency_since: Mapped[dt.date | None]
    child_welfare_case_number: Mapped[str | None] = mapped_column(String(40))
    tribal_inquiry: Mapped[str | None] = mapped_column(String(60))

    aliases: Mapped[list[YouthAlias]] = relationship(
        back_populates="youth", lazy="raise", cascade="all, delete-orphan", order_by="YouthAlias.id"
    )


class DependencyChange(Base):
    """One change of a youth's dependency status, effective-dated, kept for the history."""

    __tablename__ = "dependency_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    effective_on: Mapped[dt.date]
    child_welfare_case_number: Mapped[str | None] = mapped_column(String(40))
    recorded_at: Mapped[dt.datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class YouthAlias(Base):
    """Another name the youth is known by: an AKA, a street name, a former name."""

    __tablename__ = "youth_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), default="alias")

    youth: Mapped[Youth] = relationship(back_populates="aliases", lazy="raise")


class YouthNameKey(Base):
    """Derived search keys: one row per folded name token, with a sound-alike key.

    Rebuilt by the registry service whenever names change; never edited by hand. The token index
    answers prefix (as-you-type) look-ups and the phonetic index answers small misspellings.
    """

    __tablename__ = "youth_name_key"
    __table_args__ = (
        Index("ix_youth_name_key_token", "token", "youth_id"),
        Index("ix_youth_name_key_phonetic", "phonetic", "youth_id"),
    )

    youth_id: Mapped[int] = mapped_column(
        ForeignKey("youth.id", ondelete="CASCADE"), primary_key=True
    )
    token: Mapped[str] = mapped_column(_BYTEWISE_100, primary_key=True)
    source: Mapped[str] = mapped_column(String(10), primary_key=True)  # legal, preferred, alias
    phonetic: Mapped[str] = mapped_column(_BYTEWISE_12)


class Caregiver(Versioned, Base):
    """A parent, guardian, social worker or court with legal authority for the youth."""

    __tablename__ = "caregiver"

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    relationship_to_youth: Mapped[str] = mapped_column(String(60))
    legal_authority: Mapped[str] = mapped_column(String(20))  # parent, guardian, cws, court
    phone: Mapped[str | None] = mapped_column(String(40))
