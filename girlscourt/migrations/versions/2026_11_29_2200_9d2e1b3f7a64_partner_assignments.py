"""Partner assignments: which youth a DA, defender or advocate account may read

Revision ID: 9d2e1b3f7a64
Revises: 8c1f0a2d6e53
Create Date: 2026-11-29 22:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9d2e1b3f7a64"
down_revision: str | None = "8c1f0a2d6e53"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "partner_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("youth_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("assigned_by", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_by"],
            ["user_account.id"],
            name=op.f("fk_partner_assignment_assigned_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_partner_assignment_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["youth_id"], ["youth.id"], name=op.f("fk_partner_assignment_youth_id_youth")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_assignment")),
    )
    with op.batch_alter_table("partner_assignment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_partner_assignment_user_youth", ["user_id", "youth_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_partner_assignment_youth_id"), ["youth_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("partner_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_assignment_youth_id"))
        batch_op.drop_index("ix_partner_assignment_user_youth")
    op.drop_table("partner_assignment")
