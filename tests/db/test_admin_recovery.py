"""Issue 16 point 6: the last administrator locked out is not the end. Recovery needs more than
an account (the schema owner, or the OS owner of the SQLite file), is audited, forces a new
password; and a database with a single administrator is warned about."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from girlscourt.cli.main import main
from girlscourt.db.models import AuditEvent, User
from girlscourt.errors import LoginFailed, PermissionDenied, ValidationError
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import accounts, admin_recovery
from tests.conftest import ADMIN_PASSWORD


def lock_out(core: Core, name: str = "admin") -> None:
    for attempt in range(5):
        with pytest.raises(LoginFailed):
            accounts.authenticate(core, name, f"a wrong guess {attempt}")
    with pytest.raises(LoginFailed):
        accounts.authenticate(core, name, ADMIN_PASSWORD)  # locked now


def test_the_owner_recovers_a_locked_out_administrator(core: Core, admin: Actor) -> None:
    lock_out(core)
    temporary = admin_recovery.recover_admin(core, "ADMIN")
    back = accounts.authenticate(core, "admin", temporary)
    assert back.must_change_password  # only a new password can be chosen with it
    with core.read() as session:
        user = session.execute(select(User).where(User.username_key == "admin")).scalar_one()
        assert user.locked_at is None and user.failed_attempts == 0
        event = session.execute(
            select(AuditEvent).where(AuditEvent.action == "user.recover_admin")
        ).scalar_one()
    assert event.actor_id is None and event.record_id == user.id
    owner = "schema owner" if core.db.dialect == "postgresql" else "file owner"
    assert event.detail is not None and event.detail.startswith(f"by the {owner} ")
    assert temporary not in (event.detail or "")


def test_only_an_administrator_is_recovered(core: Core, officer: Actor) -> None:
    with pytest.raises(ValidationError, match="no administrator of that name"):
        admin_recovery.recover_admin(core, "officer")
    with pytest.raises(ValidationError, match="no administrator of that name"):
        admin_recovery.recover_admin(core, "nobody")


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX file ownership")
@pytest.mark.parametrize("backend", ["sqlite"])  # PostgreSQL: test_security_postgres_roles
def test_someone_who_does_not_own_the_file_cannot_recover(
    core: Core, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: owner + 4242)  # another OS account, not root
    with pytest.raises(PermissionDenied, match="only the operating-system owner"):
        admin_recovery.recover_admin(core, "admin")


def test_a_single_administrator_is_warned_about(core: Core, admin: Actor) -> None:
    assert admin_recovery.single_admin_warning(core) == (
        "this database has one administrator (admin): add a second, so a lock-out never needs "
        "'girlscourt db recover-admin'"
    )
    accounts.create_user(core, admin, "second", "administrator", "a second admin passphrase")
    assert admin_recovery.single_admin_warning(core) is None


def test_the_cli_recovers_and_status_warns(
    db_url: str, core: Core, admin: Actor, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database", db_url, "db", "status"]) == 0
    assert "warning: this database has one administrator (admin)" in capsys.readouterr().out
    lock_out(core)
    assert main(["--database", db_url, "db", "recover-admin", "admin"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("temporary password for admin")
    assert accounts.authenticate(core, "admin", printed[1]).must_change_password
