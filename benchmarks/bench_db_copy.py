"""``db copy`` at state scale: N youths (default 200,000) with aliases and one intake each (an
episode and its charge), copied from a scratch SQLite file into an empty database; prints rows
per second and the memory the copy took (peak RSS growth, which stays bounded: rows stream in
batches of ``database_copy.BATCH``).

    python benchmarks/bench_db_copy.py [--youths 200000] [--to URL]

Without ``--to`` the target is a new SQLite file beside the source; with a PostgreSQL URL whose
schema is empty it is the move up to the shared server.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import tempfile
import time
from pathlib import Path

from _common import scratch_core
from sqlalchemy import insert, select

from girlscourt.db.models import Charge, CustodyEpisode, Youth
from girlscourt.demo import seed as demo
from girlscourt.services.maintenance import database_copy


def add_intakes(core, batch: int = 5000) -> int:  # type: ignore[no-untyped-def]
    """One custody episode with one charge per youth, written straight into the tables."""
    start = dt.datetime(2025, 1, 1, 8, tzinfo=dt.UTC)
    with core.write() as session:
        ids = list(session.execute(select(Youth.id).order_by(Youth.id)).scalars())
        for offset in range(0, len(ids), batch):
            chunk = ids[offset : offset + batch]
            rows = [
                {
                    "youth_id": y,
                    "custody_start_at": start + dt.timedelta(minutes=y),
                    "released_at": start + dt.timedelta(minutes=y, hours=30),
                    "housing_unit": f"Unit {y % 6 + 1}",
                }
                for y in chunk
            ]
            session.execute(insert(CustodyEpisode), rows)
        episodes = list(session.execute(select(CustodyEpisode.id)).scalars())
        for offset in range(0, len(episodes), batch):
            session.execute(
                insert(Charge),
                [
                    {"episode_id": e, "code": "PC 484", "level": "misdemeanor"}
                    for e in episodes[offset : offset + batch]
                ],
            )
    return len(episodes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--youths", type=int, default=200_000)
    parser.add_argument("--to", default=None, help="an empty target database URL")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="gc-bench-copy-"))
    core, admin = scratch_core(folder)
    t0 = time.monotonic()
    demo.seed_youths(core, admin, args.youths, seed=2026)
    intakes = add_intakes(core)
    print(f"seeded {args.youths:,} youths and {intakes:,} intakes in {time.monotonic() - t0:.1f} s")
    target = args.to or f"sqlite:///{folder / 'copy.sqlite3'}"
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = database_copy.copy_database(core, admin, target)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    busiest = sorted(report.tables, key=lambda t: -t[1])[:5]
    print("largest tables: " + ", ".join(f"{name} {rows:,}" for name, rows in busiest))
    print(
        f"copied {report.rows:,} rows to {report.target.split('?')[0]} in {report.seconds:.1f} s: "
        f"{report.rows_per_second:,.0f} rows/s; chain of {report.chain_events:,} events verified"
    )
    print(f"peak RSS grew by {(rss_after - rss_before) / 1024:.0f} MiB during the copy")


if __name__ == "__main__":
    main()
