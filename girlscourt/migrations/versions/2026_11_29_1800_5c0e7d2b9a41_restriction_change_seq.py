"""Contact restriction change sequence, so the desk's cached index sees every committed change

Revision ID: 5c0e7d2b9a41
Revises: 0001
Create Date: 2026-11-29 18:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c0e7d2b9a41"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contact_restriction", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch_op.create_index(
            batch_op.f("ix_contact_restriction_change_seq"), ["change_seq"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("contact_restriction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_restriction_change_seq"))
        batch_op.drop_column("change_seq")
