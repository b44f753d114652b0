"""The CLI's commands: each handler opens the core, signs in, calls one service, prints."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from girlscourt.cli.context import open_core, read_password, sign_in


def register(sub: Any) -> None:
    """Add every command group to the parser."""
    db = sub.add_parser("db", help="database schema and connection").add_subparsers(
        dest="db_command", metavar="ACTION", required=True
    )
    db.add_parser("upgrade", help="create or upgrade the schema (idempotent)").set_defaults(
        handler=db_upgrade
    )
    db.add_parser("status", help="schema revision and counts").set_defaults(handler=db_status)
    setpw = db.add_parser("set-password", help="save the PostgreSQL password in the OS keyring")
    setpw.set_defaults(handler=db_set_password)

    user = sub.add_parser("user", help="accounts").add_subparsers(
        dest="user_command", metavar="ACTION", required=True
    )
    add = user.add_parser("add", help="add an account (the first one needs no --user)")
    add.add_argument("name")
    add.add_argument("--role", required=True)
    add.add_argument("--display-name")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the new password from standard input"
    )
    add.set_defaults(handler=user_add)

    demo = sub.add_parser("demo", help="synthetic demo data").add_subparsers(
        dest="demo_command", metavar="ACTION", required=True
    )
    seed = demo.add_parser("seed", help="add deterministic, clearly fictional records")
    seed.add_argument("--youths", type=int, default=200)
    seed.add_argument("--seed", type=int, default=1)
    seed.set_defaults(handler=demo_seed)

    youth = sub.add_parser("youth", help="the youth registry").add_subparsers(
        dest="youth_command", metavar="ACTION", required=True
    )
    yadd = youth.add_parser("add", help="register a youth from JSON; prints the new id")
    yadd.add_argument("--json", required=True, metavar="FILE|-")
    yadd.set_defaults(handler=youth_add)
    find = youth.add_parser("find", help="search by name, alias or date of birth")
    find.add_argument("text")
    find.add_argument("--json", action="store_true")
    find.set_defaults(handler=youth_find)
    show = youth.add_parser("show", help="a youth's record")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=youth_show)


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
    return 0 if state.up_to_date else 3


def db_set_password(args: argparse.Namespace) -> int:
    from girlscourt import credentials
    from girlscourt.config import load_settings
    from girlscourt.db.engine import parse_database_url
    from girlscourt.errors import ConfigurationError

    url_text = args.database or load_settings()["database_url"]
    target = parse_database_url(url_text or "", source="--database")
    if target.dialect != "postgresql":
        raise ConfigurationError("--database: only a PostgreSQL URL has a password to save")
    url = target.url
    account = credentials.account_key(
        url.username or "", url.host or "", url.port, url.database or ""
    )
    password = read_password(stdin_free=True, label=f"Password for {account}")
    if not credentials.set_password(account, password):
        raise ConfigurationError("keyring: no secure keyring is available; nothing was saved")
    print(f"saved the password for {account} in the OS keyring")
    return 0


def user_add(args: argparse.Namespace) -> int:
    from girlscourt.errors import ValidationError
    from girlscourt.services import accounts

    core = open_core(args)
    actor = None
    if args.user:
        actor = sign_in(core, args, stdin_free=not args.password_stdin)
    elif accounts.has_users(core):
        return _fail("--user: sign in as an administrator to add users", 4)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        import getpass

        if not sys.stdin.isatty():
            raise ValidationError("password", "use --password-stdin when not at a terminal")
        password = getpass.getpass(f"New password for {args.name}: ")
    created = accounts.create_user(core, actor, args.name, args.role, password, args.display_name)
    print(created.id)
    return 0


def demo_seed(args: argparse.Namespace) -> int:
    from girlscourt.errors import ValidationError
    from girlscourt.services import demo

    if not 0 <= args.youths <= 1_000_000:
        raise ValidationError("--youths", "must be between 0 and 1,000,000")
    core = open_core(args)
    actor = sign_in(core, args)
    report = demo.seed_youths(core, actor, args.youths, args.seed)
    print(f"added {report.youths} synthetic youths ({report.aliases} aliases)")
    return 0


def youth_add(args: argparse.Namespace) -> int:
    from girlscourt.interchange import read_json, youth_from_json
    from girlscourt.services import youths

    data = youth_from_json(read_json(args.json))
    core = open_core(args)
    actor = sign_in(core, args, stdin_free=args.json != "-")
    record = youths.register_youth(core, actor, data)
    print(record.id)
    return 0


def youth_find(args: argparse.Namespace) -> int:
    from girlscourt.services import youths

    core = open_core(args)
    actor = sign_in(core, args)
    page = youths.find_youths(core, actor, args.text)
    if args.json:
        rows = [
            {
                "id": r.id,
                "legal_first_name": r.legal_first_name,
                "legal_last_name": r.legal_last_name,
                "preferred_name": r.preferred_name,
                "aliases": list(r.aliases),
                "dob": r.dob.isoformat(),
                "score": r.score,
            }
            for r in page.rows
        ]
        _print_json({"results": rows, "truncated": page.truncated})
        return 0
    for r in page.rows:
        aliases = f"  aka {', '.join(r.aliases)}" if r.aliases else ""
        print(f"{r.id}\t{r.display_name}\t{r.dob.isoformat()}{aliases}")
    if not page.rows:
        print("no youth matches", file=sys.stderr)
    return 0


def youth_show(args: argparse.Namespace) -> int:
    from girlscourt.services import record_view

    core = open_core(args)
    actor = sign_in(core, args)
    document = record_view.youth_document(core, actor, args.id)
    if args.json:
        _print_json(document)
    else:
        for key, value in document.items():
            print(f"{key}: {value}")
    return 0


def _print_json(document: Any) -> None:
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _fail(message: str, code: int) -> int:
    print(f"girlscourt: {message}", file=sys.stderr)
    return code
