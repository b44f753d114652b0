"""Eight sign-ins of one account at the same moment (a batch script, two windows) all succeed.

Each desk signs in and then writes an audit event of its own as that user (``audit verify``),
as the batch script in issue 14 did. The sign-in locked the account FOR UPDATE and then waited
for the audit chain head, while another desk held the head and waited for the key-share lock
its audit event's foreign key takes on the same account: 7 of 8 failed with "deadlock
detected". The account lock is now FOR NO KEY UPDATE, which key-share does not wait for.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

import pytest

from girlscourt.db.session import Database
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import accounts, audit_trail

T = TypeVar("T")
DESKS = 8
ROUNDS = 3
PASSWORD = "eight desks one account"


def _once(unit: Callable[[], T]) -> T:
    return unit()


@pytest.mark.parametrize("retries", [False, True], ids=["lock-order-alone", "with-retries"])
def test_eight_simultaneous_sign_ins_of_one_account_all_succeed(
    core: Core, admin: Actor, retries: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not retries:  # the lock order alone must be enough: no collision to retry at all
        monkeypatch.setattr(accounts, "retrying", _once)
    accounts.create_user(core, admin, "batch", "administrator", PASSWORD, "Bo Batch")
    url = core.db.target.url.render_as_string(hide_password=False)
    desks = [Core(Database.open(url)) for _ in range(DESKS)]
    start = threading.Barrier(DESKS, timeout=60)
    outcomes: list[str] = []

    def desk(workstation: Core) -> None:
        for _ in range(ROUNDS):
            try:
                start.wait()
                actor = accounts.authenticate(workstation, "batch", PASSWORD)
                assert audit_trail.verify(workstation, actor).ok
                outcomes.append("ok")
            except BaseException as error:  # counted below, never lost in the thread
                outcomes.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=desk, args=(d,)) for d in desks]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
    finally:
        for workstation in desks:
            workstation.db.dispose()
    failures = [o for o in outcomes if o != "ok"]
    assert not failures, failures
    assert len(outcomes) == DESKS * ROUNDS
    report = audit_trail.verify(core, admin)
    assert report.ok, report.problem


@pytest.mark.slow  # eight interpreters starting at once; the threaded test above runs always
@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.pg)])
def test_eight_batch_processes_signing_in_as_one_account_all_succeed(
    core: Core, admin: Actor
) -> None:
    """The batch script of issue 14: eight ``audit verify`` runs as one user, started together."""
    accounts.create_user(core, admin, "batch", "administrator", PASSWORD, "Bo Batch")
    url = core.db.target.url.render_as_string(hide_password=False)
    env = {**os.environ, "GIRLSCOURT_PASSWORD": PASSWORD}
    command = [sys.executable, "-m", "girlscourt", "--database", url, "--user", "batch"]
    runs = [
        subprocess.Popen(
            [*command, "audit", "verify"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(DESKS)
    ]
    results = [(run.wait(timeout=180), run.communicate()[1]) for run in runs]
    assert [code for code, _ in results] == [0] * DESKS, results
    assert audit_trail.verify(core, admin).ok
