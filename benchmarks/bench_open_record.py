"""Opening a youth's record: SQL statements and time for ``get_youth`` (the record page's first
call) and for the whole ``youth show`` document, on a seeded demo registry.

Budget (DESIGN.md §8): open a record in ≤ 6 SQL statements and ≤ 50 ms.

    python benchmarks/bench_open_record.py [--youths 2000] [--rounds 50]
"""

from __future__ import annotations

import argparse
import time

from _common import scratch_core, summary
from sqlalchemy import event

from girlscourt.demo import seed as demo
from girlscourt.services.overview import record_view
from girlscourt.services.registry import youths


def main() -> None:
    """Seed, then count and time."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--youths", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    core, actor = scratch_core()
    demo.seed_demo(core, actor, args.youths, seed=5)
    statements: list[str] = []
    event.listen(
        core.db.engine, "before_cursor_execute", lambda *a: statements.append(a[2])
    )  # a[2] is the SQL text
    ids = [r.id for r in youths.list_youths(core, actor, 0, args.rounds)]
    for label, call in (
        ("get_youth", youths.get_youth),
        ("youth_document", record_view.youth_document),
    ):
        times, counts = [], []
        for youth_id in ids:
            statements.clear()
            start = time.perf_counter()
            call(core, actor, youth_id)
            times.append(time.perf_counter() - start)
            counts.append(len([s for s in statements if not s.startswith(("BEGIN", "PRAGMA"))]))
        print(
            summary(label, times) + f"; SQL statements per open: max {max(counts)}, "
            f"min {min(counts)}"
        )


if __name__ == "__main__":
    main()
