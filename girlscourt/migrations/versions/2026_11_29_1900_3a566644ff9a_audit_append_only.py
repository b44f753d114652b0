"""The audit table becomes append-only: triggers refuse UPDATE, DELETE and TRUNCATE

On PostgreSQL a row trigger refuses UPDATE and DELETE and a statement trigger refuses TRUNCATE
(row triggers never see a TRUNCATE); PUBLIC loses those privileges too, and
``girlscourt db grant-app-role`` gives the app's own role SELECT and INSERT only. On SQLite two
triggers abort UPDATE and DELETE. The chain's head row is created here, so the first writers on
a fresh database never race to insert it.

Revision ID: 3a566644ff9a
Revises: 5c0e7d2b9a41
Create Date: 2026-11-29 19:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "3a566644ff9a"
down_revision: str | None = "5c0e7d2b9a41"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64

PG_UPGRADE = [
    """
    CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_event_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()
    """,
    """
    CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()
    """,
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM PUBLIC",
]
PG_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_no_update_delete ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
]
SQLITE_UPGRADE = [
    """
    CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
    BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
    BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: DELETE refused'); END
    """,
]
SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    "DROP TRIGGER IF EXISTS audit_event_no_update",
]


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in PG_UPGRADE if postgresql else SQLITE_UPGRADE:
        op.execute(statement)
    op.execute(
        "INSERT INTO audit_chain_head (id, last_event_id, last_hash) "
        f"SELECT 1, 0, '{GENESIS}' "
        "WHERE NOT EXISTS (SELECT 1 FROM audit_chain_head WHERE id = 1)"
    )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in PG_DOWNGRADE if postgresql else SQLITE_DOWNGRADE:
        op.execute(statement)
