"""The child process of the PostgreSQL F5 test: registers youths and records intakes until killed.

Run as ``python -m tests.faults.f5_pg_writer``; the database URL comes from ``F5_DATABASE_URL``
(not the command line, where other users could read its password) and the round number from
``F5_ROUND``. It prints ``ready`` once signed in, then one line per committed save, and only
after the save returned: ``youth ID`` or ``intake ID``. What it printed is what the product
told its user was saved; the parent kills it with SIGKILL at a random moment and checks that
every printed id is there and nothing is half-written.
"""

from __future__ import annotations

import os
import sys

from girlscourt.db.session import Database
from girlscourt.services.kernel import retry
from girlscourt.services.kernel.core import Core
from girlscourt.services.registry import youths
from tests.faults.intake_desk import Desk, save, sign_in_officer, youth_input

LIMIT = 500  # saves per round: a child that is never killed still stops by itself


def main() -> int:
    core = Core(Database.open(os.environ["F5_DATABASE_URL"]))
    officer = sign_in_officer(core)
    desk = Desk(core, officer, youth_id=0)
    base = int(os.environ["F5_ROUND"]) * LIMIT
    print("ready", flush=True)
    for n in range(LIMIT):
        youth = youths.register_youth(
            core, officer, youth_input(base + n), operation_id=retry.new_operation_id()
        )
        print(f"youth {youth.id}", flush=True)
        result = save(desk, retry.new_operation_id(), youth.id)
        print(f"intake {result.episode_id}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
