"""The writer process of the SQLite F5 test: saves youths and intakes until it is killed.

It logs each id only after the save that made it committed, one line per write (``youth ID``
or ``intake ID``) appended with a single ``write`` call and fsync'd, so a SIGKILL can cut the
log short but never leave a half line that reads as an id. ``ready`` is set after the first
committed save, so every kill lands among the writes.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from multiprocessing.synchronize import Event
from pathlib import Path

from girlscourt.db.session import Database
from girlscourt.domain.intake_rules import ChargeInput, EpisodeInput
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.services.intake import intake
from girlscourt.services.intake.intake import IntakeRequest
from girlscourt.services.kernel.core import Core
from girlscourt.services.registry import youths
from girlscourt.services.security import accounts

ADMIN_PASSWORD = "correct horse battery staple"
OFFICER_PASSWORD = "intake desk night shift"
LIMIT = 10_000  # saves per writer: one never killed still stops by itself


def prepare(url: str) -> None:
    """The accounts the writers sign in with (the database is migrated already)."""
    db = Database.open(url)
    try:
        core = Core(db)
        accounts.create_user(core, None, "admin", "administrator", ADMIN_PASSWORD, "Ada Admin")
        admin = accounts.authenticate(core, "admin", ADMIN_PASSWORD)
        accounts.create_user(
            core, admin, "officer", "intake_officer", OFFICER_PASSWORD, "Olu Officer"
        )
    finally:
        db.dispose()


def _log(fd: int, kind: str, record_id: int) -> None:
    os.write(fd, f"{kind} {record_id}\n".encode())
    os.fsync(fd)


def write_until_killed(url: str, log: str, ready: Event, seed: int) -> None:
    """Register youths and record their intakes, one transaction each, logging every id."""
    chance = random.Random(seed)
    db = Database.open(url)
    core = Core(db)
    officer = accounts.authenticate(core, "officer", OFFICER_PASSWORD)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    born = core.today() - dt.timedelta(days=15 * 365)
    for n in range(LIMIT):
        data = YouthInput(
            legal_first_name=f"Writer{seed % 1000}x{n}",
            legal_last_name="Sigkill",
            dob=born - dt.timedelta(days=chance.randrange(300)),
        )
        youth = youths.register_youth(core, officer, data)
        _log(fd, "youth", youth.id)
        ready.set()
        request = IntakeRequest(
            EpisodeInput(
                youth_id=youth.id,
                custody_start_at=core.now() - dt.timedelta(minutes=chance.randrange(5, 60)),
                charges=(ChargeInput("PC 211"), ChargeInput("PC 459")),
            )
        )
        episode = intake.record_intake(core, officer, request)
        _log(fd, "intake", episode.episode_id)


def read_log(log: Path) -> tuple[set[int], set[int]]:
    """The youth ids and episode ids the writers reported committed."""
    found: dict[str, set[int]] = {"youth": set(), "intake": set()}
    if not log.exists():
        return found["youth"], found["intake"]
    for line in log.read_text(encoding="utf-8").splitlines():
        kind, _, number = line.partition(" ")
        if kind in found and number.isdigit():
            found[kind].add(int(number))
    return found["youth"], found["intake"]
