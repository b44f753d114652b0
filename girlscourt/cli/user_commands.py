"""``girlscourt user``: accounts."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from girlscourt.cli.context import open_core, sign_in


def register(sub: Any) -> None:
    """Add ``user add``."""
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


def user_add(args: argparse.Namespace) -> int:
    from girlscourt.errors import LoginFailed, ValidationError
    from girlscourt.services import accounts

    core = open_core(args)
    actor = None
    if args.user:
        actor = sign_in(core, args, stdin_free=not args.password_stdin)
    elif accounts.has_users(core):
        raise LoginFailed("--user: sign in as an administrator to add users")
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
