"""F5 on SQLite: SIGKILL during writes, then reopen (RELIABILITY.md (b), requirement 25).

A writer process saves youths and intakes through the services, logging each committed id; the
test kills it with SIGKILL at a seeded random moment, again and again on one database file,
never touching the ``-wal`` / ``-shm`` files it leaves. Afterwards the file must pass
``integrity_check`` and ``foreign_key_check``, hold every logged id, and hold no intake without
its charges, deadlines and audit event.

The writers come from a ``forkserver``: a freshly started interpreter that has imported the
product (about 1.2 s, paid once) but never opened a database, so each writer starts with no
inherited SQLite state, as a spawned process would, in milliseconds.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from girlscourt.db.session import Database
from girlscourt.services.kernel.core import Core
from girlscourt.services.security import accounts, audit_trail
from tests.faults import f5_writer
from tests.faults.fault_table import FaultTable

ROUNDS = 150
SEED = 5_2026
MAX_DELAY_S = 0.15
FAULT = "F5 SIGKILL during writes"

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")


def _ids(connection: sqlite3.Connection, sql: str) -> set[int]:
    return {int(row[0]) for row in connection.execute(sql)}


PARTIAL_QUERIES = {
    "intake without its two charges": (
        "SELECT e.id FROM custody_episode e LEFT JOIN charge c ON c.episode_id = e.id "
        "GROUP BY e.id HAVING count(c.id) <> 2"
    ),
    "intake without deadlines": (
        "SELECT e.id FROM custody_episode e WHERE NOT EXISTS "
        "(SELECT 1 FROM legal_deadline d WHERE d.episode_id = e.id)"
    ),
    "intake without its audit event": (
        "SELECT e.id FROM custody_episode e WHERE NOT EXISTS (SELECT 1 FROM audit_event a "
        "WHERE a.action = 'intake.create' AND a.record_kind = 'episode' AND a.record_id = e.id)"
    ),
    "youth without its audit event": (
        "SELECT y.id FROM youth y WHERE NOT EXISTS (SELECT 1 FROM audit_event a "
        "WHERE a.action = 'youth.create' AND a.record_kind = 'youth' AND a.record_id = y.id)"
    ),
}


@dataclass(frozen=True)
class Findings:
    """What a reopened database holds against what the writers reported committed."""

    integrity: list[tuple[object, ...]]
    foreign_keys: list[tuple[object, ...]]
    lost: dict[str, set[int]]
    partial: dict[str, set[int]]
    reported: tuple[int, int]

    def problems(self) -> dict[str, object]:
        found: dict[str, object] = {k: v for k, v in {**self.lost, **self.partial}.items() if v}
        if self.integrity != [("ok",)]:
            found["integrity_check"] = self.integrity
        if self.foreign_keys:
            found["foreign_key_check"] = self.foreign_keys
        return found


def _observer(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def inspect(connection: sqlite3.Connection, log: Path) -> Findings:
    youth_ids, episode_ids = f5_writer.read_log(log)
    return Findings(
        integrity=connection.execute("PRAGMA integrity_check").fetchall(),
        foreign_keys=connection.execute("PRAGMA foreign_key_check").fetchall(),
        lost={
            "lost youths": youth_ids - _ids(connection, "SELECT id FROM youth"),
            "lost intakes": episode_ids - _ids(connection, "SELECT id FROM custody_episode"),
        },
        partial={name: _ids(connection, sql) for name, sql in PARTIAL_QUERIES.items()},
        reported=(len(youth_ids), len(episode_ids)),
    )


def test_sigkill_during_writes_loses_nothing_committed(
    migrated_sqlite_template: Path, tmp_path: Path, fault_table: FaultTable
) -> None:
    path = tmp_path / "desk.sqlite3"
    path.write_bytes(migrated_sqlite_template.read_bytes())
    url = f"sqlite:///{path}"
    f5_writer.prepare(url)
    log = tmp_path / "committed.log"
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tests.faults.f5_writer"])
    chance = random.Random(SEED)
    failures: list[str] = []
    survived = lost = partial = 0
    started = time.monotonic()
    for round_number in range(ROUNDS):
        ready = context.Event()
        writer = context.Process(
            target=f5_writer.write_until_killed,
            args=(url, str(log), ready, SEED + round_number),
            daemon=True,
        )
        writer.start()
        if not ready.wait(timeout=60):
            writer.kill()
            pytest.fail(f"round {round_number}: the writer never saved ({writer.exitcode})")
        time.sleep(chance.uniform(0.0, MAX_DELAY_S))
        assert writer.is_alive(), f"round {round_number}: the writer stopped by itself"
        assert writer.pid is not None
        os.kill(writer.pid, signal.SIGKILL)
        writer.join(timeout=30)
        assert writer.exitcode == -signal.SIGKILL
        assert Path(f"{path}-wal").exists()  # left in place, as a crashed desk leaves it
        # A fresh read-only observer each round, closed again before the next writer starts,
        # so that writer's open is a cold reopen after a crash (the WAL index rebuilt from
        # the -wal file). Being read-only it never checkpoints or removes -wal / -shm.
        with closing(_observer(path)) as observer:
            seen = inspect(observer, log)
        lost = max(lost, sum(len(ids) for ids in seen.lost.values()))
        partial = max(partial, sum(len(ids) for ids in seen.partial.values()))
        if seen.problems():
            failures.append(f"round {round_number}: {seen.problems()}")
        else:
            survived += 1
    with closing(_observer(path)) as observer:
        youths_reported, intakes_reported = inspect(observer, log).reported
    elapsed = time.monotonic() - started
    fault_table.record(
        FAULT, rounds=ROUNDS, survived=survived, lost=lost, partial=partial, backend="sqlite"
    )
    print(
        f"F5 sqlite: {ROUNDS} kills in {elapsed:.1f} s; {youths_reported} youths and "
        f"{intakes_reported} intakes reported committed; {survived} rounds survived"
    )
    assert not failures, "\n".join(failures[:10])
    assert youths_reported >= ROUNDS  # every kill landed after a commit, among the writes

    db = Database.open(url)  # the product's own check on open passes too
    try:
        core = Core(db)
        admin = accounts.authenticate(core, "admin", "correct horse battery staple")
        report = audit_trail.verify(core, admin)
        assert report.ok, report.problem
    finally:
        db.dispose()
