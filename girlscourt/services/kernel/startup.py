"""Opening the core for the desktop app: settings, the database, and the embedded schema.

The embedded SQLite database is created and upgraded on start (after a backup copy), so a new
workstation needs no setup; only a file that does not exist is created: an empty, damaged or
foreign file is refused untouched (``girlscourt.db.integrity``), never rebuilt as a new database.
A shared PostgreSQL server is never upgraded by a workstation: an
administrator runs ``girlscourt db upgrade`` once, so a newer client cannot surprise the others.
"""

from __future__ import annotations

from girlscourt.config import default_sqlite_path, load_settings
from girlscourt.db import integrity, migrate
from girlscourt.db.engine import PasswordPrompt, sqlite_url_for
from girlscourt.db.pg_network import NetworkLimits
from girlscourt.db.session import Database, unavailable
from girlscourt.errors import DatabaseUnavailable, GirlsCourtError
from girlscourt.services.kernel.core import Core


def open_core(database_url: str | None = None, *, prompt: PasswordPrompt | None = None) -> Core:
    """A ready Core: the URL given, else the configured one, else the local SQLite file."""
    settings = load_settings()
    url = database_url or settings["database_url"] or sqlite_url_for(default_sqlite_path())
    db = Database.open(
        url,
        prompt=prompt,
        source="--database" if database_url else "database_url",
        network=NetworkLimits.from_settings(settings),
    )
    core = Core(db, settings)
    if settings["workstation"]:
        core.workstation = settings["workstation"]
    try:
        state = migrate.status(db.engine)
        if not state.up_to_date:
            if db.dialect != "sqlite":
                raise DatabaseUnavailable(
                    f"database: {db.target.display} needs 'girlscourt db upgrade' "
                    f"(schema {state.current or 'empty'}, this version {state.head})"
                )
            migrate.upgrade(db.engine)
    except GirlsCourtError:
        db.dispose()
        raise
    except Exception as error:
        db.dispose()
        damage = integrity.damaged_in_use(db.target.url.database, error)
        raise (damage or unavailable(db.target, error)) from error
    return core
