"""Times the desk check end to end against 100k restrictions in SQLite (a script, not a test).

Run: ``.venv/bin/python benchmarks/bench_restriction_check.py [--restrictions N] [--probes N]``.

It bulk-inserts synthetic youths, custody episodes and restrictions into a temporary SQLite
database, then times ``desk_check.check_contact`` for a mix of probes: the fingerprint read,
matching, the scope query and the committed log row plus audit event are all inside each timing.
Side by side it times the bare in-memory matcher on the same probes, the cold index build, and a
check right after a restriction was edited (the delta path). Every name, phone and handle is
synthetic (invented surnames, 555-01xx numbers).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_contact_matching import mixed_probes, synthetic_persons
from sqlalchemy import insert

from girlscourt.db import migrate
from girlscourt.db.models import ContactRestriction, CustodyEpisode, Youth
from girlscourt.db.session import Database
from girlscourt.domain.contact_matching import RestrictedPerson, RestrictionIndex
from girlscourt.domain.restriction_rules import CHANNELS
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.restrictions import desk_check, restriction_index, restrictions
from girlscourt.services.security import accounts

PASSWORD = "benchmark pass phrase"
BATCH = 5000


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))]


def figures(label: str, ms: Sequence[float]) -> str:
    """``label: p50 / p95 / max`` in milliseconds."""
    return (
        f"{label}: p50 {statistics.median(ms):.2f} ms  p95 {percentile(ms, 0.95):.2f} ms  "
        f"max {max(ms):.2f} ms  ({len(ms)} runs)"
    )


def seed(
    core: Core, persons: list[RestrictedPerson], youths: int, in_custody: int
) -> tuple[list[int], dict[int, int]]:
    """Bulk-insert youths, custody episodes and one restriction per person.

    Returns the detained youth ids and each restriction's youth.
    """
    rng = random.Random(5)
    now = core.now()
    today = core.today()
    with core.write() as session:
        session.execute(
            insert(Youth),
            [
                {
                    "id": i,
                    "legal_first_name": f"Demo{i}",
                    "legal_last_name": "Ashford",
                    "dob": dt.date(2011, 1, 1),
                    "dependency_status": "none",
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(1, youths + 1)
            ],
        )
        detained = sorted(rng.sample(range(1, youths + 1), in_custody))
        session.execute(
            insert(CustodyEpisode),
            [
                {
                    "youth_id": y,
                    "custody_start_at": now - dt.timedelta(days=rng.randint(0, 90)),
                    "housing_unit": rng.choice(("A", "B", "C", "D")),
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
                for y in detained
            ],
        )
    owner: dict[int, int] = {}
    for start in range(0, len(persons), BATCH):
        rows = []
        for person in persons[start : start + BATCH]:
            rid = person.restriction_id
            owner[rid] = rng.randint(1, youths)  # spread over every youth ever held
            starts_on = today - dt.timedelta(days=rng.randint(0, 300))
            ended = rng.random() < 0.1
            rows.append(
                {
                    "id": rid,
                    "youth_id": owner[rid],
                    "person_name": person.names[0],
                    "aliases": list(person.names[1:]),
                    "phones": list(person.phones),
                    "handles": list(person.handles),
                    "relationship_to_youth": "suspected exploiter",
                    "channels": [
                        c for c in CHANNELS if c in ("visit", "phone") or rng.random() < 0.3
                    ],
                    "basis": "court_order",
                    "court_order_number": f"JV-2026-{rid:06d}",
                    "starts_on": starts_on,
                    "ends_on": today - dt.timedelta(days=1) if ended else None,
                    "review_on": starts_on + dt.timedelta(days=30),
                    "approved_by": 1,
                    "notices": {},
                    "do_not_disclose_location": rng.random() < 0.2,
                    "blocks_admission_calls": False,
                    "lifted_at": now if rng.random() < 0.05 else None,
                    "change_seq": rid,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        with core.write() as session:
            session.execute(insert(ContactRestriction), rows)
    return detained, owner


def run(args: argparse.Namespace, folder: Path) -> None:
    db = Database.open(f"sqlite:///{folder / 'bench.sqlite3'}")
    migrate.upgrade(db.engine)
    core = Core(db)
    accounts.create_user(core, None, "bench", "administrator", PASSWORD)
    actor: Actor = accounts.authenticate(core, "bench", PASSWORD)

    persons = synthetic_persons(args.restrictions)
    started = time.perf_counter()
    detained, owner = seed(core, persons, args.youths, args.custody)
    print(
        f"seeded {len(persons):,} restrictions, {args.youths:,} youths "
        f"({len(detained)} in custody) in {time.perf_counter() - started:.1f} s"
    )

    started = time.perf_counter()
    live = restriction_index.prepare_index(core)
    print(f"cold index load + build: {time.perf_counter() - started:.2f} s ({live:,} live rows)")

    rng = random.Random(9)
    # Half the probes aim at people restricted for youth in custody (checked against everyone in
    # custody), half at anyone on any list (checked against one detained youth): BLOCK, REVIEW
    # and CLEAR all occur.
    held = set(detained)
    aimed = mixed_probes([p for p in persons if owner[p.restriction_id] in held], args.probes // 2)
    anyone = mixed_probes(persons, args.probes - len(aimed), seed=12)
    probes = [p for pair in zip(aimed, anyone, strict=False) for p in pair] + anyone[len(aimed) :]
    service_ms: list[float] = []
    outcomes: Counter[str] = Counter()
    for n, probe in enumerate(probes):
        youth_id = rng.choice(detained) if n % 2 else None
        channel = rng.choice(("visit", "phone", None))
        started = time.perf_counter()
        outcome = desk_check.check_contact(
            core,
            actor,
            name=probe.name,
            phone=probe.phone,
            handle=probe.handle,
            youth_id=youth_id,
            channel=channel,
        )
        service_ms.append((time.perf_counter() - started) * 1000)
        outcomes[outcome.result] += 1

    rng = random.Random(9)  # the same probes and scopes again: the lookup part alone
    lookup_ms = []
    for n, probe in enumerate(probes):
        youth_id = rng.choice(detained) if n % 2 else None
        rng.choice(("visit", "phone", None))
        started = time.perf_counter()
        desk_check._candidates(core, probe, youth_id)  # cache check, scope query, matching
        lookup_ms.append((time.perf_counter() - started) * 1000)

    everyone = RestrictionIndex.build(persons)  # what matching every restriction would cost
    matcher_ms = []
    for probe in probes:
        started = time.perf_counter()
        everyone.check(probe)
        matcher_ms.append((time.perf_counter() - started) * 1000)

    edit_ms = []
    for n in range(args.edits):
        record = restrictions.get_restriction(
            core, actor, persons[n * 997 % len(persons)].restriction_id
        )
        data = record.data
        if record.status in ("lifted", "ended"):
            continue
        restrictions.update_restriction(
            core,
            actor,
            record.id,
            record.version,
            type(data)(**{**data.__dict__, "aliases": (*data.aliases, f"Edit {n}")}),
        )
        started = time.perf_counter()
        after = desk_check.check_contact(core, actor, name=f"Edit {n}", youth_id=record.youth_id)
        edit_ms.append((time.perf_counter() - started) * 1000)
        assert after.result == "BLOCK", after

    admit_ms = []
    free = [y for y in range(1, args.youths + 1) if y not in held][: args.admissions]
    for youth_id in free:  # an admission changes who is in custody
        with core.write() as session:
            session.add(
                CustodyEpisode(youth_id=youth_id, custody_start_at=core.now(), housing_unit="A")
            )
        started = time.perf_counter()
        desk_check.check_contact(core, actor, name="Wren Abernathy")
        admit_ms.append((time.perf_counter() - started) * 1000)

    print(f"probes: {len(probes)}  outcomes: {dict(sorted(outcomes.items()))}")
    print(figures("check_contact end to end (incl. log row + audit commit)", service_ms))
    print(figures("  of which the lookup (cache check, scope query, matching)", lookup_ms))
    print(figures("bare matcher over all restrictions, same probes (no DB)", matcher_ms))
    print(
        "ratio end to end / bare matcher: p50 "
        f"{statistics.median(service_ms) / statistics.median(matcher_ms):.2f}x, p95 "
        f"{percentile(service_ms, 0.95) / percentile(matcher_ms, 0.95):.2f}x"
    )
    if edit_ms:
        print(figures("first check after an edit (delta re-index)", edit_ms))
    if admit_ms:
        print(figures("first check after an admission (her rows join the delta)", admit_ms))
    p95 = percentile(service_ms, 0.95)
    print(f"target p95 <= 20 ms: {'met' if p95 <= 20 else 'MISSED'} ({p95:.2f} ms)")
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average {load} (figures need a quiet machine)")


def main(argv: list[str] | None = None) -> int:
    """Seed a scratch database, time the checks, print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--restrictions", type=int, default=100_000)
    parser.add_argument("--youths", type=int, default=20_000)
    parser.add_argument("--custody", type=int, default=600)
    parser.add_argument("--probes", type=int, default=500)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--admissions", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gc-bench-restrictions-") as folder:
        run(args, Path(folder))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
