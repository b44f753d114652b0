"""Youth search at county-and-state scale: the service beside a hand-written indexed SQL query.

Seeds N synthetic youths (default 200,000, with aliases) into a scratch SQLite database, then
times typical as-you-type queries through ``find_youths`` and, for the same rows, one raw SQL
statement on the same key index (sqlite3, no ORM, no ranking). Prints p50/p95 of each and the
ratio. Budget (DESIGN.md §8): p95 ≤ 25 ms and ≤ 3x the raw query.

    python benchmarks/bench_youth_search.py [--youths 200000] [--rounds 20]
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from pathlib import Path

from _common import percentile, scratch_core, summary

from girlscourt.demo import seed as demo
from girlscourt.domain.names import phonetic_key
from girlscourt.services.registry import youths
from girlscourt.services.registry.youth_search import CANDIDATE_LIMIT, parse_query

QUERIES = [
    "maria",
    "jasmine ash",
    "ashford maria",
    "zoe",
    "obrien",
    "Nguyen",
    "lil star",
    "kitty",
    "bright",
    "mia stonewell",
    "valeria oakridge",
    "2012-05-04",
    "jazmin",
    "smtih",
    "Maira Cedarfrod",
    "ri",
    "a",
    "ghost",
    "destiny willowbrook",
    "o'lark",
]


def raw_sql(connection: sqlite3.Connection, text: str) -> list[tuple[object, ...]]:
    """The same rows by hand: candidate ids (one INTERSECT per token), youths and their aliases."""
    query = parse_query(text)
    parts, params = [], []
    for token in dict.fromkeys(query.name_tokens):
        clause = "(token >= ? AND token < ?)"
        params += [token, token + "\U0010ffff"]
        if len(token) >= 3:
            clause = f"({clause} OR phonetic = ?)"
            params.append(phonetic_key(token))
        parts.append(f"SELECT youth_id FROM youth_name_key WHERE {clause}")
    if parts:
        ids_sql = " INTERSECT ".join(parts)
        where = f"y.id IN ({ids_sql} LIMIT {CANDIDATE_LIMIT})"
    else:
        where = f"y.dob IN ({','.join('?' for _ in query.dates)})"
        params = [d.isoformat() for d in query.dates]
    sql = (
        "SELECT y.id, y.legal_first_name, y.legal_last_name, y.preferred_name, y.dob, a.alias "
        f"FROM youth y LEFT JOIN youth_alias a ON a.youth_id = y.id WHERE {where}"
    )
    return connection.execute(sql, params).fetchall()


def main() -> None:
    """Seed, warm up, measure, print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--youths", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--keep", type=Path, help="reuse/keep the database in this folder")
    args = parser.parse_args()

    core, actor = scratch_core(args.keep)
    have = youths.count_youths(core, actor)
    if have < args.youths:
        started = time.perf_counter()
        demo.seed_youths(core, actor, args.youths - have, seed=2026)
        print(f"seeded {args.youths - have} youths in {time.perf_counter() - started:.1f} s")
    total = youths.count_youths(core, actor)
    raw = sqlite3.connect(core.db.engine.url.database or "")

    service_times: list[float] = []
    raw_times: list[float] = []
    for text in QUERIES:  # warm both paths (page cache, statement cache)
        youths.find_youths(core, actor, text)
        raw_sql(raw, text)
    for _ in range(args.rounds):
        for text in QUERIES:
            start = time.perf_counter()
            youths.find_youths(core, actor, text)
            service_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            raw_sql(raw, text)
            raw_times.append(time.perf_counter() - start)

    print(f"registry: {total} youths; {len(QUERIES)} queries x {args.rounds} rounds")
    print(summary("find_youths (service)", service_times))
    print(summary("hand-written SQL     ", raw_times))
    ratio50 = percentile(service_times, 0.5) / percentile(raw_times, 0.5)
    ratio95 = percentile(service_times, 0.95) / percentile(raw_times, 0.95)
    print(
        f"ratio service/raw: p50 {ratio50:.2f}x, p95 {ratio95:.2f}x (budget: p95 <= 25 ms, <= 3x)"
    )
    per_query = {}
    for index, text in enumerate(QUERIES):
        samples = service_times[index :: len(QUERIES)]
        per_query[text] = percentile(samples, 0.95) * 1000
    worst = sorted(per_query.items(), key=lambda kv: -kv[1])[:5]
    print("slowest queries (p95 ms): " + ", ".join(f"{q!r} {ms:.1f}" for q, ms in worst))


if __name__ == "__main__":
    main()
