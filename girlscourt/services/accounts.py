"""Accounts: the first administrator, adding users, signing in with a shared lockout counter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from girlscourt.db.models import User
from girlscourt.domain.names import clean_text
from girlscourt.domain.permissions import Action, Role
from girlscourt.errors import LoginFailed, ValidationError
from girlscourt.services.core import Actor, Core

# OWASP floor for Argon2id: 19 MiB, 2 iterations, 1 lane.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
PASSWORD_MIN = 8
PASSWORD_MAX = 1024  # long passphrases welcome; never truncated
LOCKOUT_ATTEMPTS = 5
LOCKOUT_WINDOW = dt.timedelta(minutes=15)
_BURN_HASH = HASHER.hash("timing equaliser for unknown user names")


@dataclass(frozen=True)
class UserSummary:
    """A user as administrators see them."""

    id: int
    username: str
    display_name: str
    role: Role
    locked: bool
    disabled: bool


def _summary(user: User) -> UserSummary:
    return UserSummary(
        user.id,
        user.username,
        user.display_name,
        Role(user.role),
        user.locked_at is not None,
        user.disabled_at is not None,
    )


def check_password_rules(password: str, username: str) -> None:
    """Length only (CJIS: no composition rules); the full blocklist comes with the security work."""
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        raise ValidationError("password", f"must be at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise ValidationError("password", f"must be at most {PASSWORD_MAX} characters")
    if password.casefold() == username.casefold():
        raise ValidationError("password", "must not be the user name")


def _clean_username(username: str) -> str:
    name = clean_text("username", username, required=True, max_length=64)
    assert name is not None
    if any(c.isspace() for c in name):
        raise ValidationError("username", "must not contain spaces")
    return name


def has_users(core: Core) -> bool:
    """False on a fresh database: the first account created must be an administrator."""
    with core.read() as session:
        return bool(session.execute(select(func.count(User.id))).scalar_one())


def create_user(
    core: Core,
    actor: Actor | None,
    username: str,
    role: Role | str,
    password: str,
    display_name: str | None = None,
) -> UserSummary:
    """Add an account; with no actor, only the first (administrator) one on an empty database."""
    name = _clean_username(username)
    try:
        role = Role(role)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise ValidationError("role", f"{role!r} is not a role (choose one of {choices})") from None
    display = clean_text("display_name", display_name or name, required=True, max_length=120)
    check_password_rules(password, name)
    if actor is not None:
        core.require(actor, Action.USER_MANAGE)
    with core.write() as session:
        if actor is None:
            if session.execute(select(func.count(User.id))).scalar_one():
                raise LoginFailed("sign in as an administrator to add users")
            if role is not Role.ADMINISTRATOR:
                raise ValidationError("role", "the first account must be an administrator")
        key = name.casefold()
        if session.execute(select(User.id).where(User.username_key == key)).first():
            raise ValidationError("username", f"{name!r} is already taken")
        assert display is not None
        user = User(
            username=name,
            username_key=key,
            display_name=display,
            role=role.value,
            password_hash=HASHER.hash(password),
        )
        session.add(user)
        session.flush()
        core.audit(session, actor, "user.create", record_kind="user", record_id=user.id)
        return _summary(user)


def authenticate(core: Core, username: str, password: str) -> Actor:
    """Sign in. Five failures within 15 minutes lock the account on every workstation.

    A failure is committed (counter and audit event) before it is raised, so it counts even
    though the sign-in did not happen.
    """
    key = (username or "").strip().casefold()
    now = core.now()
    failure: str | None = None
    with core.write() as session:
        user = session.execute(
            select(User).where(User.username_key == key).with_for_update()
        ).scalar_one_or_none()
        if user is None:
            _verify(_BURN_HASH, password)  # same time as a real check: names are not guessable
            core.audit(session, None, "login", outcome="failed", detail="unknown user")
            failure = "Wrong user name or password."
        elif user.locked_at is not None or user.disabled_at is not None:
            state = "locked" if user.locked_at is not None else "disabled"
            core.audit(
                session,
                None,
                "login",
                record_kind="user",
                record_id=user.id,
                outcome="failed",
                detail=state,
            )
            failure = (
                "This account is locked. An administrator must release it."
                if state == "locked"
                else "This account is disabled."
            )
        elif not _verify(user.password_hash, password):
            if user.first_failed_at is None or now - user.first_failed_at > LOCKOUT_WINDOW:
                user.first_failed_at, user.failed_attempts = now, 0
            user.failed_attempts += 1
            if user.failed_attempts >= LOCKOUT_ATTEMPTS:
                user.locked_at = now
            locked = user.locked_at is not None
            core.audit(
                session,
                None,
                "login",
                record_kind="user",
                record_id=user.id,
                outcome="failed",
                detail="locked now" if locked else "bad password",
            )
            failure = (
                "Wrong password. The account is now locked; an administrator must release it."
                if locked
                else "Wrong user name or password."
            )
        else:
            if HASHER.check_needs_rehash(user.password_hash):
                user.password_hash = HASHER.hash(password)
            user.failed_attempts, user.first_failed_at, user.last_login_at = 0, None, now
            actor = Actor(user.id, user.username, user.display_name, Role(user.role))
            core.audit(session, actor, "login", record_kind="user", record_id=user.id)
    if failure is not None:
        raise LoginFailed(failure)
    return actor


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
