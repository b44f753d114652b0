"""The basis on which the court moved a stored limit (good cause, consent, time waiver), so the
compliance report can count a deadline met within an extended limit as such

Revision ID: c52d8f3e0b76
Revises: b41c7e2d9a15
Create Date: 2026-12-08 01:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c52d8f3e0b76"
down_revision: str | None = "b41c7e2d9a15"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Rows stored before this revision carry the basis only in their citation text (written by
# domain.deadlines from domain.court_orders.BASIS_TEXT); plain SQL reads it back, so this
# migration never depends on the app's later code.
_FROM_CITATION = (
    ("good_cause", "%; continued for good cause (WIC 682), limit %"),
    ("consent", "%; continued on the youth's consent, limit %"),
    ("time_waiver", "%; time waived, limit %"),
)


def upgrade() -> None:
    with op.batch_alter_table("legal_deadline", schema=None) as batch_op:
        batch_op.add_column(sa.Column("extended_by", sa.String(length=20), nullable=True))
    table = sa.table(
        "legal_deadline", sa.column("citation", sa.String), sa.column("extended_by", sa.String)
    )
    for basis, pattern in _FROM_CITATION:
        op.execute(
            table.update()
            .where(table.c.citation.like(pattern), table.c.extended_by.is_(None))
            .values(extended_by=basis)
        )


def downgrade() -> None:
    with op.batch_alter_table("legal_deadline", schema=None) as batch_op:
        batch_op.drop_column("extended_by")
