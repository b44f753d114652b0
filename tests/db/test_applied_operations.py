"""Operation ids make a save exactly-once, on SQLite and PostgreSQL, and the retry wrapper
runs the whole save again only after a lost connection."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from girlscourt.db.models import (
    AppliedOperation,
    AuditEvent,
    Charge,
    ChecklistStep,
    CustodyEpisode,
    Youth,
)
from girlscourt.domain.intake_rules import ChargeInput, EpisodeInput, SB1322Refusal
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.errors import (
    ConcurrentSave,
    ConflictError,
    ConnectionLost,
    DatabaseUnavailable,
    ValidationError,
)
from girlscourt.services.intake import intake
from girlscourt.services.intake.intake import IntakeRequest
from girlscourt.services.kernel import retry
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.registry import youths
from girlscourt.services.security import accounts
from tests.conftest import ADMIN_PASSWORD
from tests.support import register

NOW = dt.datetime(2026, 11, 25, 22, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
OPERATION = "0b6f2c9e-5d4a-4c1e-9b7a-2f3e8d1c6a50"


@pytest.fixture
def desk(core: Core) -> Core:
    core.clock = lambda: NOW.astimezone(dt.UTC)
    return core


def _count(core: Core, column: object) -> int:
    with core.read() as session:
        return int(session.execute(select(func.count(column))).scalar_one())  # type: ignore[call-overload]


def _intake(youth_id: int) -> IntakeRequest:
    return IntakeRequest(
        EpisodeInput(
            youth_id=youth_id,
            custody_start_at=NOW - dt.timedelta(minutes=20),
            charges=(ChargeInput("PC 211"), ChargeInput("PC 459")),
        )
    )


def test_same_operation_id_registers_one_youth(desk: Core, officer: Actor) -> None:
    data = YouthInput(legal_first_name="Tessa", legal_last_name="Quill", dob=dt.date(2010, 3, 4))
    first = youths.register_youth(desk, officer, data, operation_id=OPERATION)
    again = youths.register_youth(desk, officer, data, operation_id=OPERATION.upper())
    assert again.id == first.id and again.data == first.data
    assert _count(desk, Youth.id) == 1
    with desk.read() as session:
        replays = session.execute(
            select(AuditEvent.record_id).where(AuditEvent.action == "operation.replay")
        ).all()
        applied = session.execute(select(AppliedOperation)).scalar_one()
    assert replays == [(first.id,)]
    assert (applied.kind, applied.record_id, applied.actor_id) == (
        "youth",
        first.id,
        officer.user_id,
    )
    assert applied.created_at.tzinfo is not None  # the server's clock, read back in UTC


def test_same_operation_id_records_one_intake(desk: Core, officer: Actor) -> None:
    youth_id = register(desk, officer)
    first = intake.record_intake(desk, officer, _intake(youth_id), operation_id=OPERATION)
    again = intake.record_intake(desk, officer, _intake(youth_id), operation_id=OPERATION)
    assert again.episode_id == first.episode_id
    assert {d.rule for d in again.deadlines} == {d.rule for d in first.deadlines}
    assert _count(desk, CustodyEpisode.id) == 1 and _count(desk, Charge.id) == 2
    # without an operation id each call is a new intake, as before
    other = intake.record_intake(desk, officer, _intake(youth_id))
    assert other.episode_id != first.episode_id and _count(desk, CustodyEpisode.id) == 2


def test_a_retry_carrying_changed_content_is_refused_not_answered(
    desk: Core, officer: Actor
) -> None:
    """The first save went through but its answer was lost; the officer then edited the form.

    Answering with the first save would silently drop the edit; the retry is told instead."""
    youth_id = register(desk, officer)
    first = intake.record_intake(desk, officer, _intake(youth_id), operation_id=OPERATION)
    edited = IntakeRequest(
        EpisodeInput(
            youth_id=youth_id,
            custody_start_at=NOW - dt.timedelta(minutes=20),
            charges=(ChargeInput("PC 211"),),
        )
    )
    with pytest.raises(ConflictError, match="changes made since were not saved"):
        intake.record_intake(desk, officer, edited, operation_id=OPERATION)
    assert _count(desk, CustodyEpisode.id) == 1 and _count(desk, Charge.id) == 2
    same = intake.record_intake(desk, officer, _intake(youth_id), operation_id=OPERATION)
    assert same.episode_id == first.episode_id
    data = YouthInput(legal_first_name="Tessa", legal_last_name="Quill", dob=dt.date(2010, 3, 4))
    youth_op = retry.new_operation_id()
    youths.register_youth(desk, officer, data, operation_id=youth_op)
    renamed = YouthInput(legal_first_name="Tess", legal_last_name="Quill", dob=dt.date(2010, 3, 4))
    with pytest.raises(ConflictError):
        youths.register_youth(desk, officer, renamed, operation_id=youth_op)
    assert _count(desk, Youth.id) == 2


def test_refused_booking_is_answered_again_without_a_second_protective_response(
    desk: Core, officer: Actor
) -> None:
    youth_id = register(desk, officer)
    refused = IntakeRequest(
        EpisodeInput(
            youth_id=youth_id,
            custody_start_at=NOW - dt.timedelta(minutes=20),
            charges=(ChargeInput("PC 647(b)"),),
        )
    )
    with pytest.raises(SB1322Refusal):
        intake.record_intake(desk, officer, refused, operation_id=OPERATION)
    with pytest.raises(SB1322Refusal):
        intake.record_intake(desk, officer, refused, operation_id=OPERATION)
    with desk.read() as session:
        responses = session.execute(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "intake.sb1322")
        ).scalar_one()
        applied = session.execute(select(AppliedOperation.kind)).scalars().all()
    assert responses == 1  # the protective response was made once, the refusal said twice
    assert applied.count("intake.sb1322") == 1
    assert _count(desk, ChecklistStep.id) == 3 and _count(desk, CustodyEpisode.id) == 0
    with pytest.raises(SB1322Refusal):  # without an operation id it is a new attempt
        intake.record_intake(desk, officer, refused)
    with desk.read() as session:
        responses = session.execute(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "intake.sb1322")
        ).scalar_one()
    assert responses == 2


def test_operation_id_of_another_user_or_kind_is_refused(
    desk: Core, admin: Actor, officer: Actor
) -> None:
    youth_id = register(desk, officer)
    intake.record_intake(desk, officer, _intake(youth_id), operation_id=OPERATION)
    accounts.create_user(desk, admin, "second", "intake_officer", ADMIN_PASSWORD, "Sol Second")
    second = accounts.authenticate(desk, "second", ADMIN_PASSWORD)
    with pytest.raises(ValidationError, match="operation_id: was already used"):
        intake.record_intake(desk, second, _intake(youth_id), operation_id=OPERATION)
    data = YouthInput(legal_first_name="Tessa", legal_last_name="Quill", dob=dt.date(2010, 3, 4))
    with pytest.raises(ValidationError, match="operation_id: was already used"):
        youths.register_youth(desk, officer, data, operation_id=OPERATION)
    with pytest.raises(ValidationError, match="operation_id: must be a UUID"):
        youths.register_youth(desk, officer, data, operation_id="not-a-uuid")
    assert _count(desk, CustodyEpisode.id) == 1 and _count(desk, Youth.id) == 1


def _dropped(invalidated: bool) -> DatabaseUnavailable:
    cause = OperationalError("INSERT", {}, Exception("server closed the connection"))
    cause.connection_invalidated = invalidated
    error = DatabaseUnavailable("database: cannot use it: server closed the connection")
    error.__cause__ = cause
    return error


def test_lost_connection_reruns_the_whole_save_at_most_three_times(desk: Core) -> None:
    calls: list[str] = []
    pauses: list[float] = []

    def save(op: str) -> int:
        calls.append(op)
        if len(calls) < 3:
            raise _dropped(invalidated=True)
        return 7

    result = retry.apply_once(desk, None, "test", None, save, lambda a: -1, sleep=pauses.append)
    assert result == 7 and len(calls) == 3 and len(set(calls)) == 1  # one id for every attempt
    assert pauses == [retry.BACKOFF_SECONDS, retry.BACKOFF_SECONDS * 2]

    def always_lost(op: str) -> int:
        raise _dropped(invalidated=True)

    with pytest.raises(ConnectionLost, match="3 tries, nothing was half-written"):
        retry.apply_once(desk, None, "test", None, always_lost, lambda a: -1, sleep=pauses.append)


def test_a_colliding_save_is_retried_and_stays_a_collision(desk: Core) -> None:
    calls: list[str] = []

    def collides(op: str) -> int:
        calls.append(op)
        raise ConcurrentSave("another desk was saving at the same moment; try again")

    with pytest.raises(ConcurrentSave):
        retry.apply_once(desk, None, "test", None, collides, lambda a: -1, sleep=lambda s: None)
    assert len(calls) == retry.MAX_ATTEMPTS


def test_errors_other_than_a_lost_connection_are_not_retried(desk: Core) -> None:
    calls: list[str] = []

    def busy(op: str) -> int:
        calls.append(op)
        raise _dropped(invalidated=False)  # not a disconnect, and not PostgreSQL's driver

    with pytest.raises(DatabaseUnavailable) as raised:
        retry.apply_once(desk, None, "test", None, busy, lambda a: -1, sleep=lambda s: None)
    assert not isinstance(raised.value, ConnectionLost) and len(calls) == 1
