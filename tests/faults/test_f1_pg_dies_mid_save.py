"""F1: the PostgreSQL server dies in the middle of an intake save.

The "fail at step N" loop: the statements of one full intake save are counted, then for each N
the private server is stopped (``immediate``: a crash, no checkpoint, clients cut off) right
before statement N runs. The officer gets the typed ``ConnectionLost`` in one line, nothing of
the save is in the database once the server is back (no partial intake, no orphan child rows,
every earlier intake intact), and the same save sent again with the same operation id commits
exactly once. Then the lost acknowledgement: the commit goes through but the connection dies
before the answer arrives; the retry answers with the same episode and writes nothing new.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select

from girlscourt.db import migrate
from girlscourt.db.models import AppliedOperation, AuditEvent, CustodyEpisode
from girlscourt.db.session import Database
from girlscourt.errors import ConnectionLost, DatabaseUnavailable
from girlscourt.services.kernel import retry
from girlscourt.services.kernel.core import Core
from girlscourt.services.registry import youths
from tests.faults.fault_table import FaultTable
from tests.faults.intake_desk import (
    Desk,
    census,
    orphans,
    partial_intakes,
    prepare,
    save,
    youth_input,
)
from tests.faults.pg_server import PgServer

FAULT = "F1 PostgreSQL dies mid-save"


@pytest.fixture
def desk(pg_fault_url: str) -> Iterator[Desk]:
    db = Database.open(pg_fault_url)
    migrate.upgrade(db.engine)
    yield prepare(Core(db))
    db.dispose()


@dataclass
class KillBefore:
    """Stops the server right before the ``step``-th statement from now, once."""

    server: PgServer
    step: int
    seen: int = 0
    killed_at: float | None = None

    def __call__(self, *_args: Any) -> None:
        self.seen += 1
        if self.seen == self.step and self.killed_at is None:
            self.server.stop("immediate")
            self.killed_at = time.monotonic()


@contextmanager
def listening(engine: Engine, hook: Callable[..., None]) -> Iterator[None]:
    event.listen(engine, "before_cursor_execute", hook)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", hook)


def fresh_youth(desk: Desk, n: int) -> int:
    """A youth with no intake yet, so the save starts her protocol steps too."""
    return youths.register_youth(desk.core, desk.officer, youth_input(n)).id


def delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {key: after[key] - before[key] for key in before}


def one_counted_save(desk: Desk) -> tuple[int, dict[str, int]]:
    """How many statements a (warm) full intake save runs, the operation-id lookup included,
    and the rows it adds."""
    youth_id = fresh_youth(desk, 1)
    before = census(desk.core)
    counter = KillBefore(server=None, step=0)  # type: ignore[arg-type]
    with listening(desk.core.db.engine, counter):
        save(desk, retry.new_operation_id(), youth_id)
    return counter.seen, delta(before, census(desk.core))


def _existing(core: Core, episode_ids: list[int]) -> int:
    with core.read() as session:
        return int(
            session.execute(
                select(func.count(CustodyEpisode.id)).where(CustodyEpisode.id.in_(episode_ids))
            ).scalar_one()
        )


def _one_line_without_names(error: BaseException) -> bool:
    text = str(error)
    return "\n" not in text and "Faultia" not in text and "gc_fault:gc_fault" not in text


def test_server_killed_before_each_statement_of_an_intake_save(
    desk: Desk, pg_server: PgServer, fault_table: FaultTable
) -> None:
    core = desk.core
    save(desk, None)  # warms every cache the save reads
    steps, adds = one_counted_save(desk)
    assert steps >= 25, f"an intake save ran only {steps} statements"
    assert adds["episode"] == 1 and adds["charge"] == 2 and adds["checklist_step"] >= 1
    committed = list(range(1, _last_episode(core) + 1))
    survived = lost = partial = 0
    slowest = 0.0
    problems: list[str] = []
    for step in range(1, steps + 1):
        youth_id = fresh_youth(desk, 100 + step)
        before = census(core)
        operation = retry.new_operation_id()
        kill = KillBefore(pg_server, step)
        error: BaseException | None = None
        try:
            with listening(core.db.engine, kill):
                save(desk, operation, youth_id)
        except DatabaseUnavailable as raised:
            error = raised
        finally:
            if not pg_server.running():
                pg_server.start()
        if kill.killed_at is None or error is None:
            problems.append(f"step {step}: no kill or no error (killed={kill.killed_at})")
            continue
        slowest = max(slowest, time.monotonic() - kill.killed_at)
        round_ok = isinstance(error, ConnectionLost) and _one_line_without_names(error)
        if not round_ok:
            problems.append(f"step {step}: {type(error).__name__}: {error}")
        lost += len(committed) - _existing(core, committed)
        if census(core) != before or partial_intakes(core) or orphans(core):
            partial += 1
            round_ok = False
            problems.append(
                f"step {step}: {delta(before, census(core))} "
                f"{partial_intakes(core)} {orphans(core)}"
            )
        retried = save(desk, operation, youth_id)  # Save pressed again: same operation id
        after = census(core)
        replayed = save(desk, operation, youth_id)  # and once more: answered, not written
        if delta(before, after) != adds or replayed.episode_id != retried.episode_id:
            problems.append(f"step {step}: retry not exactly once: {delta(before, after)}")
            round_ok = False
        if census(core) != after:
            problems.append(f"step {step}: the replay wrote {delta(after, census(core))}")
            round_ok = False
        committed.append(retried.episode_id)
        survived += round_ok
    lost += len(committed) - _existing(core, committed)
    fault_table.record(
        FAULT,
        rounds=steps,
        survived=survived,
        lost=lost,
        partial=partial,
        seconds_to_error=slowest,
        backend="postgresql",
    )
    assert problems == []
    assert (survived, lost, partial) == (steps, 0, 0)
    assert partial_intakes(core) == [] and orphans(core) == {}


def _last_episode(core: Core) -> int:
    with core.read() as session:
        return int(session.execute(select(func.max(CustodyEpisode.id))).scalar_one())


@contextmanager
def ack_lost_after_commit(engine: Engine, cut: Callable[[Any], None]) -> Iterator[list[float]]:
    """The next COMMIT reaches the server and commits; then ``cut(dbapi_connection)`` breaks
    the connection and the driver's real error on it is what the caller hears."""
    dialect = engine.dialect
    real_commit = dialect.do_commit
    cut_at: list[float] = []

    def commit_then_lose(dbapi_connection: Any) -> None:
        real_commit(dbapi_connection)
        dialect.do_commit = real_commit  # type: ignore[method-assign]
        cut(dbapi_connection)
        cut_at.append(time.monotonic())
        dbapi_connection.execute("SELECT 1")  # the answer that never comes: raises

    dialect.do_commit = commit_then_lose  # type: ignore[method-assign]
    try:
        yield cut_at
    finally:
        dialect.do_commit = real_commit  # type: ignore[method-assign]


def _applied(core: Core, operation: str) -> int | None:
    with core.read() as session:
        return session.execute(
            select(AppliedOperation.record_id).where(AppliedOperation.operation_id == operation)
        ).scalar_one_or_none()


def _replays(core: Core, record_id: int) -> int:
    with core.read() as session:
        return int(
            session.execute(
                select(func.count(AuditEvent.id)).where(
                    AuditEvent.action == "operation.replay", AuditEvent.record_id == record_id
                )
            ).scalar_one()
        )


def test_commit_whose_answer_is_lost_with_the_server_is_not_applied_twice(
    desk: Desk, pg_server: PgServer, fault_table: FaultTable
) -> None:
    core = desk.core
    save(desk, None)
    before = census(core)
    operation = retry.new_operation_id()
    server_dies = ack_lost_after_commit(core.db.engine, lambda _c: pg_server.stop("immediate"))
    with server_dies as cut, pytest.raises(ConnectionLost) as raised:
        save(desk, operation)
    seconds = time.monotonic() - cut[0]
    pg_server.start()
    episode = _applied(core, operation)
    assert episode is not None, "the commit itself should have gone through"
    committed = census(core)
    assert committed["episode"] == before["episode"] + 1 and partial_intakes(core) == []
    retried = save(desk, operation)  # the officer presses Save again after the outage
    assert retried.episode_id == episode
    assert census(core) == committed  # nothing written again
    assert _replays(core, episode) == 1  # only the audit event saying it was answered again
    assert _one_line_without_names(raised.value) and orphans(core) == {}
    fault_table.record(FAULT, rounds=1, survived=1, seconds_to_error=seconds, backend="postgresql")


def _terminate(server: PgServer) -> Callable[[Any], None]:
    def cut(dbapi_connection: Any) -> None:
        raw = getattr(dbapi_connection, "dbapi_connection", dbapi_connection)  # the pool's proxy
        pid = raw.info.backend_pid
        server.psql(f"SELECT pg_terminate_backend({int(pid)})")

    return cut


def test_lost_answer_on_one_connection_is_retried_inside_the_save(
    desk: Desk, pg_server: PgServer, fault_table: FaultTable
) -> None:
    """The server stays up, only the save's connection dies after COMMIT: the service's own
    retry finds the operation applied and hands back the same records, in one call."""
    core = desk.core
    save(desk, None)
    before = census(core)
    intake_op, youth_op = retry.new_operation_id(), retry.new_operation_id()
    with ack_lost_after_commit(core.db.engine, _terminate(pg_server)):
        result = save(desk, intake_op)
    with ack_lost_after_commit(core.db.engine, _terminate(pg_server)):
        registered = youths.register_youth(
            core, desk.officer, youth_input(7), operation_id=youth_op
        )
    after = census(core)
    assert _applied(core, intake_op) == result.episode_id
    assert _applied(core, youth_op) == registered.id
    assert after["episode"] == before["episode"] + 1 and after["youth"] == before["youth"] + 1
    assert after["applied_operation"] == before["applied_operation"] + 2
    assert after["intake.create"] == before["intake.create"] + 1
    assert after["youth.create"] == before["youth.create"] + 1
    assert partial_intakes(core) == [] and orphans(core) == {}
    fault_table.record(FAULT, rounds=2, survived=2, backend="postgresql")
