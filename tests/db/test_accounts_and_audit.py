"""Accounts (first administrator, lockout shared by workstations) and the audit hash chain."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, select, update

from girlscourt.db.models import AuditChainHead, AuditEvent
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.errors import LoginFailed, PermissionDenied, ValidationError
from girlscourt.services import accounts, audit_trail, youths
from girlscourt.services.core import Actor, Core
from tests.conftest import ADMIN_PASSWORD


def test_first_account_must_be_administrator(core: Core) -> None:
    assert not accounts.has_users(core)
    with pytest.raises(ValidationError, match="first account must be an administrator"):
        accounts.create_user(core, None, "olu", "intake_officer", "long enough pass")
    accounts.create_user(core, None, "Admin", "administrator", ADMIN_PASSWORD)
    with pytest.raises(LoginFailed):
        accounts.create_user(core, None, "second", "administrator", ADMIN_PASSWORD)


def test_usernames_unique_case_insensitively(core: Core, admin: Actor) -> None:
    with pytest.raises(ValidationError, match="already taken"):
        accounts.create_user(core, admin, "ADMIN", "supervisor", "another long pass")


@pytest.mark.parametrize(
    ("password", "message"), [("short", "at least 8"), ("admin2", "at least 8")]
)
def test_password_rules(core: Core, admin: Actor, password: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        accounts.create_user(core, admin, "newuser", "analyst", password)


def test_passphrase_with_spaces_and_unicode(core: Core, admin: Actor) -> None:
    phrase = "the night desk at the JJC ☕ is quiet"
    accounts.create_user(core, admin, "sup", "supervisor", phrase)
    assert accounts.authenticate(core, "SUP", phrase).role.value == "supervisor"


def test_five_failures_lock_until_released(core: Core, admin: Actor) -> None:
    accounts.create_user(core, admin, "olu", "intake_officer", "right password here")
    for _ in range(4):
        with pytest.raises(LoginFailed, match="Wrong user name or password"):
            accounts.authenticate(core, "olu", "wrong")
    with pytest.raises(LoginFailed, match="now locked"):
        accounts.authenticate(core, "olu", "wrong")
    with pytest.raises(LoginFailed, match="locked"):
        accounts.authenticate(core, "olu", "right password here")


def test_failures_outside_window_do_not_add_up(core: Core, admin: Actor) -> None:
    accounts.create_user(core, admin, "olu", "intake_officer", "right password here")
    start = dt.datetime(2026, 11, 29, 8, 0, tzinfo=dt.UTC)
    for minute in (0, 5, 10, 14):
        core.clock = lambda m=minute: start + dt.timedelta(minutes=m)  # type: ignore[misc]
        with pytest.raises(LoginFailed):
            accounts.authenticate(core, "olu", "wrong")
    core.clock = lambda: start + dt.timedelta(minutes=16)
    with pytest.raises(LoginFailed, match="Wrong user name"):
        accounts.authenticate(core, "olu", "wrong")  # a new window: count 1, not 5
    assert accounts.authenticate(core, "olu", "right password here").username == "olu"


def test_audit_has_no_names_and_chain_verifies(core: Core, admin: Actor) -> None:
    sentinel = YouthInput(
        legal_first_name="Sentinelfirst",
        legal_last_name="Sentinellast",
        dob=dt.date(2011, 1, 1),
        aliases=("Sentinelalias",),
    )
    record = youths.register_youth(core, admin, sentinel)
    youths.get_youth(core, admin, record.id)
    with core.read() as session:
        events = session.execute(select(AuditEvent)).scalars().all()
    dumped = " ".join(f"{e.action} {e.detail} {e.record_kind} {e.workstation}" for e in events)
    assert "sentinel" not in dumped.casefold()
    report = audit_trail.verify(core, admin)
    assert report.ok and report.events >= 4


def _events(core: Core, actor: Actor) -> list[int]:
    """Make some activity, then list the event ids."""
    youth = YouthInput(legal_first_name="Maya", legal_last_name="Ashford", dob=dt.date(2012, 2, 2))
    record = youths.register_youth(core, actor, youth)
    youths.get_youth(core, actor, record.id)
    with core.read() as session:
        return list(session.execute(select(AuditEvent.id).order_by(AuditEvent.id)).scalars())


def test_verify_detects_changed_row(core: Core, admin: Actor) -> None:
    ids = _events(core, admin)
    with core.write() as session:
        session.execute(update(AuditEvent).where(AuditEvent.id == ids[1]).values(outcome="denied"))
    report = audit_trail.verify(core, admin)
    assert not report.ok and report.first_broken_id == ids[1]


def test_verify_detects_deleted_middle_row(core: Core, admin: Actor) -> None:
    ids = _events(core, admin)
    with core.write() as session:
        session.execute(delete(AuditEvent).where(AuditEvent.id == ids[1]))
    report = audit_trail.verify(core, admin)
    assert not report.ok and report.first_broken_id == ids[2]


def test_verify_detects_cut_tail(core: Core, admin: Actor) -> None:
    ids = _events(core, admin)
    with core.write() as session:
        session.execute(delete(AuditEvent).where(AuditEvent.id == ids[-1]))
    report = audit_trail.verify(core, admin)
    assert not report.ok and "removed" in (report.problem or "")
    with core.read() as session:
        assert session.get(AuditChainHead, 1) is not None


def test_officer_may_not_verify(core: Core, officer: Actor) -> None:
    with pytest.raises(PermissionDenied):
        audit_trail.verify(core, officer)
