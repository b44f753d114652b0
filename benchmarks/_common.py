"""Helpers the benchmark scripts share: a scratch database and percentile figures."""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Sequence
from pathlib import Path

from girlscourt.db import migrate
from girlscourt.db.session import Database
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import accounts

PASSWORD = "benchmark pass phrase"


def scratch_core(path: Path | None = None) -> tuple[Core, Actor]:
    """A migrated SQLite database in a temporary folder with a signed-in administrator."""
    folder = path or Path(tempfile.mkdtemp(prefix="gc-bench-"))
    db = Database.open(f"sqlite:///{folder / 'bench.sqlite3'}")
    migrate.upgrade(db.engine)
    core = Core(db)
    if not accounts.has_users(core):
        accounts.create_user(core, None, "bench", "administrator", PASSWORD)
    return core, accounts.authenticate(core, "bench", PASSWORD)


def percentile(values: Sequence[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``values`` fall (nearest rank)."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary(label: str, seconds: Sequence[float]) -> str:
    """``label: p50 x ms, p95 y ms, max z ms (n runs)``."""
    ms = [s * 1000 for s in seconds]
    return (
        f"{label}: p50 {statistics.median(ms):.2f} ms, p95 {percentile(ms, 0.95):.2f} ms, "
        f"max {max(ms):.2f} ms ({len(ms)} runs)"
    )
