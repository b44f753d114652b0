"""Schema upgrades through Alembic, driven from the app (``girlscourt db upgrade``).

A SQLite file is copied aside before it is upgraded, so a failed upgrade never costs a record.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from girlscourt.db import integrity, pg_network
from girlscourt.db.base import utcnow
from girlscourt.errors import ConfigurationError

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic config pointing at the shipped migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option(
        "file_template",
        "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s",
    )
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The newest revision shipped with this version of the app."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@dataclass(frozen=True)
class SchemaStatus:
    """Where a database stands against the shipped migrations."""

    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        """True when no upgrade is needed."""
        return self.current == self.head


def status(engine: Engine) -> SchemaStatus:
    """The database's revision beside the shipped head."""
    return SchemaStatus(current_revision(engine), head_revision())


def backup_sqlite(engine: Engine) -> Path | None:
    """Copy a SQLite database aside before it is upgraded, readable by its owner only.

    SQLite's online backup API copies what is committed, including pages still only in the WAL
    (a file copy of the main file would miss them), and the copy is created 0600: it holds the
    same case records as the database itself.
    """
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    path = Path(database)
    if not path.exists() or path.stat().st_size == 0:
        return None
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    backup = path.with_name(f"{path.name}.{stamp}.bak")
    sqlite_backup_to(engine, backup)
    return backup


def sqlite_backup_to(engine: Engine, backup: Path) -> None:
    """SQLite's online backup of ``engine``'s database into the new file ``backup`` (0600).

    Safe while other processes write: the copy is of one committed state, WAL pages included.
    A half-written copy is removed, never left to look whole.
    """
    descriptor = os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        backup.chmod(0o600)  # whatever the umask
    finally:
        os.close(descriptor)
    try:
        with engine.connect() as connection:
            source = connection.connection.driver_connection
            assert isinstance(source, sqlite3.Connection)
            target = sqlite3.connect(backup)
            try:
                source.backup(target)
                target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                target.close()
    except BaseException:
        backup.unlink(missing_ok=True)
        raise


def upgrade(engine: Engine, revision: str = "head") -> SchemaStatus:
    """Bring the schema to ``revision``; a database already there is left as it is."""
    before = status(engine)
    if revision == "head" and before.up_to_date:
        return before
    if before.current is None and integrity.foreign_tables(engine):
        raise ConfigurationError(
            f"database: {engine.url.render_as_string(hide_password=True)} belongs to another "
            "program (its tables are not Girls Court's); nothing was written to it. Check the "
            "database URL, or restore the Girls Court file from a backup."
        )
    if before.current is not None:
        backup_sqlite(engine)
    _run(engine, command.upgrade, revision)
    return status(engine)


def downgrade(engine: Engine, revision: str) -> SchemaStatus:
    """Step the schema back (tests of data migrations use this)."""
    _run(engine, command.downgrade, revision)
    return status(engine)


def _run(engine: Engine, step: Callable[[Config, str], None], revision: str) -> None:
    """Run an Alembic command; on SQLite with foreign keys off, as batch rebuilds need."""
    config = alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        if sqlite and raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")  # only takes effect outside a transaction
        if not sqlite:
            # A schema change at county scale (a backfill over every intake) may rightly take
            # longer than a desk's statement limit: lift it, and the client deadline, for this
            # transaction only (SET LOCAL ends with it, so the pooled connection keeps its own).
            connection = connection.execution_options(**pg_network.NO_DEADLINE)
            connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
        try:
            config.attributes["connection"] = connection
            step(config, revision)
            connection.commit()
        finally:
            if sqlite and raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")
