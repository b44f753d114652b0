"""The audit trail: one complete event per kind, server time, append-only, eight writers at once,
the viewer's queries, and a sentinel youth whose name and narrative never reach it or the logs."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from girlscourt.db.models import AuditEvent
from girlscourt.db.session import Database
from girlscourt.domain.intake_rules import ChargeInput, DecisionInput, EpisodeInput
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.errors import LoginFailed, NotFound, PermissionDenied, RuleRefused, ValidationError
from girlscourt.services.documents import documents
from girlscourt.services.intake import intake, screening_detail
from girlscourt.services.intake.intake import IntakeRequest, RiskInput, ScreeningInput
from girlscourt.services.kernel.audit_log import verify_chain
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.overview import record_view
from girlscourt.services.registry import youths
from girlscourt.services.security import accounts, audit_trail
from tests.conftest import ADMIN_PASSWORD, OFFICER_PASSWORD
from tests.support import risk_answers, screening_responses, supervisor, train

MAYA = YouthInput(legal_first_name="Maya", legal_last_name="Ashford", dob=dt.date(2012, 2, 2))


def all_events(core: Core) -> list[AuditEvent]:
    with core.read() as session:
        return list(session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars())


def last_id(core: Core) -> int:
    with core.read() as session:
        return int(session.execute(select(func.coalesce(func.max(AuditEvent.id), 0))).scalar_one())


# --- one complete event per kind --------------------------------------------------------------

Operation = Callable[[Core, Actor, Actor, int], object]


def _print(core: Core, admin: Actor, officer: Actor, youth: int) -> object:
    with core.write() as session:
        return documents.issue_document_id(
            core, session, officer, "referral", record_kind="youth", record_id=youth
        )


def _export(core: Core, admin: Actor, officer: Actor, youth: int) -> object:
    with core.write() as session:
        return documents.issue_document_id(
            core,
            session,
            officer,
            "export",
            record_kind="youth",
            record_id=youth,
            action="document.export",
        )


def _failed_login(core: Core, admin: Actor, officer: Actor, youth: int) -> object:
    with pytest.raises(LoginFailed):
        accounts.authenticate(core, "officer", "not the password")
    return None


def _refusal(core: Core, admin: Actor, officer: Actor, youth: int) -> object:
    accounts.create_user(core, admin, "numbers", "analyst", "numbers only please")
    analyst = accounts.authenticate(core, "numbers", "numbers only please")
    before = last_id(core)
    with pytest.raises(PermissionDenied):
        youths.get_youth(core, analyst, youth)
    return before


KINDS: dict[str, tuple[Operation, str, str, str | None, bool]] = {
    # kind: (operation, action, outcome, record kind, has a user)
    "login": (
        lambda c, a, o, y: accounts.authenticate(c, "officer", OFFICER_PASSWORD),
        "login",
        "ok",
        "user",
        True,
    ),
    "failed login": (_failed_login, "login", "failed", "user", False),
    "view": (lambda c, a, o, y: youths.get_youth(c, o, y), "youth.view", "ok", "youth", True),
    "create": (
        lambda c, a, o, y: youths.register_youth(c, o, MAYA),
        "youth.create",
        "ok",
        "youth",
        True,
    ),
    "change": (
        lambda c, a, o, y: youths.update_youth(c, o, y, 1, MAYA),
        "youth.edit",
        "ok",
        "youth",
        True,
    ),
    "print": (_print, "document.print", "ok", "youth", True),
    "export": (_export, "document.export", "ok", "youth", True),
    "refusal": (_refusal, "youth.view", "denied", "youth", True),
    # searches and browsing are reads too (RELIABILITY 16): audited, never what was typed
    "search": (
        lambda c, a, o, y: youths.find_youths(c, o, "Maya"),
        "youth.search",
        "ok",
        None,
        True,
    ),
    "browse": (
        lambda c, a, o, y: youths.list_youths(c, o, 0, 50),
        "youth.browse",
        "ok",
        None,
        True,
    ),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_writes_exactly_one_complete_event(
    core: Core, admin: Actor, officer: Actor, kind: str
) -> None:
    operation, action, outcome, record_kind, has_user = KINDS[kind]
    youth = youths.register_youth(core, officer, MAYA).id
    core.clock = lambda: dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)  # a drifting desk clock
    before = last_id(core)
    result = operation(core, admin, officer, youth)
    if kind == "refusal":
        assert isinstance(result, int)
        before = result
    with core.read() as session:
        new = list(
            session.execute(
                select(AuditEvent).where(AuditEvent.id > before).order_by(AuditEvent.id)
            ).scalars()
        )
    assert len(new) == 1, [e.action for e in new]
    (event,) = new
    assert (event.action, event.outcome, event.record_kind) == (action, outcome, record_kind)
    assert event.workstation == "test-desk"
    assert event.occurred_at.tzinfo is not None and event.occurred_at.utcoffset() == dt.timedelta(0)
    assert abs(event.occurred_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=2)
    assert (event.actor_id is not None) == has_user
    assert (event.record_id is not None) == (record_kind is not None)
    if record_kind == "youth" and kind != "create":
        assert event.record_id == youth
    if kind == "search":
        assert event.detail == "1 youth shown"  # how many, never the name typed


# --- append-only --------------------------------------------------------------------------------


def _refused(core: Core, statement: object) -> None:
    with pytest.raises(RuleRefused, match="append-only") as refused, core.write() as session:
        session.execute(statement)  # type: ignore[call-overload]
    assert isinstance(refused.value.__cause__, DBAPIError)  # the database itself refused


def test_the_app_cannot_change_or_delete_an_event(core: Core, admin: Actor) -> None:
    first = all_events(core)[0].id
    _refused(core, update(AuditEvent).where(AuditEvent.id == first).values(outcome="denied"))
    _refused(core, delete(AuditEvent).where(AuditEvent.id == first))
    if core.db.dialect == "postgresql":
        _refused(core, text("TRUNCATE audit_event"))
    assert audit_trail.verify(core, admin).ok


# --- eight writers at once -----------------------------------------------------------------------


def test_eight_concurrent_writers_leave_one_valid_chain(
    core: Core, admin: Actor, db_url: str
) -> None:
    writers, each = 8, 10
    before = len(all_events(core))
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(number: int) -> None:
        database = Database.open(db_url)
        own = Core(database, workstation=f"desk-{number}")
        try:
            start.wait(timeout=30)
            for i in range(each):
                with own.write() as session:
                    own.audit(session, admin, "test.concurrent", record_kind="test", record_id=i)
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            database.dispose()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    with core.read() as session:
        report = verify_chain(session)
    assert report.ok, report
    assert report.events == before + writers * each
    assert audit_trail.verify(core, admin).ok  # the anchor kept up with eight writers too


# --- the audit viewer --------------------------------------------------------------------------


def test_list_events_filters_by_user_record_and_time(
    core: Core, admin: Actor, officer: Actor
) -> None:
    start = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    youth = youths.register_youth(core, officer, MAYA).id
    youths.get_youth(core, officer, youth)
    youths.get_youth(core, admin, youth)
    by_officer = audit_trail.list_events(core, admin, user_id=officer.user_id)
    assert by_officer.rows and {r.user_id for r in by_officer.rows} == {officer.user_id}
    assert {r.username for r in by_officer.rows} == {"officer"}
    on_youth = audit_trail.list_events(core, admin, record_kind="youth", record_id=youth)
    assert [r.action for r in on_youth.rows] == ["youth.view", "youth.view", "youth.create"]
    recent = audit_trail.list_events(core, admin, since=start)
    assert all(r.occurred_at >= start for r in recent.rows) and len(recent.rows) >= 3
    assert not audit_trail.list_events(core, admin, until=start - dt.timedelta(days=1)).rows
    page = audit_trail.list_events(core, admin, limit=2)
    assert len(page.rows) == 2 and page.has_more
    following = audit_trail.list_events(core, admin, limit=2, before_id=page.next_before_id)
    older = max(e.id for e in all_events(core) if e.id < page.rows[-1].id)
    assert following.rows[0].id == older  # stable although the first view was itself logged
    skipped = audit_trail.list_events(core, admin, limit=2, offset=2)
    assert skipped.offset == 2 and len(skipped.rows) == 2
    assert any(e.action == "audit.view" for e in all_events(core))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"since": dt.datetime(2026, 1, 1)}, "since"),
        ({"record_id": 3}, "record_kind"),
    ],
)
def test_list_events_refuses_bad_filters(
    core: Core, admin: Actor, kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        audit_trail.list_events(core, admin, **kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_who_viewed_lists_every_touch_of_a_youth(core: Core, admin: Actor, officer: Actor) -> None:
    youth = youths.register_youth(core, officer, MAYA).id
    youths.get_youth(core, officer, youth)
    youths.get_youth(core, admin, youth)
    touches = audit_trail.who_viewed(core, admin, youth)
    assert [(t.username, t.action) for t in touches] == [
        ("admin", "youth.view"),
        ("officer", "youth.view"),
        ("officer", "youth.create"),
    ]
    assert touches[0].display_name == "Ada Admin" and touches[0].workstation == "test-desk"
    with pytest.raises(PermissionDenied):
        audit_trail.who_viewed(core, officer, youth)
    with pytest.raises(PermissionDenied):
        audit_trail.list_events(core, officer)


# --- the sentinel -------------------------------------------------------------------------------

SENTINEL_FIRST = "Zzqxsentinelfirst"
SENTINEL_LAST = "Zzqxsentinellast"
SENTINEL_ALIAS = "Zzqxsentinelalias"
SENTINEL_NARRATIVE = "Zzqxsentinelnarrative the victim lives on the same block"
SENTINELS = ("zzqxsentinel",)


def _sentinel_activity(core: Core, admin: Actor, officer: Actor) -> None:
    now = dt.datetime.now(dt.UTC)
    train(core, admin, "officer")
    data = YouthInput(
        legal_first_name=SENTINEL_FIRST,
        legal_last_name=SENTINEL_LAST,
        dob=dt.date(2011, 5, 6),
        aliases=(SENTINEL_ALIAS,),
    )
    youth = youths.register_youth(core, officer, data)
    youths.find_youths(core, officer, SENTINEL_LAST)
    youths.possible_duplicates(core, officer, data)
    sup = supervisor(core, admin)
    result = intake.record_intake(
        core,
        officer,
        IntakeRequest(
            EpisodeInput(
                youth_id=youth.id,
                custody_start_at=now - dt.timedelta(minutes=20),
                charges=(ChargeInput("PC 211"),),
            ),
            ScreeningInput("csec-screen-gc", screening_responses()),
            RiskInput("detention-risk-example", risk_answers()),
            DecisionInput(
                "detain", ("protect_person_or_property",), "victim_safety", SENTINEL_NARRATIVE
            ),
        ),
        approver=sup,
    )
    assert result.override_direction == "up"
    youths.update_youth(core, officer, youth.id, youth.version, data)
    document = record_view.youth_document(core, officer, youth.id)
    screening_detail.screening_detail(core, officer, document["screenings"][0]["id"])
    audit_trail.list_events(core, admin, record_kind="youth", record_id=youth.id)
    audit_trail.who_viewed(core, admin, youth.id)
    with pytest.raises(LoginFailed):  # a youth's name typed into the user-name box
        accounts.authenticate(core, SENTINEL_LAST, "whatever was typed")
    with pytest.raises(ValidationError):
        youths.register_youth(core, officer, YouthInput(SENTINEL_FIRST, "", dt.date(2011, 5, 6)))
    with pytest.raises(NotFound):
        youths.get_youth(core, officer, youth.id + 1000)
    accounts.authenticate(core, "admin", ADMIN_PASSWORD)
    assert audit_trail.verify(core, admin).ok


def test_sentinel_never_reaches_the_audit_table_the_logs_or_the_anchor(
    core: Core,
    admin: Actor,
    officer: Actor,
    caplog: pytest.LogCaptureFixture,
    private_data_dir: Path,
) -> None:
    caplog.set_level(logging.DEBUG)  # everything logged, at every level
    _sentinel_activity(core, admin, officer)
    with core.read() as session:
        rows = session.execute(select(AuditEvent.__table__)).all()
    assert len(rows) > 15
    dumped = "\n".join(" ".join(str(v) for v in row) for row in rows).casefold()
    logged = caplog.text.casefold()
    anchors = " ".join(p.read_text() for p in private_data_dir.rglob("*.json")).casefold()
    for sentinel in SENTINELS:
        assert sentinel not in dumped
        assert sentinel not in logged
        assert sentinel not in anchors
