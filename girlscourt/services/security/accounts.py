"""Accounts: adding users, signing in with a shared lockout counter, passwords and their life cycle.

CJIS v6.0 numbers (RELIABILITY.md §0): five bad passwords within 15 minutes lock an account until
an administrator releases it; the counter lives in the shared database so every workstation sees
it, and every check of a password (sign-in, screen unlock, password change) counts. Accounts
unused for 90 days are disabled. Passwords are at least 8 characters, never truncated, checked
against a shipped blocklist with the reason shown, and stored as Argon2id at or above the OWASP
floor (re-hashed at sign-in when the parameters rise).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from girlscourt.db.models import User
from girlscourt.db.session import retrying
from girlscourt.domain import passwords
from girlscourt.domain.names import clean_text
from girlscourt.domain.permissions import Action, Role
from girlscourt.errors import LoginFailed, ValidationError
from girlscourt.resources import resource
from girlscourt.services.kernel.core import Actor, Core

# OWASP floor for Argon2id: 19 MiB, 2 iterations, 1 lane.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
PASSWORD_MIN = passwords.MIN_LENGTH
PASSWORD_MAX = passwords.MAX_LENGTH  # long passphrases welcome; never truncated
LOCKOUT_ATTEMPTS = 5
LOCKOUT_WINDOW = dt.timedelta(minutes=15)
INACTIVE_AFTER = dt.timedelta(days=90)  # CJIS AC-2(3)
BLOCKLIST_FILE = ("security", "password_blocklist.txt")
_BURN_HASH = HASHER.hash("timing equaliser for unknown user names")
# Every failed sign-in by name reads the same, whether the name is unknown, the password wrong,
# or the account locked or disabled: the answer never confirms that an account exists.
SIGN_IN_FAILED = (
    "Wrong user name or password. An account locked after five wrong tries, or disabled after "
    "90 days unused, answers the same way: an administrator can release it."
)
_TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud without mistakes

UserRef = int | str  # a user's id, or their user name (any case)

# Account rows are locked FOR NO KEY UPDATE (PostgreSQL; SQLite ignores row locks), never FOR
# UPDATE: every audit event of a signed-in user takes a key-share lock on that user's row (its
# foreign key) while holding the audit chain head, and FOR UPDATE conflicts with key-share. A
# sign-in holding its user FOR UPDATE and waiting for the chain head, against another desk's
# save of the same user holding the head and waiting for the key-share, was a deadlock (7 of 8
# simultaneous `audit verify` runs of one account failed). FOR NO KEY UPDATE still serialises
# the sign-ins of one account (the lockout counter) and lets the audit inserts through.
# (SQLAlchemy spells it ``with_for_update(key_share=True)``.)
NO_KEY_UPDATE: dict[str, bool] = {"key_share": True}


class PasswordRefused(ValidationError):
    """A password broke a rule; ``code`` says which (``too_short``, ``blocklisted``, ...)."""

    def __init__(self, field: str, problem: passwords.PasswordProblem) -> None:
        super().__init__(field, problem.message)
        self.code = problem.code


@dataclass(frozen=True)
class UserSummary:
    """A user as administrators see them."""

    id: int
    username: str
    display_name: str
    role: Role
    locked: bool
    disabled: bool
    must_change_password: bool = False
    last_login_at: dt.datetime | None = None


def _summary(user: User) -> UserSummary:
    return UserSummary(
        user.id,
        user.username,
        user.display_name,
        Role(user.role),
        user.locked_at is not None,
        user.disabled_at is not None,
        bool(user.must_change_password),
        user.last_login_at,
    )


def _actor(user: User) -> Actor:
    return Actor(
        user.id,
        user.username,
        user.display_name,
        Role(user.role),
        must_change_password=bool(user.must_change_password),
    )


# --- password rules -------------------------------------------------------------------------


@cache
def _blocklist_text() -> str:
    return resource(*BLOCKLIST_FILE).read_text(encoding="utf-8")


@cache
def blocklist() -> frozenset[str]:
    """The shipped list of common and breached passwords (casefolded)."""
    return passwords.parse_blocklist(_blocklist_text())


def blocklist_compiled_on() -> dt.date | None:
    """When the shipped blocklist was compiled (it must be refreshed quarterly)."""
    return passwords.blocklist_compiled_on(_blocklist_text())


def blocklist_notice(core: Core, actor: Actor | None = None) -> str | None:
    """What to tell an administrator when the blocklist is older than a quarter (by the core's
    clock, in the county's days); None when it is fresh, and always None for other roles.

    ``actor`` None is an operator at the command line (``girlscourt db status``).
    """
    if actor is not None and actor.role != Role.ADMINISTRATOR:
        return None
    return passwords.blocklist_staleness(blocklist_compiled_on(), core.today())


def password_problem(password: str, username: str) -> passwords.PasswordProblem | None:
    """Why ``password`` may not be used by ``username`` (None when it may): for live feedback."""
    return passwords.check_password(password, username, blocklist())


def check_password_rules(password: str, username: str, field: str = "password") -> None:
    """Raise PasswordRefused naming ``field`` and the reason when the password may not be used."""
    problem = password_problem(password, username)
    if problem is not None:
        raise PasswordRefused(field, problem)


def _hash(password: str) -> str:
    return HASHER.hash(passwords.normalise(password))


def _verify(password_hash: str, password: str) -> bool:
    """Check the NFKC form (how hashes are made), then the raw form of older hashes."""
    candidates = dict.fromkeys((passwords.normalise(password), password))
    for candidate in candidates:
        try:
            if HASHER.verify(password_hash, candidate):
                return True
        except (VerificationError, InvalidHashError):
            continue
    return False


def _needs_rehash(password_hash: str) -> bool:
    try:
        return HASHER.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def _clean_username(username: str) -> str:
    name = clean_text("username", username, required=True, max_length=64)
    assert name is not None
    if any(c.isspace() for c in name):
        raise ValidationError("username", "must not contain spaces")
    return name


def temporary_password() -> str:
    """Four groups of four unambiguous characters: read aloud or typed without mistakes."""
    groups = ("".join(secrets.choice(_TEMP_ALPHABET) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


# --- accounts ---------------------------------------------------------------------------------


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
    *,
    must_change_password: bool = False,
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
            password_hash=_hash(password),
            must_change_password=must_change_password and actor is not None,
        )
        session.add(user)
        session.flush()
        core.audit(session, actor, "user.create", record_kind="user", record_id=user.id)
        return _summary(user)


# --- checking a password (sign-in, screen unlock, password change) ----------------------------


def _inactive(user: User, now: dt.datetime) -> bool:
    since = user.last_login_at or user.created_at
    return since is not None and now - since >= INACTIVE_AFTER


def _attempt(
    core: Core,
    *,
    key: str | None,
    user_id: int | None,
    password: str,
    action: str,
    on_success: Callable[[Session, User], None] | None = None,
) -> Actor:
    """Check one password against the shared counter; every outcome is committed and audited.

    A failure is committed (counter and audit event) before it is raised, so it counts even
    though nothing else happened. One audit event per attempt (plus one if the attempt found the
    account past its 90 days and disabled it). When another desk's save collides with it (a
    deadlock, a busy SQLite file) nothing was committed, and the whole attempt runs again.
    """
    now = core.now()

    def one_try() -> tuple[str | None, Actor | None]:
        failure: str | None = None
        actor: Actor | None = None
        with core.write() as session:
            query = select(User).with_for_update(key_share=True)
            query = (
                query.where(User.id == user_id)
                if key is None
                else query.where(User.username_key == key)
            )
            user = session.execute(query).scalar_one_or_none()
            if user is None:
                _verify(_BURN_HASH, password)  # same time as a real check: names not guessable
                core.audit(session, None, action, outcome="failed", detail="unknown user")
                failure = SIGN_IN_FAILED
            else:
                if user.disabled_at is None and _inactive(user, now):
                    user.disabled_at = now
                    core.audit(
                        session,
                        None,
                        "user.disable",
                        record_kind="user",
                        record_id=user.id,
                        detail="inactive 90 days",
                    )
                failure = _check(core, session, user, password, action, now)
                if failure is not None and key is not None:
                    failure = SIGN_IN_FAILED  # by name: the same answer as an unknown name
                if failure is None:
                    if on_success is not None:
                        on_success(session, user)
                    actor = _actor(user)
                    core.audit(session, actor, action, record_kind="user", record_id=user.id)
        return failure, actor

    failure, actor = retrying(one_try)
    if failure is not None:
        raise LoginFailed(failure)
    assert actor is not None
    return actor


def _check(
    core: Core, session: Session, user: User, password: str, action: str, now: dt.datetime
) -> str | None:
    """None when the password is right and the account usable; else the message to show."""
    if user.locked_at is not None or user.disabled_at is not None:
        state = "locked" if user.locked_at is not None else "disabled"
        core.audit(
            session,
            None,
            action,
            record_kind="user",
            record_id=user.id,
            outcome="failed",
            detail=state,
        )
        if state == "locked":
            return "This account is locked. An administrator must release it."
        return "This account is disabled. An administrator must enable it."
    if not _verify(user.password_hash, password):
        if user.first_failed_at is None or now - user.first_failed_at > LOCKOUT_WINDOW:
            user.first_failed_at, user.failed_attempts = now, 0
        user.failed_attempts += 1
        if user.failed_attempts >= LOCKOUT_ATTEMPTS:
            user.locked_at = now
        locked = user.locked_at is not None
        core.audit(
            session,
            None,
            action,
            record_kind="user",
            record_id=user.id,
            outcome="failed",
            detail="locked now" if locked else "bad password",
        )
        if locked:
            return "Wrong password. The account is now locked; an administrator must release it."
        return "Wrong user name or password."
    if _needs_rehash(user.password_hash) or not user.password_hash.startswith("$argon2id$"):
        user.password_hash = _hash(password)
    user.failed_attempts, user.first_failed_at, user.last_login_at = 0, None, now
    return None


def authenticate(core: Core, username: str, password: str) -> Actor:
    """Sign in. Five failures within 15 minutes lock the account on every workstation.

    After an administrator's reset the actor comes back with ``must_change_password`` set: every
    service but ``change_password`` refuses it until a new password is chosen.
    """
    key = (username or "").strip().casefold()
    return _attempt(core, key=key, user_id=None, password=password, action="login")


def verify_password(core: Core, actor: Actor, password: str) -> Actor:
    """Unlock a locked screen: the signed-in user's password again (counts toward the lockout).

    Returns the actor as the database now sees them; raises LoginFailed on a wrong password or
    when the account was locked or disabled meanwhile (the GUI then signs the user out).
    """
    return _attempt(
        core, key=None, user_id=actor.user_id, password=password, action="screen.unlock"
    )


def change_password(
    core: Core, actor_or_username: Actor | str, old_password: str, new_password: str
) -> Actor:
    """Choose a new password, proving the current one (a wrong one counts toward the lockout).

    Works for a signed-in actor, for one whose password must change, and by user name from the
    sign-in screen. Returns the actor with ``must_change_password`` cleared.
    """
    if isinstance(actor_or_username, Actor):
        key, user_id, name = None, actor_or_username.user_id, actor_or_username.username
    else:
        name = (actor_or_username or "").strip()
        key, user_id = name.casefold(), None
    if not isinstance(new_password, str) or not new_password:
        raise ValidationError("new_password", "is required")
    check_password_rules(new_password, name, field="new_password")
    if passwords.normalise(new_password) == passwords.normalise(old_password or ""):
        raise ValidationError("new_password", "must differ from the current password")

    def store(_session: Session, user: User) -> None:
        user.password_hash = _hash(new_password)
        user.must_change_password = False

    return _attempt(
        core,
        key=key,
        user_id=user_id,
        password=old_password or "",
        action="password.change",
        on_success=store,
    )


# --- administration -------------------------------------------------------------------------


def _target(session: Session, user: UserRef) -> User:
    if isinstance(user, bool) or not isinstance(user, int | str):
        raise ValidationError("user", "give a user id or a user name")
    if isinstance(user, int):
        found = session.get(User, user, with_for_update=NO_KEY_UPDATE)
    else:
        found = session.execute(
            select(User)
            .where(User.username_key == user.strip().casefold())
            .with_for_update(key_share=True)
        ).scalar_one_or_none()
    if found is None:
        raise ValidationError("user", f"{user!r}: no such user")
    return found


def _admin_change(
    core: Core,
    admin: Actor,
    user: UserRef,
    action: str,
    change: Callable[[User], str | None],
) -> UserSummary:
    """One administrative change to an account, with its audit event, in one transaction."""
    core.require(admin, Action.USER_MANAGE, record_kind="user")
    with core.write() as session:
        target = _target(session, user)
        detail = change(target)
        core.audit(session, admin, action, record_kind="user", record_id=target.id, detail=detail)
        session.flush()
        return _summary(target)


def admin_reset_password(core: Core, admin: Actor, user: UserRef) -> str:
    """A random temporary password; the user must choose a new one at next sign-in.

    The reset also releases a lock (an administrator has just dealt with the account). The
    temporary password is returned once, to be handed over, and never stored or logged.
    """
    temporary = temporary_password()

    def reset(target: User) -> str | None:
        if target.id == admin.user_id:
            raise ValidationError("user", "change your own password with change_password")
        was_locked = target.locked_at is not None
        target.password_hash = _hash(temporary)
        target.must_change_password = True
        target.locked_at, target.failed_attempts, target.first_failed_at = None, 0, None
        return "lock released" if was_locked else None

    _admin_change(core, admin, user, "user.password_reset", reset)
    return temporary


def release_account(core: Core, admin: Actor, user: UserRef) -> UserSummary:
    """Lift a lockout (CJIS AC-7: locked accounts stay locked until an administrator acts)."""

    def release(target: User) -> str | None:
        was_locked = target.locked_at is not None
        target.locked_at, target.failed_attempts, target.first_failed_at = None, 0, None
        return None if was_locked else "was not locked"

    return _admin_change(core, admin, user, "user.release", release)


def disable_account(core: Core, admin: Actor, user: UserRef) -> UserSummary:
    """Stop an account from signing in (someone left, or it is no longer needed)."""

    def disable(target: User) -> str | None:
        if target.id == admin.user_id:
            raise ValidationError("user", "you cannot disable your own account")
        if target.disabled_at is not None:
            return "was already disabled"
        target.disabled_at = core.now()
        return None

    return _admin_change(core, admin, user, "user.disable", disable)


def enable_account(core: Core, admin: Actor, user: UserRef) -> UserSummary:
    """Let a disabled account sign in again.

    Re-enabling counts as activity (``last_login_at`` is set to now), so the 90-day rule gives
    the person 90 days to sign in rather than disabling the account again at once.
    """

    def enable(target: User) -> str | None:
        if target.disabled_at is None:
            return "was not disabled"
        target.disabled_at = None
        target.last_login_at = core.now()
        return None

    return _admin_change(core, admin, user, "user.enable", enable)


def disable_inactive_accounts(core: Core, admin: Actor) -> tuple[UserSummary, ...]:
    """Disable every account unused for 90 days (run daily; CJIS allows a week), each audited."""
    core.require(admin, Action.USER_MANAGE, record_kind="user")
    now = core.now()
    with core.write() as session:
        users = (
            session.execute(
                select(User)
                .where(User.disabled_at.is_(None))
                .order_by(User.id)
                .with_for_update(key_share=True)
            )
            .scalars()
            .all()
        )
        done = []
        for user in users:
            if _inactive(user, now) and user.id != admin.user_id:
                user.disabled_at = now
                core.audit(
                    session,
                    admin,
                    "user.disable",
                    record_kind="user",
                    record_id=user.id,
                    detail="inactive 90 days",
                )
                done.append(user)
        session.flush()
        return tuple(_summary(u) for u in done)


def list_users(core: Core, admin: Actor) -> tuple[UserSummary, ...]:
    """Every account, by user name (audited: account data is itself protected)."""
    core.require(admin, Action.USER_MANAGE, record_kind="user")
    with core.write() as session:
        users = session.execute(select(User).order_by(User.username_key)).scalars().all()
        core.audit(session, admin, "user.list", record_kind="user")
        return tuple(_summary(u) for u in users)
