"""Account security with an injected clock: lockout window, admin release, 90-day disable,
forced change after reset, rehash, screen unlock, the login banner and the idle-lock rule."""

from __future__ import annotations

import datetime as dt

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from girlscourt.config import defaults
from girlscourt.db.models import AuditEvent, User
from girlscourt.db.session import Database
from girlscourt.errors import ConfigurationError, LoginFailed, PermissionDenied, ValidationError
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.registry import youths
from girlscourt.services.security import accounts, session_security
from tests.conftest import ADMIN_PASSWORD

START = dt.datetime(2026, 11, 29, 8, 0, tzinfo=dt.UTC)
RIGHT = "river stones at dawn"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(core: Core, admin: Actor) -> Clock:
    """Services' time frozen at START (the admin signed in before, on the real clock)."""
    frozen = Clock(START)
    core.clock = frozen
    return frozen


@pytest.fixture
def olu(core: Core, admin: Actor, clock: Clock) -> int:
    """An intake officer who signed in once at START."""
    made = accounts.create_user(core, admin, "olu", "intake_officer", RIGHT, "Olu Ade")
    accounts.authenticate(core, "olu", RIGHT)
    return made.id


def events(core: Core, action: str) -> list[AuditEvent]:
    with core.read() as session:
        return list(
            session.execute(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            ).scalars()
        )


def fail(core: Core, times: int, username: str = "olu") -> None:
    for _ in range(times):
        with pytest.raises(LoginFailed):
            accounts.authenticate(core, username, "not the password")


# --- lockout (CJIS AC-7) ---------------------------------------------------------------------


def locked(core: Core, username: str) -> bool:
    with core.read() as session:
        user = session.execute(select(User).where(User.username_key == username)).scalar_one()
        return user.locked_at is not None


def refused_with_the_right_password(core: Core) -> None:
    with pytest.raises(LoginFailed) as failed:
        accounts.authenticate(core, "olu", RIGHT)
    assert str(failed.value) == accounts.SIGN_IN_FAILED


def test_every_failed_sign_in_by_name_reads_the_same(
    core: Core, admin: Actor, clock: Clock, olu: int
) -> None:
    """Unknown name, wrong password, the fifth wrong one, locked, disabled: one answer, so
    nobody can learn from it whether an account exists; the audit trail tells them apart."""
    accounts.create_user(core, admin, "tam", "intake_officer", "another long passphrase", "Tam")
    accounts.disable_account(core, admin, "tam")
    answers = []
    for name, password in [
        ("nobody-here", RIGHT),
        ("olu", "wrong 1"),
        ("olu", "wrong 2"),
        ("olu", "wrong 3"),
        ("olu", "wrong 4"),
        ("olu", "wrong 5"),
        ("olu", RIGHT),
        ("tam", "another long passphrase"),
    ]:
        with pytest.raises(LoginFailed) as failed:
            accounts.authenticate(core, name, password)
        answers.append(str(failed.value))
    assert set(answers) == {accounts.SIGN_IN_FAILED}
    details = [e.detail for e in events(core, "login") if e.outcome == "failed"]
    assert details[-8:] == [
        "unknown user",
        *["bad password"] * 4,
        "locked now",
        "locked",
        "disabled",
    ]


def test_five_failures_in_the_window_lock_even_the_right_password(
    core: Core, admin: Actor, clock: Clock, olu: int
) -> None:
    for _ in range(4):
        clock.advance(minutes=3)
        fail(core, 1)
    clock.advance(minutes=2)  # the fifth, 14 minutes after the first
    with pytest.raises(LoginFailed):
        accounts.authenticate(core, "olu", "still wrong")
    assert locked(core, "olu")
    refused_with_the_right_password(core)
    clock.advance(minutes=16)
    refused_with_the_right_password(core)
    clock.advance(days=3)  # no automatic unlock, however long
    refused_with_the_right_password(core)
    assert locked(core, "olu")


def test_administrator_releases_a_lock_and_it_is_audited(
    core: Core, admin: Actor, clock: Clock, olu: int
) -> None:
    fail(core, 5)
    released = accounts.release_account(core, admin, "OLU")
    assert not released.locked
    assert accounts.authenticate(core, "olu", RIGHT).user_id == olu
    (event,) = events(core, "user.release")
    assert (event.actor_id, event.record_id, event.outcome) == (admin.user_id, olu, "ok")


def test_a_success_resets_the_count(core: Core, clock: Clock, olu: int) -> None:
    fail(core, 4)
    accounts.authenticate(core, "olu", RIGHT)
    fail(core, 4)
    assert accounts.authenticate(core, "olu", RIGHT).username == "olu"


def test_two_workstations_share_one_counter(
    core: Core, db_url: str, clock: Clock, olu: int
) -> None:
    other_db = Database.open(db_url)
    other = Core(other_db, clock=clock, workstation="desk-2")
    try:
        fail(core, 3)
        fail(other, 2)
        refused_with_the_right_password(core)
        assert locked(core, "olu")
    finally:
        other_db.dispose()


def test_wrong_current_password_on_change_and_unlock_counts_too(
    core: Core, clock: Clock, olu: int
) -> None:
    actor = accounts.authenticate(core, "olu", RIGHT)
    for _ in range(2):
        with pytest.raises(LoginFailed):
            accounts.change_password(core, actor, "guess one", "a brand new passphrase")
    for _ in range(3):
        with pytest.raises(LoginFailed):
            accounts.verify_password(core, actor, "guess two")
    with pytest.raises(LoginFailed, match="locked"):
        accounts.verify_password(core, actor, RIGHT)


# --- screen unlock ---------------------------------------------------------------------------


def test_verify_password_unlocks_with_the_right_password(
    core: Core, clock: Clock, olu: int
) -> None:
    actor = accounts.authenticate(core, "olu", RIGHT)
    again = accounts.verify_password(core, actor, RIGHT)
    assert again == actor
    with pytest.raises(LoginFailed):
        accounts.verify_password(core, actor, "someone else's guess")
    outcomes = [(e.outcome, e.actor_id) for e in events(core, "screen.unlock")]
    assert outcomes == [("ok", olu), ("failed", None)]


def test_a_disabled_account_cannot_unlock_its_screen(
    core: Core, admin: Actor, clock: Clock, olu: int
) -> None:
    actor = accounts.authenticate(core, "olu", RIGHT)
    accounts.disable_account(core, admin, olu)
    with pytest.raises(LoginFailed, match="disabled"):
        accounts.verify_password(core, actor, RIGHT)


# --- reset, forced change, change -------------------------------------------------------------


def test_admin_reset_forces_a_change_before_anything_else(
    core: Core, admin: Actor, clock: Clock, olu: int
) -> None:
    temporary = accounts.admin_reset_password(core, admin, olu)
    assert len(temporary) >= 8
    with pytest.raises(LoginFailed):
        accounts.authenticate(core, "olu", RIGHT)  # the old password is gone
    actor = accounts.authenticate(core, "olu", temporary)
    assert actor.must_change_password
    with pytest.raises(PermissionDenied, match="new password"):
        youths.find_youths(core, actor, "maya")
    (refusal,) = [e for e in events(core, "youth.search") if e.outcome == "denied"]
    assert refusal.detail == "password change required"
    changed = accounts.change_password(core, actor, temporary, "my own new passphrase")
    assert not changed.must_change_password
    assert youths.find_youths(core, changed, "maya").rows == ()
    with pytest.raises(LoginFailed):
        accounts.authenticate(core, "olu", temporary)
    assert not accounts.authenticate(core, "olu", "my own new passphrase").must_change_password
    assert [e.outcome for e in events(core, "user.password_reset")] == ["ok"]


def test_reset_releases_a_lock(core: Core, admin: Actor, clock: Clock, olu: int) -> None:
    fail(core, 5)
    temporary = accounts.admin_reset_password(core, admin, "olu")
    assert accounts.authenticate(core, "olu", temporary).must_change_password
    (event,) = events(core, "user.password_reset")
    assert event.detail == "lock released"


def test_change_by_user_name_from_the_sign_in_screen(core: Core, clock: Clock, olu: int) -> None:
    actor = accounts.change_password(core, "Olu", RIGHT, "quiet harbour lights")
    assert actor.user_id == olu
    assert [e.outcome for e in events(core, "password.change")] == ["ok"]


@pytest.mark.parametrize(
    ("new", "code"),
    [
        ("password1", "blocklisted"),
        ("olu12345", "username"),
        ("girls court", "app_name"),
        ("aaaaaaaa", "repetitive"),
        ("12345678abcd", "sequential"),
        ("short", "too_short"),
    ],
)
def test_change_refuses_weak_passwords_with_the_reason(
    core: Core, clock: Clock, olu: int, new: str, code: str
) -> None:
    actor = accounts.authenticate(core, "olu", RIGHT)
    with pytest.raises(accounts.PasswordRefused) as caught:
        accounts.change_password(core, actor, RIGHT, new)
    assert caught.value.field == "new_password" and caught.value.code == code
    with core.read() as session:  # a refused new password is not a failed sign-in
        user = session.get(User, olu)
        assert user is not None and user.failed_attempts == 0


def test_new_password_must_differ(core: Core, clock: Clock, olu: int) -> None:
    actor = accounts.authenticate(core, "olu", RIGHT)
    with pytest.raises(ValidationError, match="new_password: must differ"):
        accounts.change_password(core, actor, RIGHT, RIGHT)


def test_create_user_refuses_a_blocklisted_password(core: Core, admin: Actor) -> None:
    with pytest.raises(accounts.PasswordRefused) as caught:
        accounts.create_user(core, admin, "newbie", "analyst", "iloveyou123")
    assert caught.value.field == "password" and caught.value.code == "blocklisted"


def test_weaker_hashes_are_upgraded_at_sign_in(core: Core, clock: Clock, olu: int) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(RIGHT)
    with core.write() as session:
        session.execute(update(User).where(User.id == olu).values(password_hash=weak))
    accounts.authenticate(core, "olu", RIGHT)
    with core.read() as session:
        stored = session.execute(select(User.password_hash).where(User.id == olu)).scalar_one()
    assert stored != weak and not accounts.HASHER.check_needs_rehash(stored)
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


# --- 90-day inactivity (CJIS AC-2(3)) ---------------------------------------------------------


def test_unused_for_90_days_is_disabled_at_sign_in(
    core: Core, admin: Actor, clock: Clock, olu: int
) -> None:
    clock.advance(days=89, hours=23)
    accounts.authenticate(core, "olu", RIGHT)  # in time: the 90 days start again
    clock.advance(days=90)
    refused_with_the_right_password(core)
    (event,) = events(core, "user.disable")
    assert (event.record_id, event.detail, event.actor_id) == (olu, "inactive 90 days", None)
    accounts.enable_account(core, admin, olu)
    assert accounts.authenticate(core, "olu", RIGHT).user_id == olu


def test_daily_job_disables_only_the_inactive(core: Core, admin: Actor, clock: Clock) -> None:
    accounts.create_user(core, admin, "busy", "court_clerk", "clerk of the court 2")
    accounts.create_user(core, admin, "idle", "court_clerk", "a quiet corner desk")
    accounts.authenticate(core, "busy", "clerk of the court 2")
    accounts.authenticate(core, "idle", "a quiet corner desk")
    clock.advance(days=60)
    accounts.authenticate(core, "busy", "clerk of the court 2")
    accounts.authenticate(core, "admin", ADMIN_PASSWORD)
    clock.advance(days=31)
    fresh_admin = accounts.authenticate(core, "admin", ADMIN_PASSWORD)
    disabled = accounts.disable_inactive_accounts(core, fresh_admin)
    assert [u.username for u in disabled] == ["idle"]
    states = {u.username: u.disabled for u in accounts.list_users(core, fresh_admin)}
    assert states == {"admin": False, "busy": False, "idle": True}
    assert [e.record_id for e in events(core, "user.disable")] == [disabled[0].id]


def test_accounts_with_no_sign_in_count_from_creation(
    core: Core, admin: Actor, clock: Clock
) -> None:
    made = accounts.create_user(core, admin, "never", "analyst", "numbers only please")
    # created_at is the database server's time; move it with the services' frozen clock.
    with core.write() as session:
        session.execute(update(User).where(User.id == made.id).values(created_at=clock.now))
    clock.advance(days=91)
    with pytest.raises(LoginFailed) as failed:
        accounts.authenticate(core, "never", "numbers only please")
    assert str(failed.value) == accounts.SIGN_IN_FAILED
    assert events(core, "user.disable")[0].record_id == made.id


# --- administration ---------------------------------------------------------------------------


def test_disable_and_enable(core: Core, admin: Actor, clock: Clock, olu: int) -> None:
    assert accounts.disable_account(core, admin, olu).disabled
    refused_with_the_right_password(core)
    assert not accounts.enable_account(core, admin, "olu").disabled
    assert accounts.authenticate(core, "olu", RIGHT).user_id == olu
    with pytest.raises(ValidationError, match="your own account"):
        accounts.disable_account(core, admin, admin.user_id)
    with pytest.raises(ValidationError, match="user: 'nobody': no such user"):
        accounts.release_account(core, admin, "nobody")


def test_only_administrators_manage_users(core: Core, officer: Actor) -> None:
    for call in (
        lambda: accounts.list_users(core, officer),
        lambda: accounts.admin_reset_password(core, officer, "admin"),
        lambda: accounts.release_account(core, officer, "admin"),
        lambda: accounts.disable_inactive_accounts(core, officer),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_list_users_shows_states(core: Core, admin: Actor, clock: Clock, olu: int) -> None:
    fail(core, 5)
    accounts.admin_reset_password(core, admin, "olu")
    (olu_row,) = [u for u in accounts.list_users(core, admin) if u.username == "olu"]
    assert olu_row.must_change_password and not olu_row.locked
    assert olu_row.last_login_at == START


# --- login banner (AC-8) and screen lock (AC-11) -----------------------------------------------


def test_banner_has_the_four_required_statements() -> None:
    text = session_security.login_banner().casefold()
    assert "monitored, recorded and subject to audit" in text
    assert "unauthorized use" in text and "criminal and civil penalties" in text
    assert "consent to monitoring and recording" in text
    assert "welfare" in text and "827" in text and "juvenile" in text
    assert "restricted" in text


def test_banner_acknowledgement_is_audited(core: Core) -> None:
    session_security.acknowledge_banner(core, "mlopez")
    (event,) = events(core, "login.banner_ack")
    assert event.actor_id is None and event.detail == "os user mlopez"
    assert event.workstation == "test-desk" and event.outcome == "ok"
    with pytest.raises(ValidationError, match="workstation_username"):
        session_security.acknowledge_banner(core, "bad\nname")


def test_idle_limit_defaults_to_15_and_may_not_pass_30() -> None:
    assert session_security.idle_limit(defaults()) == dt.timedelta(minutes=15)
    assert session_security.idle_limit(
        defaults().with_overrides(idle_lock_minutes=30)
    ) == dt.timedelta(minutes=30)
    for minutes in (0, 31, 600):
        with pytest.raises(ConfigurationError, match="idle_lock_minutes"):
            session_security.idle_limit(defaults().with_overrides(idle_lock_minutes=minutes))


def test_lock_is_due_at_the_limit_and_not_before() -> None:
    last = START
    limit = dt.timedelta(minutes=15)
    assert not session_security.lock_due(last, last + dt.timedelta(minutes=14, seconds=59), limit)
    assert session_security.lock_due(last, last + dt.timedelta(minutes=15), limit)


def test_screen_lock_is_audited(core: Core, officer: Actor) -> None:
    session_security.record_screen_lock(core, officer, manual=True)
    session_security.record_screen_lock(core, officer, manual=False)
    assert [e.detail for e in events(core, "screen.lock")] == ["manual", "idle"]
