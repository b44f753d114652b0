"""Referrals to partner agencies, their lifecycle events, and the consents that allow them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from girlscourt.db.base import Base, JSONDocument, Versioned, utcnow


class Referral(Versioned, Base):
    """A referral from draft to first contact and beyond; ``status`` follows a state machine."""

    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id"), index=True)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("custody_episode.id"))
    referral_type: Mapped[str] = mapped_column(String(40), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    representative_id: Mapped[int | None] = mapped_column(ForeignKey("agency_representative.id"))
    reason_codes: Mapped[list[str]] = mapped_column(JSONDocument)
    reason_text: Mapped[str | None] = mapped_column(Text)
    urgency: Mapped[str] = mapped_column(String(20))
    due_at: Mapped[dt.datetime]
    status: Mapped[str] = mapped_column(String(20), index=True, default="draft")
    closed_reason: Mapped[str | None] = mapped_column(String(60))
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent.id"))
    lawful_exception: Mapped[str | None] = mapped_column(String(80))
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))


class ReferralEvent(Base):
    """One step of a referral's lifecycle: who moved it, when, from where to where."""

    __tablename__ = "referral_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)


class Consent(Versioned, Base):
    """A consent to share or treat: who signed, on what legal basis, for whom, until when."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id"), index=True)
    signer_role: Mapped[str] = mapped_column(String(20))  # youth, parent, guardian, court
    signer_name: Mapped[str | None] = mapped_column(String(200))
    court_order_number: Mapped[str | None] = mapped_column(String(60))
    legal_basis: Mapped[str] = mapped_column(String(40))
    scope: Mapped[list[str]] = mapped_column(JSONDocument)
    recipient_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    purpose: Mapped[str] = mapped_column(String(200))
    signed_on: Mapped[dt.date]
    expires_on: Mapped[dt.date | None]
    revoked_at: Mapped[dt.datetime | None]
    part2: Mapped[bool] = mapped_column(default=False)
    attestation: Mapped[str | None] = mapped_column(String(40))  # wet signature, scanned file
    details: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
