"""Covering indexes for the CSEC report: a youth's screenings by time and level, and her protocol steps by code

Revision ID: 7b3e91c4d2f8
Revises: 3a566644ff9a
Create Date: 2026-11-29 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "7b3e91c4d2f8"
down_revision: str | None = "3a566644ff9a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The report asks, per youth, "identified before this time?" and "when was step X done?";
    # with every column in the index SQLite answers from the index alone (400k intakes: 2.0 s
    # without these, 1.5 s with them).
    with op.batch_alter_table("screening", schema=None) as batch_op:
        batch_op.create_index(
            "ix_screening_youth_completed",
            ["youth_id", "completed_at", "result_level", "disclosure"],
            unique=False,
        )
    with op.batch_alter_table("checklist_step", schema=None) as batch_op:
        batch_op.create_index(
            "ix_checklist_step_youth_step", ["youth_id", "step", "done_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("checklist_step", schema=None) as batch_op:
        batch_op.drop_index("ix_checklist_step_youth_step")
    with op.batch_alter_table("screening", schema=None) as batch_op:
        batch_op.drop_index("ix_screening_youth_completed")
