"""Getting back in when every administrator is locked out, by a path that needs more than an
account: the PostgreSQL schema owner, or on SQLite the operating-system owner of the file.

Five wrong passwords for the only administrator's name lock her out, and anyone may type that
name. ``recover_admin`` gives a named administrator a temporary password (a change is forced at
sign-in), releases her lock and enables her, audited as done by the schema or file owner. The
app's own PostgreSQL role owns nothing, so it cannot do this; nor can a person who can only run
the app against a file someone else owns.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from sqlalchemy import func, select, text

from girlscourt.db.models import User
from girlscourt.domain.permissions import Role
from girlscourt.errors import PermissionDenied, ValidationError
from girlscourt.services.kernel.core import Core
from girlscourt.services.security.accounts import _hash, temporary_password

_PG_OWNER = text(
    "SELECT pg_get_userbyid(n.nspowner) = current_user OR r.rolsuper "
    "FROM pg_namespace n, pg_roles r "
    "WHERE n.nspname = current_schema() AND r.rolname = current_user"
)


def recovery_authority(core: Core) -> str:
    """Who may recover here, named for the audit trail; PermissionDenied for anyone else."""
    target = core.db.target
    if target.dialect == "postgresql":
        with core.read() as session:
            owner = session.execute(_PG_OWNER).scalar()
            role = session.execute(text("SELECT current_user")).scalar()
        if not owner:
            raise PermissionDenied(
                f"{role}: connect as the owner of the database schema (not the app's role) to "
                "recover an administrator"
            )
        return f"schema owner {role}"
    database = target.url.database
    if not database or database == ":memory:":
        raise PermissionDenied("an in-memory database has no owner to recover it")
    path = Path(database)
    me = _os_user()
    if hasattr(os, "getuid"):  # POSIX: the file's owner (or root) only
        uid = os.getuid()
        if uid != 0 and path.stat().st_uid != uid:
            raise PermissionDenied(
                f"{me}: only the operating-system owner of {path.name} may recover an administrator"
            )
    return f"file owner {me}"


def _os_user() -> str:
    """The operating-system account running this, for the audit trail."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container, a deleted account)
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def recover_admin(core: Core, username: str) -> str:
    """A temporary password for the administrator ``username`` (lock released, enabled)."""
    authority = recovery_authority(core)
    temporary = temporary_password()
    key = (username or "").strip().casefold()
    with core.write() as session:
        user = session.execute(
            select(User).where(User.username_key == key).with_for_update()
        ).scalar_one_or_none()
        if user is None or user.role != Role.ADMINISTRATOR.value:
            raise ValidationError("user", f"{username!r}: no administrator of that name")
        user.password_hash = _hash(temporary)
        user.must_change_password = True
        user.locked_at, user.failed_attempts, user.first_failed_at = None, 0, None
        user.disabled_at = None
        core.audit(
            session,
            None,
            "user.recover_admin",
            record_kind="user",
            record_id=user.id,
            detail=f"by the {authority}"[:200],
        )
    return temporary


def single_admin_warning(core: Core) -> str | None:
    """One line when the database has fewer than two usable administrators."""
    with core.read() as session:
        names = list(
            session.execute(
                select(User.username)
                .where(User.role == Role.ADMINISTRATOR.value, User.disabled_at.is_(None))
                .order_by(func.lower(User.username))
            ).scalars()
        )
    if len(names) >= 2:
        return None
    who = f"one administrator ({names[0]})" if names else "no usable administrator"
    return (
        f"this database has {who}: add a second, so a lock-out never needs "
        "'girlscourt db recover-admin'"
    )
