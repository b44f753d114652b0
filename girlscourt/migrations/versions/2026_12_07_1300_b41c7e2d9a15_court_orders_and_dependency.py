"""The law as the court runs it: dependency status with its history, the court's orders on
hearings, mandated-report details on checklist steps, when a screening was done, SB 1322 counts
struck, and the law-enforcement duties at intake

Revision ID: b41c7e2d9a15
Revises: 3a2390689dde
Create Date: 2026-12-07 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "b41c7e2d9a15"
down_revision: str | None = "3a2390689dde"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("youth", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dependency_since", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("child_welfare_case_number", sa.String(length=40), nullable=True)
        )
    op.create_table(
        "dependency_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("youth_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("child_welfare_case_number", sa.String(length=40), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["user_account.id"],
            name=op.f("fk_dependency_change_recorded_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["youth_id"],
            ["youth.id"],
            name=op.f("fk_dependency_change_youth_id_youth"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dependency_change")),
    )
    with op.batch_alter_table("dependency_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dependency_change_youth_id"), ["youth_id"])
    with op.batch_alter_table("custody_episode", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sb1322_struck", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("advocate_at_interview", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("le_advocacy_referral", sa.Boolean(), nullable=True))
    with op.batch_alter_table("screening", schema=None) as batch_op:
        batch_op.add_column(sa.Column("identified_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("checklist_step", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reported_by", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("reported_to", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("report_number", sa.String(length=60), nullable=True))
    with op.batch_alter_table("hearing", schema=None) as batch_op:
        batch_op.add_column(sa.Column("continuance_basis", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("time_waiver_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("detention_order", sa.String(length=10), nullable=True))
        batch_op.add_column(
            sa.Column(
                "findings",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("hearing", schema=None) as batch_op:
        for name in ("findings", "detention_order", "time_waiver_until", "continuance_basis"):
            batch_op.drop_column(name)
    with op.batch_alter_table("checklist_step", schema=None) as batch_op:
        for name in ("report_number", "reported_to", "reported_by"):
            batch_op.drop_column(name)
    with op.batch_alter_table("screening", schema=None) as batch_op:
        batch_op.drop_column("identified_at")
    with op.batch_alter_table("custody_episode", schema=None) as batch_op:
        for name in ("le_advocacy_referral", "advocate_at_interview", "sb1322_struck"):
            batch_op.drop_column(name)
    with op.batch_alter_table("dependency_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dependency_change_youth_id"))
    op.drop_table("dependency_change")
    with op.batch_alter_table("youth", schema=None) as batch_op:
        batch_op.drop_column("child_welfare_case_number")
        batch_op.drop_column("dependency_since")
