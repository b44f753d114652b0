"""F5 on PostgreSQL: a desk process killed with SIGKILL in the middle of its saves.

A child process (``tests.faults.f5_pg_writer``) registers youths and records full intakes
against the private server, printing each id once its save returned. The parent kills it at a
seeded random moment after its first committed save, round after round, and then checks what
the server kept: every id the child printed is there, no intake or youth lacks a child row,
no child row lacks its parent, every foreign key holds, and the audit chain still verifies.
The next round's writer starting at all shows the killed one left no lock behind.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from girlscourt.db import migrate
from girlscourt.db.models import CustodyEpisode, Youth
from girlscourt.db.session import Database
from girlscourt.services.kernel.core import Core
from girlscourt.services.security import accounts, audit_trail
from tests.faults.fault_table import FaultTable
from tests.faults.intake_desk import (
    ADMIN_PASSWORD,
    Desk,
    foreign_key_violations,
    orphans,
    partial_intakes,
    partial_youths,
    prepare,
)
from tests.faults.pg_server import PgServer

FAULT = "F5 SIGKILL during writes"
ROUNDS = 30
SEED = 5_1530
MAX_DELAY_S = 0.6
REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")


@pytest.fixture
def desk(pg_fault_url: str) -> Iterator[Desk]:
    db = Database.open(pg_fault_url)
    migrate.upgrade(db.engine)
    yield prepare(Core(db))
    db.dispose()


class Writer:
    """One child process, its printed lines collected by a thread as they come."""

    def __init__(self, url: str, round_number: int) -> None:
        env = {**os.environ, "F5_DATABASE_URL": url, "F5_ROUND": str(round_number)}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.f5_pg_writer"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.printed: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.strip())

    def wait_for_first_save(self, seconds: float = 60.0) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None:
                    return False
                continue
            self.printed.append(line)
            if line.startswith(("youth ", "intake ")):
                return True
        return False

    def kill(self) -> int:
        self.process.send_signal(signal.SIGKILL)
        code = self.process.wait(timeout=30)
        self._reader.join(timeout=30)
        while not self.lines.empty():
            self.printed.append(self.lines.get())
        return code

    def stderr(self) -> str:
        assert self.process.stderr is not None
        return self.process.stderr.read()[-2000:]

    def committed(self, kind: str) -> set[int]:
        return {int(line.split()[1]) for line in self.printed if line.startswith(f"{kind} ")}


def _present(core: Core, column: object, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    with core.read() as session:
        return set(session.execute(select(column).where(column.in_(ids))).scalars())  # type: ignore[attr-defined,call-overload]


def test_sigkill_during_writes_loses_nothing_committed(
    desk: Desk, pg_fault_url: str, pg_server: PgServer, fault_table: FaultTable
) -> None:
    core = desk.core
    chance = random.Random(SEED)
    youths_seen: set[int] = set()
    intakes_seen: set[int] = set()
    survived = lost = partial = 0
    failures: list[str] = []
    started = time.monotonic()
    for round_number in range(ROUNDS):
        writer = Writer(pg_fault_url, round_number)
        if not writer.wait_for_first_save():
            writer.kill()
            pytest.fail(f"round {round_number}: the writer never saved: {writer.stderr()}")
        time.sleep(chance.uniform(0.0, MAX_DELAY_S))
        assert writer.process.poll() is None, f"round {round_number}: the writer stopped"
        assert writer.kill() == -signal.SIGKILL
        youths_seen |= writer.committed("youth")
        intakes_seen |= writer.committed("intake")
        missing = (youths_seen - _present(core, Youth.id, youths_seen)) | (
            intakes_seen - _present(core, CustodyEpisode.id, intakes_seen)
        )
        broken = {
            "partial intakes": partial_intakes(core),
            "partial youths": partial_youths(core),
            "orphans": orphans(core),
            "foreign keys": foreign_key_violations(core),
        }
        broken = {name: found for name, found in broken.items() if found}
        lost = max(lost, len(missing))
        partial = max(partial, sum(len(found) for found in broken.values()))
        if missing or broken:
            failures.append(f"round {round_number}: lost {sorted(missing)} {broken}")
        else:
            survived += 1
    elapsed = time.monotonic() - started
    fault_table.record(
        FAULT, rounds=ROUNDS, survived=survived, lost=lost, partial=partial, backend="postgresql"
    )
    print(
        f"F5 postgresql: {ROUNDS} kills in {elapsed:.1f} s; {len(youths_seen)} youths and "
        f"{len(intakes_seen)} intakes reported committed; {survived} rounds survived"
    )
    assert not failures, "\n".join(failures[:10])
    assert len(youths_seen) >= ROUNDS  # every kill landed among committed writes
    assert pg_server.running()
    admin = accounts.authenticate(core, "admin", ADMIN_PASSWORD)
    report = audit_trail.verify(core, admin)
    assert report.ok, report.problem
