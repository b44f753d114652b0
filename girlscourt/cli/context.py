"""Opening the database and signing in for one CLI command."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from girlscourt.config import Settings, default_sqlite_path, load_settings
from girlscourt.db import integrity, migrate
from girlscourt.db.engine import sqlite_url_for
from girlscourt.db.pg_network import NetworkLimits
from girlscourt.db.session import Database, unavailable
from girlscourt.errors import DatabaseUnavailable, LoginFailed
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security.accounts import authenticate

PASSWORD_ENV = "GIRLSCOURT_PASSWORD"


def _prompt_db_password(account: str) -> str | None:
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(f"Database password for {account}: ")


def cli_settings() -> Settings:
    """The settings, with one ``girlscourt: warning:`` line on stderr per problem with the file
    (a broken file was set aside and the safe defaults are in use)."""
    settings = load_settings()
    for warning in settings.warnings:
        print(f"girlscourt: warning: {warning}", file=sys.stderr)
    return settings


def database_url(args: argparse.Namespace, settings: Settings | None = None) -> str:
    """The database named by --database, the environment, the config file, or the default file
    (``settings`` already loaded, so a bad settings file is reported once)."""
    settings = settings if settings is not None else cli_settings()
    return str(args.database or settings["database_url"] or sqlite_url_for(default_sqlite_path()))


def open_core(args: argparse.Namespace, *, require_schema: bool = True) -> Core:
    """A Core over the database named by --database, the environment, the config file or default."""
    settings = cli_settings()
    url = database_url(args, settings)
    source = "--database" if args.database else "database_url"
    db = Database.open(
        url,
        prompt=_prompt_db_password,
        source=source,
        network=NetworkLimits.from_settings(settings),
    )
    core = Core(db, settings)
    if settings["workstation"]:
        core.workstation = settings["workstation"]
    if require_schema:
        try:
            state = migrate.status(db.engine)
        except Exception as error:
            damage = integrity.damaged_in_use(db.target.url.database, error)
            raise (damage or unavailable(db.target, error)) from error
        if not state.up_to_date:
            raise DatabaseUnavailable(
                f"database: {db.target.display} is at schema {state.current or 'empty'}, this "
                f"version needs {state.head}; run 'girlscourt db upgrade'"
            )
    return core


def read_password(*, stdin_free: bool, label: str = "Password") -> str:
    """GIRLSCOURT_PASSWORD, else a no-echo prompt on a terminal, else one line of stdin."""
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env is not None:
        return from_env
    if sys.stdin.isatty():
        return getpass.getpass(f"{label}: ")
    if stdin_free:
        return sys.stdin.readline().rstrip("\r\n")
    raise LoginFailed(f"--user: no password (set {PASSWORD_ENV}; standard input holds the JSON)")


def sign_in(core: Core, args: argparse.Namespace, *, stdin_free: bool = True) -> Actor:
    """The actor named by --user, signed in with a password."""
    if not args.user:
        raise LoginFailed("--user: this command needs a signed-in user (--user NAME)")
    return authenticate(core, args.user, read_password(stdin_free=stdin_free))
