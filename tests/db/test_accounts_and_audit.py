"""Accounts (first administrator, lockout shared by workstations) and the audit hash chain.

The tamper tests play an attacker with the schema owner's or a superuser's rights: they switch
off the append-only triggers first (which the app's own role cannot do), then edit the table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import delete, select, text, update

from girlscourt.db.models import AuditChainHead, AuditEvent, User
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.errors import LoginFailed, PermissionDenied, ValidationError
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.registry import youths
from girlscourt.services.security import accounts, audit_trail
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
    for _ in range(5):
        with pytest.raises(LoginFailed) as failed:
            accounts.authenticate(core, "olu", "wrong")
        assert str(failed.value) == accounts.SIGN_IN_FAILED
    with pytest.raises(LoginFailed) as failed:
        accounts.authenticate(core, "olu", "right password here")
    assert str(failed.value) == accounts.SIGN_IN_FAILED  # locked, and the answer does not say
    with core.read() as session:
        user = session.execute(select(User).where(User.username_key == "olu")).scalar_one()
        assert user.locked_at is not None


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


def tamper(core: Core, *statements: Any) -> None:
    """Run ``statements`` as an attacker with owner or superuser rights (triggers off first)."""
    with core.write() as session:
        if core.db.dialect == "postgresql":
            session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        else:
            session.execute(text("DROP TRIGGER IF EXISTS audit_event_no_update"))
            session.execute(text("DROP TRIGGER IF EXISTS audit_event_no_delete"))
        for statement in statements:
            session.execute(statement)


def test_verify_detects_changed_row(core: Core, admin: Actor) -> None:
    ids = _events(core, admin)
    tamper(core, update(AuditEvent).where(AuditEvent.id == ids[1]).values(outcome="denied"))
    report = audit_trail.verify(core, admin)
    assert not report.ok and report.first_broken_id == ids[1]


def test_verify_detects_deleted_middle_row(core: Core, admin: Actor) -> None:
    ids = _events(core, admin)
    tamper(core, delete(AuditEvent).where(AuditEvent.id == ids[1]))
    report = audit_trail.verify(core, admin)
    assert not report.ok and report.first_broken_id == ids[2]


def test_verify_detects_cut_tail(core: Core, admin: Actor) -> None:
    ids = _events(core, admin)
    tamper(core, delete(AuditEvent).where(AuditEvent.id == ids[-1]))
    report = audit_trail.verify(core, admin)
    assert not report.ok and "removed" in (report.problem or "")
    with core.read() as session:
        assert session.get(AuditChainHead, 1) is not None


def _cut_tail_and_fix_head(core: Core, keep: int) -> None:
    """Delete every event after ``keep`` and point the chain head at it, as a careful attacker."""
    with core.read() as session:
        kept = session.get(AuditEvent, keep)
        assert kept is not None
        kept_hash = kept.entry_hash
    tamper(
        core,
        delete(AuditEvent).where(AuditEvent.id > keep),
        update(AuditChainHead)
        .where(AuditChainHead.id == 1)
        .values(last_event_id=keep, last_hash=kept_hash),
    )


def test_anchor_catches_a_cut_tail_with_the_head_row_fixed(core: Core, admin: Actor) -> None:
    ids = _events(core, admin)
    _cut_tail_and_fix_head(core, ids[-3])
    report = audit_trail.verify(core, admin)
    assert not report.ok and report.anchor_checked
    assert report.problem is not None
    assert report.problem.startswith(f"the trail was cut after event {ids[-3]}:")
    assert report.first_broken_id == ids[-2]


def test_anchor_freezes_when_the_app_writes_on_after_a_cut(core: Core, admin: Actor) -> None:
    ids = _events(core, admin)
    _cut_tail_and_fix_head(core, ids[-3])
    for _ in range(20):  # more commits than the anchor keeps: the evidence must not roll off
        youths.count_youths(core, admin)
        accounts.authenticate(core, "admin", ADMIN_PASSWORD)
    report = audit_trail.verify(core, admin)
    assert not report.ok
    assert f"the trail was cut after event {ids[-3]}:" in (report.problem or "")


def test_anchor_of_an_intact_chain_is_checked(core: Core, admin: Actor) -> None:
    _events(core, admin)
    report = audit_trail.verify(core, admin)
    assert report.ok and report.anchor_checked and report.anchor_event_id is not None


def test_officer_may_not_verify(core: Core, officer: Actor) -> None:
    with pytest.raises(PermissionDenied):
        audit_trail.verify(core, officer)


def test_anchor_file_holds_no_password_and_a_damaged_one_is_reported(
    core: Core, admin: Actor
) -> None:
    _events(core, admin)
    path = core.anchor_path()
    assert path is not None and path.exists()
    written = path.read_text()
    assert "gc_test:gc_test@" not in written and ADMIN_PASSWORD not in written
    path.write_text("{not json")
    report = audit_trail.verify(core, admin)
    assert not report.ok and "anchor file cannot be read" in (report.problem or "")
    assert path.read_text() == "{not json"  # evidence left as found


def test_an_in_memory_database_has_no_anchor() -> None:
    from girlscourt.db.engine import parse_database_url
    from girlscourt.services.kernel import audit_anchor

    assert audit_anchor.ephemeral(parse_database_url("sqlite://"))
    assert not audit_anchor.ephemeral(parse_database_url("sqlite:////tmp/x.sqlite3"))
