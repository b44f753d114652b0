"""Saves already applied, by the client's operation id, so a retried save never applies twice.

A client names each save with a UUID it generates once. The save records that id in the same
transaction as its rows; the unique constraint means that a retry after a lost acknowledgement
(the commit went through but the answer never arrived) finds the first write instead of
making a second one.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from girlscourt.db.base import Base


class AppliedOperation(Base):
    """One applied save: which kind of record it made and that record's id."""

    __tablename__ = "applied_operation"

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # SHA-256 of what was asked: a retry that carries other content is refused, not answered.
    request_digest: Mapped[str | None] = mapped_column(String(64))
    # The server's clock, like the audit trail: a workstation's clock may be wrong.
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.current_timestamp())
