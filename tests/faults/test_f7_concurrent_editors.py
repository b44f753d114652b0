"""F7: several people editing one youth's record at once, on SQLite and on PostgreSQL.

Every editable table carries a version column (``version_id_col``): an UPDATE names the version
the editor loaded, so a save made on a stale copy matches no row and becomes ``ConflictError``
(the conflict dialog), never a silent overwrite. With eight threads editing one record, every
committed version is unique and one more than the last, the record ends as exactly the write of
the last commit, and every attempt either committed or was told it conflicted.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select

from girlscourt.db.models import AuditEvent, Youth
from girlscourt.errors import ConflictError
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.registry import youths
from tests.faults.fault_table import FaultTable
from tests.faults.intake_desk import freeze, youth_input

FAULT = "F7 concurrent editors"
EDITORS = 8
LOCKSTEP_ROUNDS = 4  # all eight read the same version, then all save at once
FREE_ATTEMPTS = 5  # then each editor reads and saves as fast as it can, this many times


def test_second_session_saving_a_stale_copy_gets_a_conflict(
    core: Core, officer: Actor, backend: str, fault_table: FaultTable
) -> None:
    freeze(core)
    youth_id = youths.register_youth(core, officer, youth_input(1)).id
    # Two sessions load the record: each holds version 1, as an open form does.
    with core.db.session(write=False) as first:
        mine = first.get(Youth, youth_id)
    with core.db.session(write=False) as second:
        theirs = second.get(Youth, youth_id)
    assert mine is not None and theirs is not None and mine.version == theirs.version == 1
    with core.db.session(write=True) as session:
        session.add(mine)
        mine.preferred_name = "Mine"
    assert mine.version == 2
    stale_save = core.db.session(write=True)  # its UPDATE names version 1: no row matches
    with pytest.raises(ConflictError), stale_save as session:
        session.add(theirs)
        theirs.preferred_name = "Theirs"
    # The same through the service the desk uses: the stale version is refused with the
    # current one, so the dialog can show both.
    record = youths.get_youth(core, officer, youth_id)
    stale = dataclasses.replace(record.data, preferred_name="Stale")
    with pytest.raises(ConflictError) as raised:
        youths.update_youth(core, officer, youth_id, 1, stale)
    assert raised.value.current_version == 2
    final = youths.get_youth(core, officer, youth_id)
    assert (final.version, final.data.preferred_name) == (2, "Mine")
    fault_table.record(FAULT, rounds=2, survived=2, backend=backend)


@dataclass
class Outcome:
    """What one editor was told for each save it attempted."""

    committed: list[tuple[int, str]] = field(default_factory=list)  # (new version, name)
    conflicts: int = 0
    lockstep_commits: int = 0
    other: list[str] = field(default_factory=list)


def _editor(
    core: Core,
    actor: Actor,
    youth_id: int,
    number: int,
    outcome: Outcome,
    lockstep: threading.Barrier,
) -> None:
    attempt = 0

    def save_once(wait: bool) -> None:
        nonlocal attempt
        attempt += 1
        record = youths.get_youth(core, actor, youth_id)
        name = f"Editor{number}n{attempt}"
        if wait:
            lockstep.wait(timeout=60)
        try:
            saved = youths.update_youth(
                core,
                actor,
                youth_id,
                record.version,
                dataclasses.replace(record.data, preferred_name=name),
            )
        except ConflictError:
            outcome.conflicts += 1
        else:
            outcome.committed.append((saved.version, name))
            outcome.lockstep_commits += wait

    try:
        for _ in range(LOCKSTEP_ROUNDS):
            save_once(wait=True)
            lockstep.wait(timeout=60)  # every save of this round is over
        for _ in range(FREE_ATTEMPTS):
            save_once(wait=False)
    except Exception as error:  # anything but a conflict is a failure of the product
        outcome.other.append(f"{type(error).__name__}: {error}")
        lockstep.abort()


def test_eight_editors_of_one_record_never_lose_an_edit(
    core: Core, officer: Actor, backend: str, fault_table: FaultTable
) -> None:
    freeze(core)
    youth_id = youths.register_youth(core, officer, youth_input(2)).id
    lockstep = threading.Barrier(EDITORS)
    outcomes = [Outcome() for _ in range(EDITORS)]
    threads = [
        threading.Thread(
            target=_editor, args=(core, officer, youth_id, n, outcomes[n], lockstep), daemon=True
        )
        for n in range(EDITORS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert not any(thread.is_alive() for thread in threads), "an editor hung"
    others = [problem for o in outcomes for problem in o.other]
    commits = sorted(c for o in outcomes for c in o.committed)
    conflicts = sum(o.conflicts for o in outcomes)
    attempts = EDITORS * (LOCKSTEP_ROUNDS + FREE_ATTEMPTS)
    versions = [version for version, _ in commits]
    final = youths.get_youth(core, officer, youth_id)
    with core.read() as session:
        audited = dict(
            session.execute(
                select(AuditEvent.outcome, func.count(AuditEvent.id))
                .where(AuditEvent.action == "youth.edit", AuditEvent.record_id == youth_id)
                .group_by(AuditEvent.outcome)
            ).all()
        )
    unique_and_stepwise = versions == list(range(2, 2 + len(versions)))
    last_write_is_the_record = (
        bool(commits) and (final.version, final.data.preferred_name) == (commits[-1])
    )
    silently_lost = len(versions) - len(set(versions))  # two "saved" answers for one version
    fault_table.record(
        FAULT,
        rounds=attempts,
        survived=len(commits) + conflicts if unique_and_stepwise and not others else 0,
        lost=silently_lost,
        backend=backend,
    )
    assert others == []
    assert len(commits) + conflicts == attempts  # every attempt was told what happened
    assert unique_and_stepwise, versions
    assert last_write_is_the_record, (final.version, final.data.preferred_name, commits[-1:])
    assert audited.get("ok", 0) == len(commits)
    # Each lockstep round has exactly one winner; the other seven were refused.
    assert sum(o.lockstep_commits for o in outcomes) == LOCKSTEP_ROUNDS
    search = youths.find_youths(core, officer, final.data.preferred_name or "")
    assert youth_id in [r.id for r in search.rows]  # the search keys follow the last write
