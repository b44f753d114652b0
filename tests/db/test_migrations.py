"""Migrations: empty to head on both backends, idempotent, one head, and models agree with them."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

import girlscourt.db.models  # noqa: F401 - every table on the metadata
from girlscourt.db import migrate
from girlscourt.db.base import Base
from girlscourt.db.engine import make_engine, parse_database_url


def test_single_head() -> None:
    heads = ScriptDirectory.from_config(migrate.alembic_config()).get_heads()
    assert len(heads) == 1, f"branching heads: {heads}"


def test_empty_to_head_is_idempotent_and_matches_models(empty_db_url: str) -> None:
    engine = make_engine(parse_database_url(empty_db_url))
    try:
        assert migrate.status(engine).current is None
        state = migrate.upgrade(engine)
        assert state.up_to_date
        assert migrate.upgrade(engine).current == state.current  # second run changes nothing
        tables = set(inspect(engine).get_table_names())
        assert {"youth", "audit_event", "hearing", "contact_restriction"} <= tables
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "target_metadata": Base.metadata}
            )
            diff = compare_metadata(context, Base.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
    finally:
        engine.dispose()


def test_downgrade_to_base_and_back(empty_db_url: str) -> None:
    engine = make_engine(parse_database_url(empty_db_url))
    try:
        migrate.upgrade(engine)
        migrate.downgrade(engine, "base")
        assert "youth" not in inspect(engine).get_table_names()
        assert migrate.upgrade(engine).up_to_date
    finally:
        engine.dispose()
