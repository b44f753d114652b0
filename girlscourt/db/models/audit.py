"""The audit trail: one hash-chained event per view, change, print, export, login and refusal.

Events carry ids and codes only, never names or narratives, so the trail itself leaks nothing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from girlscourt.db.base import Base


class AuditEvent(Base):
    """One event. ``entry_hash`` covers the fields and the previous event's hash."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_record", "record_kind", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    workstation: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40), index=True)
    record_kind: Mapped[str | None] = mapped_column(String(30))
    record_id: Mapped[int | None]
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(String(200))
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditChainHead(Base):
    """A single row naming the last event; writers lock it so the chain stays a line."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_event_id: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
