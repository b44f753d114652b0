"""The low-privilege PostgreSQL role the app connects as (CJIS AC-6, AU-9).

The schema owner (the role that ran ``db upgrade``) grants the app's role what it needs and no
more: read and write on the data tables, only SELECT and INSERT on the audit table, UPDATE on the
chain head, the sequences, and nothing it could use to alter or drop a table. With the triggers
the migration installs, the app's role cannot change or remove an audit event. Re-run after each
``db upgrade``, since new tables need their grants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import text

from girlscourt.errors import ConfigurationError, ValidationError
from girlscourt.services.kernel.core import Core

_ROLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]{0,62}$")
AUDIT_TABLE = "audit_event"
CHAIN_HEAD_TABLE = "audit_chain_head"
READ_ONLY_TABLES = frozenset({"alembic_version"})
APPEND_ONLY_TABLES = frozenset({AUDIT_TABLE, "applied_operation"})  # a saved fact, never edited


@dataclass(frozen=True)
class GrantReport:
    """What ``grant_app_role`` granted, for the administrator's record."""

    role: str
    schema: str
    data_tables: int
    audit_tables: tuple[str, ...]


def privileges_for(table: str) -> str:
    """The privileges the app's role gets on ``table``."""
    if table in APPEND_ONLY_TABLES:
        return "SELECT, INSERT"
    if table == CHAIN_HEAD_TABLE:
        return "SELECT, UPDATE"
    if table in READ_ONLY_TABLES:
        return "SELECT"
    return "SELECT, INSERT, UPDATE, DELETE"


def _check_role(role: str, owner: str, superuser: bool | None, owns_tables: bool) -> None:
    if superuser is None:
        raise ValidationError(
            "role", f"{role!r} does not exist; create it first (CREATE ROLE ... LOGIN)"
        )
    if role == owner:
        raise ValidationError("role", "must not be the role that owns the tables")
    if superuser:
        raise ValidationError("role", "is a superuser, which bypasses every grant and trigger")
    if owns_tables:
        raise ValidationError("role", "owns tables in this schema; the app role must own none")


def grant_app_role(core: Core, role: str) -> GrantReport:
    """Grant ``role`` the app's privileges on the current schema (run as the schema owner)."""
    if core.db.dialect != "postgresql":
        raise ConfigurationError("database: only a PostgreSQL database has roles to grant")
    if not isinstance(role, str) or not _ROLE.match(role):
        raise ValidationError("role", "must be a PostgreSQL role name (letters, digits, _ and $)")
    with core.write() as session:
        connection = session.connection()
        owner, schema = connection.execute(text("SELECT current_user, current_schema()")).one()
        if schema is None:
            raise ConfigurationError("database: no schema is selected (check search_path)")
        superuser = connection.execute(
            text("SELECT rolsuper FROM pg_roles WHERE rolname = :role"), {"role": role}
        ).scalar_one_or_none()
        tables = list(
            connection.execute(
                text(
                    "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = :schema "
                    "ORDER BY tablename"
                ),
                {"schema": schema},
            )
        )
        _check_role(role, owner, superuser, any(t.tableowner == role for t in tables))
        quote = connection.dialect.identifier_preparer.quote
        who, where = quote(role), quote(schema)
        statements = [
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {where} FROM {who}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {where} FROM {who}",
            f"REVOKE CREATE ON SCHEMA {where} FROM {who}",
            f"GRANT USAGE ON SCHEMA {where} TO {who}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {where} TO {who}",
        ]
        data_tables = 0
        for table in tables:
            privileges = privileges_for(table.tablename)
            data_tables += "DELETE" in privileges
            statements.append(f"GRANT {privileges} ON {where}.{quote(table.tablename)} TO {who}")
        for statement in statements:
            connection.exec_driver_sql(statement)
        core.audit(session, None, "db.grant_app_role", detail=f"role {role}")
    return GrantReport(role, schema, data_tables, (AUDIT_TABLE, CHAIN_HEAD_TABLE))
