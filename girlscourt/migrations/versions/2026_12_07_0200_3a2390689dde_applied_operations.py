"""Applied operations: the client's operation id of each save, unique, so a retry never applies twice

Revision ID: 3a2390689dde
Revises: 9d2e1b3f7a64
Create Date: 2026-12-07 02:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3a2390689dde"
down_revision: str | None = "9d2e1b3f7a64"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "applied_operation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operation_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("request_digest", sa.String(length=64), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name=op.f("fk_applied_operation_actor_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applied_operation")),
        sa.UniqueConstraint("operation_id", name=op.f("uq_applied_operation_operation_id")),
    )


def downgrade() -> None:
    op.drop_table("applied_operation")
