"""``girlscourt db``: schema upgrades, status, the app's role, and saving the server password."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from girlscourt.cli.context import cli_settings, open_core, read_password

if TYPE_CHECKING:
    from girlscourt.services.kernel.core import Core


def register(sub: Any) -> None:
    """Add ``db upgrade``, ``db status``, ``db grant-app-role``, ``db set-password``,
    ``db copy``, ``db backup``, ``db restore``, ``db recover-admin`` and
    ``db recompute-deadlines``."""
    db = sub.add_parser("db", help="database schema and connection").add_subparsers(
        dest="db_command", metavar="ACTION", required=True
    )
    db.add_parser("upgrade", help="create or upgrade the schema (idempotent)").set_defaults(
        handler=db_upgrade
    )
    db.add_parser("status", help="schema revision").set_defaults(handler=db_status)
    setpw = db.add_parser("set-password", help="save the PostgreSQL password in the OS keyring")
    setpw.set_defaults(handler=db_set_password)
    grant = db.add_parser(
        "grant-app-role",
        help="PostgreSQL: let ROLE use the app but never change or remove audit events "
        "(run as the schema owner, again after each upgrade)",
    )
    grant.add_argument("role", metavar="ROLE")
    grant.set_defaults(handler=db_grant_app_role)
    copy = db.add_parser(
        "copy",
        help="copy every table, the audit chain included, into an empty database (an "
        "administrator): SQLite up to PostgreSQL, or a training copy back down",
    )
    copy.add_argument("--to", required=True, metavar="URL", help="the empty target database")
    copy.set_defaults(handler=db_copy)
    backup = db.add_parser(
        "backup",
        help="the whole database into a new owner-only SQLite file (an administrator; SQLite's "
        "online backup, or a logical copy of a PostgreSQL database)",
    )
    backup.add_argument("--out", required=True, metavar="FILE", help="a new file")
    backup.set_defaults(handler=db_backup)
    restore = db.add_parser(
        "restore",
        help="a backup FILE into the empty --database, checked and verified (sign in as an "
        "administrator of the backup)",
    )
    restore.add_argument("file", metavar="FILE")
    restore.set_defaults(handler=db_restore)
    recover = db.add_parser(
        "recover-admin",
        help="give administrator NAME a temporary password, released and enabled (only the "
        "PostgreSQL schema owner, or the OS owner of the SQLite file)",
    )
    recover.add_argument("name", metavar="NAME")
    recover.set_defaults(handler=db_recover_admin)
    db.add_parser(
        "recompute-deadlines",
        help="recompute every custody episode's stored legal deadlines (an administrator; "
        "after a change of county time zone or a bulk import)",
    ).set_defaults(handler=db_recompute_deadlines)


def db_upgrade(args: argparse.Namespace) -> int:
    from girlscourt.db import migrate
    from girlscourt.db.session import unavailable

    core = open_core(args, require_schema=False)
    try:
        before = migrate.status(core.db.engine).current
        after = migrate.upgrade(core.db.engine)
    except Exception as error:
        from girlscourt.errors import GirlsCourtError

        if isinstance(error, GirlsCourtError):
            raise
        raise unavailable(core.db.target, error) from error
    if before == after.current:
        print(f"database is up to date (schema {after.current})")
    else:
        print(f"database upgraded from {before or 'empty'} to {after.current}")
    return 0


def db_status(args: argparse.Namespace) -> int:
    from girlscourt.db import migrate
    from girlscourt.db.session import unavailable

    core = open_core(args, require_schema=False)
    try:
        state = migrate.status(core.db.engine)
    except Exception as error:
        raise unavailable(core.db.target, error) from error
    print(f"database: {core.db.target.display}")
    print(f"schema: {state.current or 'empty'} (this version: {state.head})")
    print("status: up to date" if state.up_to_date else "status: needs 'girlscourt db upgrade'")
    _print_blocklist_notice(core)
    if state.up_to_date:
        from girlscourt.services.security import admin_recovery

        warning = admin_recovery.single_admin_warning(core)
        if warning:
            print(f"warning: {warning}")
    return 0 if state.up_to_date else 3


def db_copy(args: argparse.Namespace) -> int:
    import sys

    from girlscourt.cli.context import sign_in
    from girlscourt.services.maintenance import database_copy

    core = open_core(args)
    actor = sign_in(core, args)
    shown: dict[str, int] = {}

    def progress(table: str, rows: int) -> None:
        if sys.stderr.isatty():
            shown[table] = rows
            sys.stderr.write(f"\r{table}: {rows} rows")
            sys.stderr.flush()

    report = database_copy.copy_database(core, actor, args.to, progress=progress)
    if shown:
        sys.stderr.write("\n")
    for table, rows in report.tables:
        print(f"{table}\t{rows}")
    print(
        f"copied {report.rows} rows to {report.target} in {report.seconds:.1f} s "
        f"({report.rows_per_second:,.0f} rows/s); row counts equal; audit chain of "
        f"{report.chain_events} events verifies"
    )
    return 0


def db_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from girlscourt.cli.context import sign_in
    from girlscourt.services.maintenance import backups

    core = open_core(args)
    actor = sign_in(core, args)
    report = backups.backup_database(core, actor, Path(args.out))
    print(
        f"backed up to {report.path} ({report.size:,} bytes, {report.method}, "
        f"{report.seconds:.1f} s); restore with 'girlscourt db restore {report.path}'"
    )
    return 0


def db_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from girlscourt.cli.context import database_url, sign_in
    from girlscourt.services.maintenance import backups

    with backups.opened_backup(Path(args.file)) as backup:
        actor = sign_in(backup, args)
        report = backups.restore_database(backup, actor, database_url(args))
    print(
        f"restored {report.rows} rows into {report.target}; row counts equal; audit chain of "
        f"{report.chain_events} events verifies"
    )
    return 0


def db_recover_admin(args: argparse.Namespace) -> int:
    from girlscourt.services.security import admin_recovery

    core = open_core(args)
    temporary = admin_recovery.recover_admin(core, args.name)
    print(f"temporary password for {args.name} (shown once; a new one is chosen at sign-in):")
    print(temporary)
    return 0


def _print_blocklist_notice(core: Core) -> None:
    """One line for the administrator when the password blocklist is older than a quarter."""
    from girlscourt.services.security import accounts

    notice = accounts.blocklist_notice(core)
    if notice:
        print(f"warning: {notice}")


def db_set_password(args: argparse.Namespace) -> int:
    from girlscourt import credentials
    from girlscourt.db.engine import parse_database_url
    from girlscourt.errors import ConfigurationError

    url_text = args.database or cli_settings()["database_url"]
    target = parse_database_url(url_text or "", source="--database")
    if target.dialect != "postgresql":
        raise ConfigurationError("--database: only a PostgreSQL URL has a password to save")
    url = target.url
    if url.password:
        raise ConfigurationError(
            "--database: leave the password out of the URL; it is asked for and kept only in "
            "the OS keyring"
        )
    account = credentials.account_key(
        url.username or "", url.host or "", url.port, url.database or ""
    )
    password = read_password(stdin_free=True, label=f"Password for {account}")
    if not credentials.set_password(account, password):
        raise ConfigurationError("keyring: no secure keyring is available; nothing was saved")
    print(f"saved the password for {account} in the OS keyring")
    return 0


def db_grant_app_role(args: argparse.Namespace) -> int:
    from girlscourt.services.security import db_roles

    core = open_core(args)
    report = db_roles.grant_app_role(core, args.role)
    print(
        f"granted {report.role} the app's privileges on schema {report.schema}: "
        f"{report.data_tables} data tables read/write, audit_event SELECT/INSERT only"
    )
    return 0


def db_recompute_deadlines(args: argparse.Namespace) -> int:
    from girlscourt.cli.context import sign_in
    from girlscourt.services.clocks import legal_deadlines

    core = open_core(args)
    actor = sign_in(core, args)
    report = legal_deadlines.recompute_all(core, actor)
    print(
        f"recomputed {report.deadlines} deadlines of {report.episodes} custody episodes "
        f"(calendar: {report.calendar_version})"
    )
    return 0
