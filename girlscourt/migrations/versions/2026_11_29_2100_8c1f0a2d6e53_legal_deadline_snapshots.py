"""Legal deadlines stored when written, so the CSEC report counts compliance in SQL

Revision ID: 8c1f0a2d6e53
Revises: 7b3e91c4d2f8
Create Date: 2026-11-29 21:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8c1f0a2d6e53"
down_revision: str | None = "7b3e91c4d2f8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "legal_deadline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("youth_id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=True),
        sa.Column("rule", sa.String(length=12), nullable=False),
        sa.Column("citation", sa.String(length=200), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("met_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("calendar_version", sa.String(length=120), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["custody_episode.id"],
            name=op.f("fk_legal_deadline_episode_id_custody_episode"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearing.id"],
            name=op.f("fk_legal_deadline_hearing_id_hearing"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["youth_id"], ["youth.id"], name=op.f("fk_legal_deadline_youth_id_youth")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_deadline")),
        sa.UniqueConstraint("episode_id", "rule", name=op.f("uq_legal_deadline_episode_id_rule")),
    )
    with op.batch_alter_table("legal_deadline", schema=None) as batch_op:
        batch_op.create_index(
            "ix_legal_deadline_due",
            ["due_at", "rule", "met_at", "youth_id", "episode_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_legal_deadline_hearing_id"), ["hearing_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_legal_deadline_youth_id"), ["youth_id"], unique=False)
    _backfill()


def _backfill() -> None:
    """Existing episodes get their deadlines now, computed by the code the app uses (its
    queries name only columns that exist at this revision). An empty database costs nothing."""
    from girlscourt.config import defaults, load_settings
    from girlscourt.errors import ConfigurationError
    from girlscourt.services.clocks.legal_deadlines import backfill

    try:
        tz = load_settings().timezone
    except ConfigurationError:
        tz = defaults().timezone
    backfill(op.get_bind(), tz)


def downgrade() -> None:
    with op.batch_alter_table("legal_deadline", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_deadline_youth_id"))
        batch_op.drop_index(batch_op.f("ix_legal_deadline_hearing_id"))
        batch_op.drop_index("ix_legal_deadline_due")
    op.drop_table("legal_deadline")
