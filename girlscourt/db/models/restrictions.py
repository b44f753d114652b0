"""Contact restrictions that keep exploiters away from a youth, and the desk's check log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from girlscourt.db.base import Base, JSONDocument, Versioned, utcnow


class ContactRestriction(Versioned, Base):
    """A person who must not reach the youth, on which channels, on what basis, until when."""

    __tablename__ = "contact_restriction"

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id"), index=True)
    person_name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    phones: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    handles: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    relationship_to_youth: Mapped[str | None] = mapped_column(String(60))
    channels: Mapped[list[str]] = mapped_column(JSONDocument)
    basis: Mapped[str] = mapped_column(String(40))
    court_order_number: Mapped[str | None] = mapped_column(String(60))
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date | None] = mapped_column(index=True)
    review_on: Mapped[dt.date] = mapped_column(index=True)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    notices: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    do_not_disclose_location: Mapped[bool] = mapped_column(default=False)
    blocks_admission_calls: Mapped[bool] = mapped_column(default=False)
    admission_block_reason: Mapped[str | None] = mapped_column(Text)
    admission_block_signoff_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    lifted_at: Mapped[dt.datetime | None]
    # Stamped from a serialised counter on every write (restrictions/restrictions.py), so the desk's
    # cached index sees each committed change in commit order, whatever the workstation clocks.
    change_seq: Mapped[int] = mapped_column(default=0, server_default=text("0"), index=True)


class RestrictionCheck(Base):
    """One check at the visiting desk or phone: what was entered and what the app answered.

    Append-only evidence: the app never updates or deletes these rows.
    """

    __tablename__ = "restriction_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    checked_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    checked_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    youth_id: Mapped[int | None] = mapped_column(ForeignKey("youth.id"), index=True)
    channel: Mapped[str | None] = mapped_column(String(20))
    probe_name: Mapped[str | None] = mapped_column(String(200))
    probe_phone: Mapped[str | None] = mapped_column(String(40))
    probe_handle: Mapped[str | None] = mapped_column(String(100))
    result: Mapped[str] = mapped_column(String(6))
    matches: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument, default=list)
