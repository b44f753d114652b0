"""``girlscourt user``: accounts, lockouts, password resets and changes, partner assignments."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from girlscourt.cli.arguments import record_id
from girlscourt.cli.context import open_core, read_password, sign_in


def register(sub: Any) -> None:
    """Add the ``user`` commands."""
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
    add.add_argument(
        "--must-change", action="store_true", help="make the person choose a new password first"
    )
    add.set_defaults(handler=user_add)
    user.add_parser("list", help="every account and its state").set_defaults(handler=user_list)
    for name, helptext in (
        ("reset-password", "set a temporary password (printed once); a change is forced"),
        ("release", "lift a lockout after five failed sign-ins"),
        ("disable", "stop an account from signing in"),
        ("enable", "let a disabled account sign in again"),
    ):
        command = user.add_parser(name, help=helptext)
        command.add_argument("name")
        command.set_defaults(handler=user_admin, admin_action=name)
    user.add_parser(
        "disable-inactive", help="disable every account unused for 90 days (run daily)"
    ).set_defaults(handler=user_disable_inactive)
    passwd = user.add_parser(
        "passwd",
        help="change your own password (--user NAME; current password as for signing in, "
        "the new one on the next line of standard input or at a prompt)",
    )
    passwd.set_defaults(handler=user_passwd)
    assign = user.add_parser(
        "assign-partner",
        help="let a DA, defender or advocate account read one youth's record (WIC 827)",
    )
    assign.add_argument("name", metavar="USER")
    assign.add_argument("youth_id", metavar="YOUTH_ID", type=record_id)
    assign.add_argument(
        "--reason", required=True, help=f"the basis: {', '.join(_partner_reasons())}"
    )
    assign.set_defaults(handler=user_assign_partner)
    end = user.add_parser("end-partner", help="end a partner's access to one youth now")
    end.add_argument("name", metavar="USER")
    end.add_argument("youth_id", metavar="YOUTH_ID", type=record_id)
    end.set_defaults(handler=user_end_partner)
    partners = user.add_parser("partners", help="the youth a partner account is assigned to")
    partners.add_argument("name", metavar="USER")
    partners.add_argument(
        "--all", action="store_true", help="ended assignments too (default: current ones)"
    )
    partners.set_defaults(handler=user_partners)


def _partner_reasons() -> list[str]:
    from girlscourt.domain.permissions import PARTNER_REASONS

    return list(PARTNER_REASONS)


def _new_password(prompt: str) -> str:
    from girlscourt.errors import ValidationError

    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise ValidationError("new_password", "expected on standard input")
        return line.rstrip("\r\n")
    first = getpass.getpass(f"{prompt}: ")
    if getpass.getpass("Again: ") != first:
        raise ValidationError("new_password", "the two entries differ")
    return first


def user_add(args: argparse.Namespace) -> int:
    from girlscourt.errors import LoginFailed, ValidationError
    from girlscourt.services.security import accounts

    core = open_core(args)
    actor = None
    if args.user:
        actor = sign_in(core, args, stdin_free=not args.password_stdin)
    elif accounts.has_users(core):
        raise LoginFailed("--user: sign in as an administrator to add users")
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        if not sys.stdin.isatty():
            raise ValidationError("password", "use --password-stdin when not at a terminal")
        password = getpass.getpass(f"New password for {args.name}: ")
    created = accounts.create_user(
        core,
        actor,
        args.name,
        args.role,
        password,
        args.display_name,
        must_change_password=args.must_change,
    )
    print(created.id)
    return 0


def user_list(args: argparse.Namespace) -> int:
    from girlscourt.services.security import accounts

    core = open_core(args)
    actor = sign_in(core, args)
    for user in accounts.list_users(core, actor):
        state = [
            word
            for word, on in (
                ("locked", user.locked),
                ("disabled", user.disabled),
                ("must-change-password", user.must_change_password),
            )
            if on
        ]
        last = user.last_login_at.isoformat(timespec="minutes") if user.last_login_at else "-"
        print(
            f"{user.id}\t{user.username}\t{user.role.value}\t{','.join(state) or 'active'}\t{last}"
        )
    return 0


def user_admin(args: argparse.Namespace) -> int:
    from girlscourt.services.security import accounts

    core = open_core(args)
    actor = sign_in(core, args)
    if args.admin_action == "reset-password":
        temporary = accounts.admin_reset_password(core, actor, args.name)
        print(temporary)
        print(
            f"{args.name} must choose a new password at the next sign-in; hand this temporary "
            "password over in person, it is not shown again",
            file=sys.stderr,
        )
        return 0
    change = {
        "release": accounts.release_account,
        "disable": accounts.disable_account,
        "enable": accounts.enable_account,
    }[args.admin_action]
    summary = change(core, actor, args.name)
    state = "locked" if summary.locked else "disabled" if summary.disabled else "active"
    print(f"{summary.username}: {state}")
    return 0


def user_disable_inactive(args: argparse.Namespace) -> int:
    from girlscourt.services.security import accounts

    core = open_core(args)
    actor = sign_in(core, args)
    done = accounts.disable_inactive_accounts(core, actor)
    for user in done:
        print(f"{user.username}: disabled (unused for 90 days)")
    if not done:
        print("no account has been unused for 90 days")
    return 0


def user_passwd(args: argparse.Namespace) -> int:
    """Change the --user's password; works while a change is forced after a reset.

    The current password comes from GIRLSCOURT_PASSWORD, a prompt, or the first line of standard
    input; the new one from the next line of standard input, or a prompt (asked twice).
    """
    from girlscourt.errors import LoginFailed
    from girlscourt.services.security import accounts

    if not args.user:
        raise LoginFailed("--user: name the account whose password changes")
    core = open_core(args)
    old = read_password(stdin_free=True, label="Current password")
    new = _new_password("New password")
    accounts.change_password(core, args.user, old, new)
    print(f"{args.user}: password changed")
    return 0


def user_assign_partner(args: argparse.Namespace) -> int:
    """Assign a partner account to a youth; prints ``USER: youth ID (assignment N)``."""
    from girlscourt.services.referrals import partner_access

    core = open_core(args)
    actor = sign_in(core, args)
    made = partner_access.assign_partner(core, actor, args.name, args.youth_id, args.reason)
    print(f"{made.username}: youth {made.youth_id} (assignment {made.id}, {made.reason})")
    return 0


def user_end_partner(args: argparse.Namespace) -> int:
    """End a partner's open assignment to a youth."""
    from girlscourt.services.referrals import partner_access

    core = open_core(args)
    actor = sign_in(core, args)
    ended = partner_access.end_partner_assignment(core, actor, args.name, args.youth_id)
    print(f"{ended.username}: youth {ended.youth_id} ended (assignment {ended.id})")
    return 0


def user_partners(args: argparse.Namespace) -> int:
    """One line per assignment: id, youth id, initials, reason, assigned, ended or active."""
    from girlscourt.services.referrals import partner_access

    core = open_core(args)
    actor = sign_in(core, args)
    rows = partner_access.list_partner_assignments(core, actor, args.name, include_ended=args.all)
    for row in rows:
        ended = row.ended_at.isoformat(timespec="minutes") if row.ended_at else "active"
        print(
            f"{row.id}\t{row.youth_id}\t{row.youth_initials}\t{row.reason}\t"
            f"{row.assigned_at.isoformat(timespec='minutes')}\t{ended}"
        )
    if not rows:
        print(f"{args.name}: no {'' if args.all else 'current '}assignments", file=sys.stderr)
    return 0
