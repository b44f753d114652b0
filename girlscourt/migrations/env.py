"""Alembic environment: runs migrations on the connection the app hands it.

SQLite gets batch mode (it can hardly ALTER); the caller (``girlscourt.db.migrate``) turns its
foreign keys off while tables are rebuilt. Every revision runs in its own transaction.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlalchemy import Connection, DateTime

import girlscourt.db.models  # noqa: F401 - registers every table on the metadata
from girlscourt.db.base import Base, UTCDateTime

config = context.config
target_metadata = Base.metadata


def _render_item(kind: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Write UTC columns as plain ``sa.DateTime`` so revisions never import app code."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _compare_type(
    context: Any, inspected: Any, metadata: Any, inspected_type: Any, metadata_type: Any
) -> bool | None:
    """UTCDateTime stores as DateTime(timezone=True): compare what is underneath."""
    if isinstance(metadata_type, UTCDateTime):
        return None if isinstance(inspected_type, DateTime) else True
    return None


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=sqlite,
        transaction_per_migration=True,
        compare_type=_compare_type,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate over the connection passed in ``config.attributes['connection']``."""
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "girlscourt migrations run through girlscourt.db.migrate, not alembic CLI"
        )
    _run(connection)


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations_online()
